package io.attune.packbinaries.registry;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a registry or token-server host is this machine: localhost, 127.0.0.0/8 or ::1. Plain
 * HTTP (and, for token servers, sending a password over it) is allowed only there.
 */
public final class LoopbackHost {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private LoopbackHost() {}

  /** {@code host} as in a registry name or URL: a name, an IPv4 address or a bracketed IPv6. */
  public static boolean is(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    // Only address literals: a name is never looked up, so no DNS answer can make it "local".
    if (!IPV4.matcher(bare).matches() && !bare.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException notAnAddress) {
      return false;
    }
  }

  /** Whether {@code url}'s host is this machine. */
  public static boolean isUrl(String url) {
    try {
      return is(URI.create(url).getHost());
    } catch (IllegalArgumentException notAUrl) {
      return false;
    }
  }
}
