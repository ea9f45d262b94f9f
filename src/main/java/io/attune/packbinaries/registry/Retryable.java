package io.attune.packbinaries.registry;

import java.time.Duration;

/**
 * A failure that knows whether trying again can help, and maybe how long to wait first. {@link
 * Retry} asks this instead of knowing the registry's exception types, so neither depends on the
 * other.
 */
public interface Retryable {

  boolean isTransient();

  /** The server's {@code Retry-After}, or null when it gave none. */
  Duration retryAfter();
}
