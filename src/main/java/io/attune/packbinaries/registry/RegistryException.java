package io.attune.packbinaries.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** A registry answered with an unexpected HTTP status. */
public class RegistryException extends IOException implements Retryable {

  private final int status;
  private final Duration retryAfter;
  private final Set<String> codes;

  /**
   * @param codes the registry's error codes ({@code BLOB_UNKNOWN}, …) from its errors list
   */
  public RegistryException(int status, String message, Duration retryAfter, Set<String> codes) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    this.codes = Set.copyOf(codes);
  }

  public RegistryException(int status, String message, Duration retryAfter) {
    this(status, message, retryAfter, Set.of());
  }

  public RegistryException(int status, String message) {
    this(status, message, null);
  }

  /**
   * Whether {@code failure} (or a cause) is a 400 naming a blob or manifest unknown: what
   * distribution answers a manifest or index PUT while another push of the same content is
   * committing it. Check what the manifest names, then try again.
   */
  public static boolean isLostRace(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RegistryException registry
          && registry.status() == 400
          && (registry.hasCode("MANIFEST_BLOB_UNKNOWN")
              || registry.hasCode("BLOB_UNKNOWN")
              || registry.hasCode("MANIFEST_UNKNOWN"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the registry's errors list named {@code code}. */
  public boolean hasCode(String code) {
    return codes.contains(code);
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
