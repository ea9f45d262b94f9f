package io.attune.packbinaries.registry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registries (host:port) that answered the HTTPS probe as plain HTTP servers in this JVM. A goal
 * makes several clients for one registry (push, supply chain, audit; the index goal one per
 * repository), and each would probe again: a TLS handshake against a server that cannot answer it.
 * Consulted only where plain HTTP is allowed at all (a loopback registry, or {@code
 * pack.allowInsecureRegistries}), and forgotten when a request over it fails to connect, so a
 * registry restarted with TLS is probed afresh.
 */
final class PlainRegistries {

  private static final Set<String> PLAIN = ConcurrentHashMap.newKeySet();

  private PlainRegistries() {}

  static boolean known(String registry) {
    return PLAIN.contains(registry);
  }

  static void remember(String registry) {
    PLAIN.add(registry);
  }

  static void forget(String registry) {
    PLAIN.remove(registry);
  }
}
