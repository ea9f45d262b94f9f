package io.attune.packbinaries.registry;

import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * What one goal's registry clients share, made when the goal starts and closed when it ends: one
 * {@link HttpClient} per kind of trust (its connections and TLS sessions serve every client of the
 * goal), and which registries answered the HTTPS probe as plain HTTP servers, so a registry is
 * probed once per goal, as jib's failover client keeps its history per client, and the time limits
 * on response bodies ({@link BodyWatchdog}). Nothing outlives the goal: no static state, no file.
 */
public final class RegistryConnections implements AutoCloseable {

  private final Map<Object, HttpClient> clients = new ConcurrentHashMap<>();
  private final Set<String> plain = ConcurrentHashMap.newKeySet();
  private final BodyWatchdog bodies;

  public RegistryConnections() {
    this(new BodyWatchdog());
  }

  /** With other body limits (tests). */
  RegistryConnections(BodyWatchdog bodies) {
    this.bodies = bodies;
  }

  /** The time limits on every response body this goal reads. */
  BodyWatchdog bodies() {
    return bodies;
  }

  /**
   * The client for this trust: with {@code allowInsecure} any certificate passes, else {@code
   * trust}'s (tests trust their own CA), else the JVM's default trust store.
   */
  HttpClient http(boolean allowInsecure, SSLContext trust) {
    Object key = allowInsecure ? Boolean.TRUE : trust != null ? trust : Boolean.FALSE;
    return clients.computeIfAbsent(
        key, k -> newClient(allowInsecure ? TrustEverything.context() : trustOrDefault(trust)));
  }

  /** HTTP/1.1 and no redirects followed by the JDK: {@link RegistryTransport} follows them. */
  private static HttpClient newClient(SSLContext tls) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(tls)
        .build();
  }

  private static SSLContext trustOrDefault(SSLContext trust) {
    if (trust != null) {
      return trust;
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
    }
  }

  /** Whether {@code registry} (host:port) answered plain HTTP earlier in this goal. */
  boolean knownPlain(String registry) {
    return plain.contains(registry);
  }

  void rememberPlain(String registry) {
    plain.add(registry);
  }

  /** A registry that stopped answering plain HTTP may have come back with TLS: probe again. */
  void forgetPlain(String registry) {
    plain.remove(registry);
  }

  /** Ends every client's connections and selector thread now, not at the JVM's exit. */
  @Override
  public void close() {
    List<HttpClient> made = new ArrayList<>(clients.values());
    clients.clear();
    made.forEach(HttpClientShutdown::shutDown);
    bodies.close();
  }
}
