package io.attune.packbinaries.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a real registry that breaks some requests on purpose: drops the
 * connection without an answer, answers 503 or 429, or sends the client to a non-HTTP URL.
 * Everything else is forwarded as is, with upload locations rewritten to point back at the proxy.
 * One request per connection.
 */
public final class FaultProxy implements AutoCloseable {

  public enum Action {
    FORWARD,
    DROP,
    UNAVAILABLE,
    TOO_MANY_REQUESTS,
    /** 202 Accepted, sending the client on to a URL no HTTP client can follow. */
    MISDIRECT,
    /**
     * The registry's own answer, its headers at once and its body one byte per {@link
     * #trickleEvery} (the whole Content-Length declared up front, as a slow server would).
     */
    TRICKLE
  }

  /** Where {@link Action#MISDIRECT} sends the client. */
  public static final String MISDIRECTED_TO = "mailto:ops@registry.invalid";

  /**
   * A request as the rule sees it; {@code number} counts from 1, {@code query} is the raw query (""
   * for none).
   */
  public record Request(int number, String method, String path, String query) {}

  public interface Rule {
    Action decide(Request request);
  }

  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive");

  private final ServerSocket server;
  private final String upstream;
  private final Rule rule;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger faults = new AtomicInteger();
  private volatile java.time.Duration trickleEvery = java.time.Duration.ofSeconds(5);

  public FaultProxy(String upstream, Rule rule) throws IOException {
    this.upstream = upstream;
    this.rule = rule;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:port}, to use as a registry host. */
  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** How long {@link Action#TRICKLE} waits between bytes (5 s unless set). */
  public FaultProxy trickleEvery(java.time.Duration interval) {
    trickleEvery = interval;
    return this;
  }

  public int faults() {
    return faults.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        workers.execute(() -> handle(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      String requestLine = line(in);
      if (requestLine == null || !requestLine.endsWith("HTTP/1.1")) {
        return;
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String header; (header = line(in)) != null && !header.isEmpty(); ) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          return; // not HTTP: e.g. a client probing for TLS first
        }
        headers
            .computeIfAbsent(header.substring(0, colon).trim(), k -> new java.util.ArrayList<>())
            .add(header.substring(colon + 1).trim());
      }
      String[] parts = requestLine.split(" ");
      String method = parts[0];
      String target = parts[1];
      long length =
          headers.entrySet().stream()
              .filter(e -> e.getKey().equalsIgnoreCase("content-length"))
              .mapToLong(e -> Long.parseLong(e.getValue().get(0)))
              .findFirst()
              .orElse(0);
      byte[] body = in.readNBytes((int) length);
      Action action =
          rule.decide(
              new Request(
                  requests.incrementAndGet(),
                  method,
                  URI.create(target).getPath(),
                  Objects.requireNonNullElse(URI.create(target).getRawQuery(), "")));
      OutputStream out = socket.getOutputStream();
      switch (action) {
        case DROP -> faults.incrementAndGet(); // close without a word
        case UNAVAILABLE -> {
          faults.incrementAndGet();
          respond(out, 503, "Service Unavailable", Map.of(), new byte[0], false);
        }
        case TOO_MANY_REQUESTS -> {
          faults.incrementAndGet();
          respond(
              out,
              429,
              "Too Many Requests",
              Map.of("Retry-After", List.of("0")),
              new byte[0],
              false);
        }
        case MISDIRECT -> {
          faults.incrementAndGet();
          respond(
              out,
              202,
              "Accepted",
              Map.of("Location", List.of(MISDIRECTED_TO)),
              new byte[0],
              false);
        }
        case FORWARD -> forward(out, method, target, headers, body, false);
        case TRICKLE -> {
          faults.incrementAndGet();
          forward(out, method, target, headers, body, true);
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away; nothing to answer
    }
  }

  private void forward(
      OutputStream out,
      String method,
      String target,
      Map<String, List<String>> headers,
      byte[] body,
      boolean trickle)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + upstream + target))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, values) -> {
          if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
            values.forEach(v -> request.header(name, v));
          }
        });
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, List<String>> answer = new LinkedHashMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (lower.equals("location")) {
                answer.put(name, values.stream().map(v -> v.replace(upstream, address())).toList());
              } else if (!NOT_FORWARDED.contains(lower)
                  || (lower.equals("content-length") && method.equals("HEAD"))) {
                answer.put(name, values);
              }
            });
    if (trickle && !method.equals("HEAD")) {
      respond(out, response.statusCode(), "Proxied", answer, new byte[0], true, response.body());
    } else {
      respond(
          out, response.statusCode(), "Proxied", answer, response.body(), method.equals("HEAD"));
    }
  }

  /** Headers declaring {@code slowBody}'s length, then its bytes one at a time. */
  private void respond(
      OutputStream out,
      int status,
      String reason,
      Map<String, List<String>> headers,
      byte[] none,
      boolean head,
      byte[] slowBody)
      throws IOException, InterruptedException {
    Map<String, List<String>> declared = new LinkedHashMap<>(headers);
    declared.put("Content-Length", List.of(Integer.toString(slowBody.length)));
    respond(out, status, reason, declared, none, head);
    for (byte b : slowBody) {
      Thread.sleep(trickleEvery.toMillis());
      out.write(b);
      out.flush();
    }
  }

  private static void respond(
      OutputStream out,
      int status,
      String reason,
      Map<String, List<String>> headers,
      byte[] body,
      boolean head)
      throws IOException {
    StringBuilder text =
        new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    headers.forEach(
        (name, values) ->
            values.forEach(v -> text.append(name).append(": ").append(v).append("\r\n")));
    if (!head) {
      text.append("Content-Length: ").append(body.length).append("\r\n");
    }
    text.append("Connection: close\r\n\r\n");
    out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!head) {
      out.write(body);
    }
    out.flush();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(b);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    workers.shutdownNow();
  }
}
