package io.attune.packbinaries.registry;

import java.io.IOException;
import java.time.Duration;

/** A registry answered with an unexpected HTTP status. */
public class RegistryException extends IOException implements Retryable {

  private final int status;
  private final Duration retryAfter;

  public RegistryException(int status, String message, Duration retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public RegistryException(int status, String message) {
    this(status, message, null);
  }

  public int status() {
    return status;
  }

  @Override
  public Duration retryAfter() {
    return retryAfter;
  }

  /** 429 and 5xx may pass; every other status will come back the same. */
  @Override
  public boolean isTransient() {
    return status == 429 || status >= 500;
  }

  public boolean isUnauthorized() {
    return status == 401 || status == 403;
  }
}
