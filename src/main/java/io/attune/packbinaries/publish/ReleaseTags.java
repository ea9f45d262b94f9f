package io.attune.packbinaries.publish;

import java.util.List;

/**
 * The tags a push writes when {@code pack.image.tags} is not set: a release version writes VERSION
 * and {@code latest} (the tag the distributable compose file pulls by default); a SNAPSHOT writes
 * only VERSION, so a development build never becomes what users pull by default.
 */
public final class ReleaseTags {

  public static final String LATEST = "latest";
  private static final String SNAPSHOT = "-SNAPSHOT";

  private ReleaseTags() {}

  /** The configured tags, or the defaults for {@code version}. */
  public static List<String> toPush(List<String> configured, String version) {
    if (configured != null && !configured.isEmpty()) {
      return List.copyOf(configured);
    }
    if (version == null || version.isBlank()) {
      return List.of();
    }
    return isSnapshot(version) ? List.of(version) : List.of(version, LATEST);
  }

  /**
   * The tags a release of this version writes: the configured tags, or VERSION (without -SNAPSHOT)
   * and {@code latest}. The compose check holds the compose file's default to these, so a SNAPSHOT
   * push already fails on a compose file that no release would satisfy.
   */
  public static List<String> ofRelease(List<String> configured, String version) {
    if (configured != null && !configured.isEmpty()) {
      return List.copyOf(configured);
    }
    if (version == null || version.isBlank()) {
      return List.of();
    }
    return List.of(releaseVersion(version), LATEST);
  }

  public static boolean isSnapshot(String version) {
    return version != null && version.endsWith(SNAPSHOT);
  }

  static String releaseVersion(String version) {
    return isSnapshot(version)
        ? version.substring(0, version.length() - SNAPSHOT.length())
        : version;
  }
}
