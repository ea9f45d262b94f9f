package io.attune.packbinaries.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The packages {@code Cargo.lock} resolved, read with a TOML parser. The lock is cargo's own record
 * of every crate version and checksum a build of the workspace uses, for every platform.
 */
public record CargoLock(List<Crate> crates) {

  /** A lock larger than this is not a lock file a workspace of sensors has. */
  private static final long MAX_BYTES = 16L * 1024 * 1024;

  public CargoLock {
    crates = List.copyOf(crates);
  }

  public static CargoLock read(Path lockFile) throws PackFailure, IOException {
    if (!Files.isRegularFile(lockFile)) {
      throw new PackFailure(
          "No "
              + lockFile
              + "; the SBOM lists the crates Cargo.lock resolved. Commit Cargo.lock (cargo"
              + " generate-lockfile), or set "
              + PropertyNames.SBOM
              + "=false");
    }
    if (Files.size(lockFile) > MAX_BYTES) {
      throw new PackFailure(
          lockFile + " is larger than " + MAX_BYTES + " bytes; is it a Cargo.lock?");
    }
    return parse(Files.readString(lockFile), lockFile.toString());
  }

  static CargoLock parse(String toml, String where) throws PackFailure {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(toml);
    } catch (IOException e) {
      throw new PackFailure(
          where + " is not valid TOML (" + e.getMessage() + "); run cargo to regenerate it", e);
    }
    List<Crate> crates = new ArrayList<>();
    for (JsonNode pkg : root.path("package")) {
      String name = pkg.path("name").asText("");
      String version = pkg.path("version").asText("");
      if (name.isEmpty() || version.isEmpty()) {
        throw new PackFailure(
            where + " has a [[package]] without name or version; run cargo to regenerate it");
      }
      List<String> dependencies = new ArrayList<>();
      pkg.path("dependencies").forEach(d -> dependencies.add(d.asText()));
      crates.add(
          new Crate(
              name,
              version,
              pkg.path("source").asText(null),
              pkg.path("checksum").asText(null),
              dependencies));
    }
    return new CargoLock(crates);
  }

  /** The workspace's own packages (those without a source). */
  public List<Crate> workspaceMembers() {
    return crates.stream().filter(Crate::local).toList();
  }

  /**
   * {@code root} and every package it depends on, directly or not, in lock order. The lock resolves
   * for every platform, so a dependency of another target's platform is listed too.
   */
  public List<Crate> closure(Crate root) {
    Set<Crate> seen = new LinkedHashSet<>();
    Deque<Crate> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Crate crate = queue.pop();
      if (!seen.add(crate)) {
        continue;
      }
      for (String dependency : crate.dependencies()) {
        crates.stream().filter(c -> c.matches(dependency)).findFirst().ifPresent(queue::add);
      }
    }
    return crates.stream().filter(seen::contains).toList();
  }
}
