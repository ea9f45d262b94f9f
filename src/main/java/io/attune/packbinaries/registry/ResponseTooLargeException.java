package io.attune.packbinaries.registry;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A response body over the limit for its kind (a manifest over 4 MiB, the limit registries
 * enforce): reading on would only exhaust memory, and asking again gets the same answer.
 */
public final class ResponseTooLargeException extends IOException implements Retryable {

  public ResponseTooLargeException(URI url, String what, long limit) {
    super(
        url
            + " sent more than "
            + BoundedBody.describe(limit)
            + " for "
            + what
            + " (the most a registry serves for one); check that the reference names an image"
            + " in a Docker Registry v2 / OCI registry");
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
