package io.attune.packbinaries.supplychain;

/**
 * A passphrase that never prints itself: {@link #toString()} is a placeholder, so a log line or an
 * exception message that includes it by mistake shows nothing secret.
 */
public final class Secret {

  private final char[] value;

  private Secret(char[] value) {
    this.value = value.clone();
  }

  /** Null for a missing or empty value: an empty passphrase is no passphrase. */
  public static Secret of(String value) {
    return value == null || value.isEmpty() ? null : new Secret(value.toCharArray());
  }

  /** A copy the caller clears after use. */
  char[] chars() {
    return value.clone();
  }

  @Override
  public String toString() {
    return "(secret)";
  }
}
