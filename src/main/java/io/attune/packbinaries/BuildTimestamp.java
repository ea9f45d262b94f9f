package io.attune.packbinaries;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The one time every image file and config carries, so that builds are reproducible: Maven's {@code
 * project.build.outputTimestamp} (ISO-8601 or seconds since the epoch), else the epoch.
 */
public final class BuildTimestamp {

  private BuildTimestamp() {}

  public static Instant parse(String outputTimestamp) throws PackFailure {
    // Maven treats a one-character value (e.g. "a") as "not set"; so do we.
    if (outputTimestamp == null || outputTimestamp.trim().length() < 2) {
      return Instant.EPOCH;
    }
    String text = outputTimestamp.trim();
    try {
      if (text.chars().allMatch(Character::isDigit)) {
        return Instant.ofEpochSecond(Long.parseLong(text));
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new PackFailure(
          "project.build.outputTimestamp '"
              + text
              + "' is not a time; write it as ISO-8601 with an offset (2026-01-31T00:00:00Z) or as"
              + " seconds since the epoch.",
          e);
    }
  }
}
