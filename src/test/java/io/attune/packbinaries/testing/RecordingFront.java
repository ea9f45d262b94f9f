package io.attune.packbinaries.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A small front before a real registry, as a registry backed by object storage looks to a client:
 * the front (http or https) forwards to the registry, but sends each upload's {@code Location} and
 * each blob {@code GET} (as a 307) to a second origin, plain HTTP on another port, that stands for
 * the storage service. The second origin forwards too, authorising itself with what the client sent
 * with the request that led there (as a signed URL carries its own authority, whatever else the
 * client does meanwhile), and records every header it receives: the client's credentials must never
 * be among them.
 *
 * <p>It can also inject what a registry cannot be made to send: a manifest body over any limit, or
 * an error body of any size, so the client's bounds meet real bytes.
 */
public final class RecordingFront implements AutoCloseable {

  /** A request as an origin received it, header names in lower case. */
  public record Received(String method, String path, Map<String, List<String>> headers) {
    public boolean hasAuthorization() {
      return headers.containsKey("authorization");
    }
  }

  /** What the front answers instead of forwarding; NONE forwards. */
  public enum Injection {
    NONE,
    /** Every manifest GET: 200 with a body of {@link #INJECTED_BYTES}, with its Content-Length. */
    HUGE_MANIFEST_DECLARED,
    /** Every manifest GET: 200 with a body streamed without a length, until the client stops. */
    HUGE_MANIFEST_STREAMED,
    /** Every manifest GET: 400 with an error body of {@link #INJECTED_BYTES}. */
    HUGE_ERROR,
    /** Every manifest PUT: a 307 to the second origin, as a storage-backed registry may send. */
    REDIRECT_MANIFEST_PUTS,
    /** Every blob GET: 200 with a body streamed without a length, until the client stops. */
    HUGE_BLOB_STREAMED
  }

