package io.attune.packbinaries.artifacts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code build-record.json}: what the build goal built from, for the push goal's SBOM and
 * provenance, which may run in another Maven invocation: the builder, the cargo command per target
 * and the packages Cargo.lock resolved.
 *
 * @param builder the toolchain's identity: {@code image <name> <image id>} for a builder container
 * @param commands the cargo command line per target triple
 * @param crates Cargo.lock's packages; empty when the workspace has no lock
 */
public record BuildRecord(String builder, Map<String, String> commands, List<Crate> crates) {

  public BuildRecord {
    commands = new TreeMap<>(commands);
    crates = List.copyOf(crates);
  }

  /**
   * Records a build of the workspace whose Cargo.toml is {@code manifest}; a workspace without
   * Cargo.lock records no crates (the push goal then says so).
   */
  public static void write(Path file, Path manifest, String builder, Map<String, String> commands)
      throws PackFailure, IOException {
    Path lock = manifest.toAbsolutePath().getParent().resolve("Cargo.lock");
    List<Crate> crates = Files.isRegularFile(lock) ? CargoLock.read(lock).crates() : List.of();
    new BuildRecord(builder, commands, crates).write(file);
  }

  private void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("builder", builder);
    JsonFiles.putTexts(root, "commands", commands); // a TreeMap: targets in sorted order
    ArrayNode entries = root.putArray("crates");
    for (Crate crate : crates) {
      ObjectNode entry = entries.addObject();
      entry.put("name", crate.name());
      entry.put("version", crate.version());
      entry.put("source", crate.source());
      entry.put("checksum", crate.checksum());
      JsonFiles.putTexts(entry, "dependencies", crate.dependencies());
    }
    JsonFiles.write(file, root);
  }

  /**
   * The record in {@code file}, or empty when no build ran in this output directory. Fields it does
   * not know are left alone, so that a newer build goal's record still serves.
   */
  public static Optional<BuildRecord> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonFields root = JsonFields.of(JsonFiles.read(file));
    List<Crate> crates = new ArrayList<>();
    for (JsonFields crate : root.required("crates", root.objects("crates"))) {
      crates.add(
          new Crate(
              crate.text("name"),
              crate.text("version"),
              crate.text("source"),
              crate.text("checksum"),
              crate.texts("dependencies")));
    }
    return Optional.of(
        new BuildRecord(
            root.text("builder"), root.required("commands", root.textMap("commands")), crates));
  }

  public CargoLock lock() {
    return new CargoLock(crates);
  }

  /** The builder image's name, when the build ran in one. */
  public Optional<String> builderImage() {
    String[] parts = builder == null ? new String[0] : builder.split(" ");
    return parts.length >= 3 && parts[0].equals("image") ? Optional.of(parts[1]) : Optional.empty();
  }

  /** The builder image's id ({@code sha256:…}, the digest of its config), when it ran in one. */
  public Optional<String> builderImageId() {
    String[] parts = builder == null ? new String[0] : builder.split(" ");
    return parts.length >= 3 && parts[0].equals("image") ? Optional.of(parts[2]) : Optional.empty();
  }
}
