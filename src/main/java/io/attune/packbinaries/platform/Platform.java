package io.attune.packbinaries.platform;

import java.util.Objects;

/** An OCI platform: what a registry and a container engine select an image by. */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** Parses {@code os/arch[/variant]}, the form `docker --platform` takes. */
  public static Platform parse(String text) {
    String[] parts = text.trim().split("/");
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a platform; write it as os/architecture[/variant], e.g. linux/arm64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** {@code linux/arm/v7}, the form `docker --platform` takes. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }

  /** A name safe in file names: {@code linux-arm-v7}. */
  public String fileName() {
    return toString().replace('/', '-');
  }
}
