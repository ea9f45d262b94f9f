package io.attune.packbinaries.registry;

import java.net.URI;
import java.util.Locale;

/**
 * The (scheme, host, port) of a URL, as RFC 6454 defines an origin: credentials belong to one. Two
 * URLs that differ in any part, https and http on the same host included, are different origins.
 */
record Origin(String scheme, String host, int port) {

  static Origin of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port == -1) {
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    return new Origin(scheme, host, port);
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port;
  }
}
