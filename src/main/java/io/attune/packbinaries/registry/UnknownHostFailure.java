package io.attune.packbinaries.registry;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * The name of a host a request was sent to does not resolve: a typo in the image reference or a
 * machine without DNS for it. Asking again gets the same answer, so {@link Retry} stops at once
 * instead of waiting out {@code pack.push.retryTimeout}; a refused or reset connection (a registry
 * restarting) is still retried.
 */
public final class UnknownHostFailure extends IOException implements Retryable {

  private final String host;

  UnknownHostFailure(URI url, Throwable cause) {
    super(
        "the host "
            + url.getHost()
            + " (of "
            + url.getScheme()
            + "://"
            + url.getRawAuthority()
            + ") cannot be resolved; check that name (the registry in the image reference, or the"
            + " token server the registry names) and that this machine can resolve it (getent hosts "
            + url.getHost()
            + ") or reach its network");
    // Suppressed, not the cause: Maven would append the JDK's "ConnectException:
    // UnresolvedAddressException" to the one line the user reads; -e still shows it.
    addSuppressed(cause);
    this.host = url.getHost();
  }

  public String host() {
    return host;
  }

  @Override
  public boolean isTransient() {
    return false;
  }

  @Override
  public Duration retryAfter() {
    return null;
  }
}
