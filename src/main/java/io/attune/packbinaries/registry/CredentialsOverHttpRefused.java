package io.attune.packbinaries.registry;

import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import java.time.Duration;

/**
 * Credentials (a password for Basic, a token request with one, or the token it would buy) were
 * about to go over plain HTTP to a host that is not this machine. {@code
 * pack.allowInsecureRegistries} lets the plugin talk to such a registry, but sends nothing secret
 * to it: that takes {@code pack.sendCredentialsOverHttp} as well, as jib keeps {@code
 * sendCredentialsOverHttp} apart from {@code allowInsecureRegistries}. Asking again gets the same
 * answer, so it is never retried.
 */
public final class CredentialsOverHttpRefused extends IOException implements Retryable {

  CredentialsOverHttpRefused(Credentials credentials, String whom, String url) {
    super(
        "Refusing to send the credentials ("
            + credentials
            + ") to "
            + whom
            + " over plain HTTP ("
            + url
            + "): anyone on the network between could read them. Serve it over HTTPS, or, for a"
            + " registry on a network you trust, set -D"
            + PropertyNames.SEND_CREDENTIALS_OVER_HTTP
            + "=true ("
            + PropertyNames.ALLOW_INSECURE_REGISTRIES
            + " alone never sends credentials over HTTP)");
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
