package io.attune.packbinaries.artifacts;

import java.util.List;

/**
 * One package of {@code Cargo.lock}.
 *
 * @param source where cargo got it ({@code registry+https://…}, {@code git+…}); null for a package
 *     of the workspace itself
 * @param checksum the sha256 the lock records for a registry crate, else null
 * @param dependencies the names (or {@code "name version"} where the lock disambiguates) of the
 *     packages it depends on
 */
public record Crate(
    String name, String version, String source, String checksum, List<String> dependencies) {

  public Crate {
    dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
  }

  /** A package of the workspace being built, rather than one cargo fetched. */
  public boolean local() {
    return source == null;
  }

  /** The package URL of a Rust crate: {@code pkg:cargo/<name>@<version>}. */
  public String purl() {
    return "pkg:cargo/" + name + "@" + version;
  }

  /** Whether a lock {@code dependencies} entry ({@code name}, {@code name version}) means it. */
  boolean matches(String dependency) {
    String[] parts = dependency.split(" ");
    return parts[0].equals(name) && (parts.length < 2 || parts[1].equals(version));
  }
}