  /** Bigger than any limit of the client, small enough for a test. */
  public static final int INJECTED_BYTES = 64 * 1024 * 1024;

  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "date");

  private final String upstream;
  private final HttpClient http;
  private final HttpServer front;
  private final HttpServer storage;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final List<Received> atFront = Collections.synchronizedList(new ArrayList<>());
  private final List<Received> atStorage = Collections.synchronizedList(new ArrayList<>());
  // Second-origin path -> the Authorization of the front request that sent the client there.
  private final Map<String, String> signedFor = new ConcurrentHashMap<>();
  private volatile Injection injection = Injection.NONE;
  private volatile long injectedBytesSent;

  /**
   * @param upstream the registry's base URL, {@code https://127.0.0.1:5443}
   * @param upstreamTrust trust for the registry's certificate, or null
   * @param frontTls the front's own TLS (see {@link #serverTls}), or null for plain HTTP
   */
  public RecordingFront(String upstream, SSLContext upstreamTrust, SSLContext frontTls)
      throws IOException {
    this.upstream = upstream.replaceAll("/+$", "");
    HttpClient.Builder client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (upstreamTrust != null) {
      client.sslContext(upstreamTrust);
    }
    this.http = client.build();
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (frontTls != null) {
      HttpsServer https = HttpsServer.create(any, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(frontTls));
      front = https;
    } else {
      front = HttpServer.create(any, 0);
    }
    storage = HttpServer.create(any, 0);
    front.createContext("/", this::atFront);
    storage.createContext("/", this::atStorage);
    front.setExecutor(workers);
    storage.setExecutor(workers);
    front.start();
    storage.start();
  }

  /** A server TLS context from a PEM certificate and PKCS#8 key, as the test CA issued them. */
  public static SSLContext serverTls(Path certificate, Path key) throws Exception {
    Certificate cert;
    try (InputStream in = Files.newInputStream(certificate)) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey privateKey =
        KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "front".toCharArray();
    store.setKeyEntry("front", privateKey, password, new Certificate[] {cert});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** {@code 127.0.0.1:PORT}, to use as the registry host. */
  public String address() {
    return "127.0.0.1:" + front.getAddress().getPort();
  }

  /** The second origin, {@code http://127.0.0.1:PORT}. */
  public String storageOrigin() {
    return "http://127.0.0.1:" + storage.getAddress().getPort();
  }

  public List<Received> receivedAtFront() {
    synchronized (atFront) {
      return List.copyOf(atFront);
    }
  }

  public List<Received> receivedAtStorage() {
    synchronized (atStorage) {
      return List.copyOf(atStorage);
    }
  }

  public void inject(Injection what) {
    injection = what;
  }

  /** How many injected body bytes the client took before it hung up. */
  public long injectedBytesSent() {
    return injectedBytesSent;
  }

  private void atFront(HttpExchange exchange) throws IOException {
    try (exchange) {
      Received received = record(exchange, atFront);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String path = exchange.getRequestURI().getRawPath();
      String method = received.method();
      if (method.equals("PUT")
          && path.contains("/manifests/")
          && injection == Injection.REDIRECT_MANIFEST_PUTS) {
        sign(path, authorization);
        exchange.getResponseHeaders().set("Location", storageOrigin() + rawTarget(exchange));
        exchange.sendResponseHeaders(307, -1);
        return;
      }
      boolean blobGet = method.equals("GET") && path.matches("/v2/.+/blobs/[^/]+");
      if (method.equals("GET")
          && path.contains("/manifests/")
          && injection != Injection.NONE
          && injection != Injection.REDIRECT_MANIFEST_PUTS
          && injection != Injection.HUGE_BLOB_STREAMED) {
        inject(exchange);
        return;
      }
      if (blobGet && injection == Injection.HUGE_BLOB_STREAMED) {
        inject(exchange);
        return;
      }
      if (blobGet) {
        sign(path, authorization);
        exchange.getResponseHeaders().set("Location", storageOrigin() + rawTarget(exchange));
        exchange.sendResponseHeaders(307, -1);
        return;
      }
      forward(exchange, null, true);
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the client went away, or the upstream did: the client sees a dropped connection
    }
  }

  private void atStorage(HttpExchange exchange) throws IOException {
    try (exchange) {
      record(exchange, atStorage);
      forward(exchange, signedFor.get(exchange.getRequestURI().getRawPath()), false);
    } catch (IOException | InterruptedException | RuntimeException e) {
      // as above
    }
  }

  private Received record(HttpExchange exchange, List<Received> into) {
    Map<String, List<String>> headers = new TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    Received received =
        new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers);
    into.add(received);
    return received;
  }

  private static String rawTarget(HttpExchange exchange) {
    URI uri = exchange.getRequestURI();
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /**
   * Forwards to the registry. From the front, the client's headers go as they are and upload
   * locations are pointed at the second origin; from the second origin, the client's headers go
   * without any Authorization, and {@code authorization} (what the client sent with the front
   * request that led there, if anything) is used instead.
   */
  private void forward(HttpExchange exchange, String authorization, boolean fromFront)
      throws IOException, InterruptedException {
    String method = exchange.getRequestMethod();
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream + rawTarget(exchange)))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!NOT_FORWARDED.contains(lower) && (fromFront || !lower.equals("authorization"))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    if (!fromFront && authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (lower.equals("location")
                  && fromFront
                  && isUpload(method, response.statusCode())) {
                String sent = exchange.getRequestHeaders().getFirst("Authorization");
                values.forEach(v -> sign(URI.create(toStorage(v)).getRawPath(), sent));
                exchange
                    .getResponseHeaders()
                    .put(name, values.stream().map(this::toStorage).toList());
              } else if (!NOT_FORWARDED.contains(lower)) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] answer = response.body();
    boolean empty = method.equals("HEAD") || answer.length == 0;
    exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
    if (!empty) {
      exchange.getResponseBody().write(answer);
    }
  }

  private void sign(String storagePath, String authorization) {
    if (authorization != null) {
      signedFor.put(storagePath, authorization);
    }
  }

  private static boolean isUpload(String method, int status) {
    return status == 202 && (method.equals("POST") || method.equals("PATCH"));
  }

  /** The same path and query on the second origin, however the registry wrote the Location. */
  private String toStorage(String location) {
    URI uri = URI.create(upstream).resolve(location);
    return storageOrigin()
        + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private void inject(HttpExchange exchange) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    chunk[0] = '{';
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.index.v1+json");
    switch (injection) {
      case HUGE_MANIFEST_DECLARED -> exchange.sendResponseHeaders(200, INJECTED_BYTES);
      case HUGE_MANIFEST_STREAMED, HUGE_BLOB_STREAMED -> exchange.sendResponseHeaders(200, 0);
      default -> exchange.sendResponseHeaders(400, INJECTED_BYTES);
    }
    OutputStream out = exchange.getResponseBody();
    long sent = 0;
    try {
      for (; sent < INJECTED_BYTES; sent += chunk.length) {
        out.write(chunk);
        chunk[0] = ' ';
      }
    } finally {
      injectedBytesSent = sent;
    }
  }

  @Override
  public void close() {
    front.stop(0);
    storage.stop(0);
    workers.shutdownNow();
  }
}
