package io.attune.packbinaries.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * How every registry request is sent: to the registry's base URL (https, or http for a loopback or
 * explicitly insecure registry), with the {@code Authorization} header only where {@link
 * RegistryAuthenticator} allows it, and redirects followed here rather than by the JDK ({@code
 * Redirect.NEVER}): the JDK would copy the header to whatever host a redirect names. Bodies come
 * back as streams, so each caller reads only as much as its kind of response may hold.
 */
final class RegistryTransport {

  static final Duration SMALL_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final Duration BLOB_TIMEOUT = Duration.ofMinutes(10);
  private static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /** One request as an operation describes it; the transport adds authorization. */
  record Request(
      String method, URI url, Map<String, String> headers, BodyPublisher body, Duration timeout) {

    static Request of(String method, URI url) {
      return new Request(method, url, Map.of(), BodyPublishers.noBody(), SMALL_REQUEST_TIMEOUT);
    }

    Request header(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Request(method, url, more, body, timeout);
    }

    Request body(BodyPublisher content) {
      return new Request(method, url, headers, content, timeout);
    }

    Request timeout(Duration limit) {
      return new Request(method, url, headers, body, limit);
    }
  }

  private final String registry;
  private final boolean allowInsecure;
  private final HttpClient http;
  private final RegistryConnections connections;
  private final RegistryAuthenticator authenticator;
  private volatile URI base;
  // The base came from an earlier client's probe and no response over it has confirmed it yet.
  private volatile boolean remembered;

  RegistryTransport(
      String registry,
      boolean allowInsecure,
      HttpClient http,
      RegistryConnections connections,
      RegistryAuthenticator authenticator) {
    this.registry = registry;
    this.allowInsecure = allowInsecure;
    this.http = http;
    this.connections = connections;
    this.authenticator = authenticator;
  }

  /** {@code /v2/REPOSITORY/PATH} on the registry. */
  URI url(String repository, String path) throws IOException {
    return base().resolve("/v2/" + repository + "/" + path);
  }

  /** Sends, following redirects; on a 401 from the registry answers the challenge and resends. */
  HttpResponse<InputStream> send(Request request) throws IOException {
    String sentWith = authenticator.current();
    HttpResponse<InputStream> response = follow(request);
    if (response.statusCode() == 401 && authenticator.isRegistry(response.uri())) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      if (authenticator.answer(challenge, sentWith)) {
        BoundedBody.discard(response);
        response = follow(request);
      }
    }
    return response;
  }

  private HttpResponse<InputStream> follow(Request request) throws IOException {
    URI url = request.url();
    String method = request.method();
    BodyPublisher body = request.body();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(url).timeout(request.timeout()).method(method, body);
      request.headers().forEach(builder::header);
      // Asked afresh at every hop: a redirect to another origin drops the header.
      authenticator.headerFor(url).ifPresent(value -> builder.header("Authorization", value));
      HttpResponse<InputStream> response = exchangeOverBase(builder.build());
      String location = response.headers().firstValue("Location").orElse(null);
      if (!REDIRECTS.contains(response.statusCode()) || location == null) {
        return response;
      }
      BoundedBody.discard(response);
      url = Locations.resolve(url, location);
      if (response.statusCode() == 303 && !method.equals("HEAD")) {
        method = "GET";
        body = BodyPublishers.noBody();
      }
    }
    throw new RegistryException(
        0, "More than " + MAX_REDIRECTS + " redirects from " + request.url() + "; giving up");
  }

  static HttpResponse<InputStream> exchange(
      HttpClient http, BodyWatchdog bodies, HttpRequest request) throws IOException {
    try {
      return new Watched(http.send(request, BodyHandlers.ofInputStream()), bodies);
    } catch (ConnectException e) {
      if (isUnresolved(e)) {
        throw new UnknownHostFailure(request.uri(), e);
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A response whose body {@link BodyWatchdog} limits in time. */
  private static final class Watched implements HttpResponse<InputStream> {
    private final HttpResponse<InputStream> response;
    private final InputStream body;

    Watched(HttpResponse<InputStream> response, BodyWatchdog bodies) {
      this.response = response;
      this.body = bodies.watch(response.body(), response.uri());
    }

    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
      return response.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
      return response.headers();
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public HttpClient.Version version() {
      return response.version();
    }
  }

  /** The JDK client reports a name that does not resolve as a ConnectException around this. */
  private static boolean isUnresolved(ConnectException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /** Makes the decision {@link #base()} would make on the first request, now. */
  void decideScheme() throws IOException {
    base();
  }

  /**
   * HTTPS, except for a loopback registry (or any with {@code allowInsecure}) that speaks plain
   * HTTP. Decided once, on the first request, by a probe unless an earlier client of this goal saw
   * the registry answer plain HTTP ({@link RegistryConnections}); a lost connection decides
   * nothing.
   */
  private URI base() throws IOException {
    URI known = base;
    return known != null ? known : decideBase();
  }

  /** One decision, however many requests start at once. */
  private synchronized URI decideBase() throws IOException {
    if (base != null) {
      return base;
    }
    URI https = URI.create("https://" + registry);
    if (!allowInsecure && !LoopbackHost.is(URI.create("http://" + registry).getHost())) {
      return settle(https);
    }
    URI plain = URI.create("http://" + registry);
    if (connections.knownPlain(registry)) {
      remembered = true;
      return settle(plain);
    }
    try {
      BoundedBody.discard(
          exchange(
              http,
              connections.bodies(),
              HttpRequest.newBuilder(https.resolve("/v2/"))
                  .timeout(SMALL_REQUEST_TIMEOUT)
                  .GET()
                  .build()));
      return settle(https);
    } catch (SSLHandshakeException e) {
      if (!allowInsecure && isCertificateProblem(e)) {
        throw e;
      }
      connections.rememberPlain(registry);
      return settle(plain);
    } catch (SSLException e) {
      connections.rememberPlain(registry);
      return settle(plain);
    }
  }

  /**
   * A remembered plain registry that fails to answer, or answers 400 (what a TLS server says to
   * plain HTTP), may have come back with TLS: forget it, and fail this attempt as a lost
   * connection, so the retry probes again. Any other answer confirms it.
   */
  private HttpResponse<InputStream> exchangeOverBase(HttpRequest request) throws IOException {
    if (!remembered) {
      return exchange(http, connections.bodies(), request);
    }
    HttpResponse<InputStream> response;
    try {
      response = exchange(http, connections.bodies(), request);
    } catch (UnknownHostFailure e) {
      throw e;
    } catch (IOException e) {
      unremember();
      throw e;
    }
    if (response.statusCode() == 400) {
      BoundedBody.discard(response);
      unremember();
      throw new IOException(
          registry + " answered plain HTTP with 400 although it spoke it before; probing again");
    }
    remembered = false;
    return response;
  }

  private void unremember() {
    connections.forgetPlain(registry);
    remembered = false;
    base = null;
  }

  private URI settle(URI chosen) {
    authenticator.registryIs(chosen);
    base = chosen;
    return chosen;
  }

  private static boolean isCertificateProblem(SSLHandshakeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }
}
