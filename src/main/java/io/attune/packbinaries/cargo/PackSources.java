package io.attune.packbinaries.cargo;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.PackName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The build goal's {@code <packs>}, checked before anything is built: each pack has a safe name of
 * its own (its binaries' directory, {@code /pack-binaries/<name>/sensors/}), a Cargo.toml, a cargo
 * package name cargo could have, and a stage directory no other pack writes to.
 */
public final class PackSources {

  /** cargo's own rule for a package name. */
  private static final Pattern CARGO_PACKAGE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * One {@code <pack>} as configured.
   *
   * @param cargoPackage cargo's {@code -p}, or null for every member of the workspace
   * @param binaries the binaries to take; empty for every bin target
   * @param stageDirectory where the host's binaries of this pack are copied, or null
   */
  public record Source(
      String name, Path manifest, String cargoPackage, List<String> binaries, Path stageDirectory) {

    public Source {
      name = name == null ? null : name.trim();
      cargoPackage = cargoPackage == null || cargoPackage.isBlank() ? null : cargoPackage.trim();
      binaries = List.copyOf(binaries);
      manifest = manifest == null ? null : manifest.toAbsolutePath().normalize();
      stageDirectory = stageDirectory == null ? null : stageDirectory.toAbsolutePath().normalize();
    }
  }

  private PackSources() {}

  /**
   * The packs, in the POM's order, once every one is usable.
   *
   * @throws PackFailure naming every problem at once
   */
  public static List<Source> check(List<Source> packs) throws PackFailure {
    PackName.checkAll(packs.stream().map(Source::name).toList());
    List<String> problems = new ArrayList<>();
    Map<Path, String> stagedBy = new HashMap<>();
    for (Source pack : packs) {
      if (pack.manifest() == null) {
        problems.add(
            "the pack "
                + pack.name()
                + " has no <cargoManifest>; set it to the Cargo.toml of its crate or workspace");
      }
      if (pack.cargoPackage() != null && !CARGO_PACKAGE.matcher(pack.cargoPackage()).matches()) {
        problems.add(
            "the pack "
                + pack.name()
                + "'s <cargoPackage> '"
                + pack.cargoPackage()
                + "' is not a cargo package name (letters, digits, _ and -)");
      }
      if (pack.stageDirectory() != null) {
        String other = stagedBy.putIfAbsent(pack.stageDirectory(), pack.name());
        if (other != null) {
          problems.add(
              "the packs "
                  + other
                  + " and "
                  + pack.name()
                  + " both stage into "
                  + pack.stageDirectory()
                  + ", where a binary of one could replace the other's; give each its own"
                  + " <stageDirectory>, e.g. packs/"
                  + pack.name()
                  + "/sensors");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PackFailure("<packs> is not usable: " + String.join("; ", problems) + ".");
    }
    return List.copyOf(packs);
  }
}
