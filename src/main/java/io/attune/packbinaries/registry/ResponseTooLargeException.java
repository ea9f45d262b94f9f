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
    this(
        url
            + " sent more than "
            + BoundedBody.describe(limit)
            + " for "
            + what
            + " (the most a registry serves for one); check that the reference names an image"
            + " in a Docker Registry v2 / OCI registry");
  }

  private ResponseTooLargeException(String message) {
    super(message);
  }

  /** A blob longer than its descriptor says: not the content the manifest names. */
  static ResponseTooLargeException overDescriptor(URI url, String digest, long size) {
    return new ResponseTooLargeException(
        url
            + " sent more than the "
            + size
            + " bytes the descriptor of blob "
            + digest
            + " declares; read no further. The registry serves other content than the manifest"
            + " names: push the image again, or check the registry");
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
