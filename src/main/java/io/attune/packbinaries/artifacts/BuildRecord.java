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
 * @param crates Cargo.lock's packages; empty when the workspace has no lock, or for several packs
 * @param packs for a build of several packs, each pack's own crates; empty otherwise
 */
public record BuildRecord(
    String builder, Map<String, String> commands, List<Crate> crates, List<PackCrates> packs) {

  public BuildRecord {
    commands = new TreeMap<>(commands);
    crates = List.copyOf(crates);
    packs = List.copyOf(packs);
  }

  /** The record of a build of one Cargo workspace. */
  public BuildRecord(String builder, Map<String, String> commands, List<Crate> crates) {
    this(builder, commands, crates, List.of());
  }

  /**
   * One pack's crates: of its Cargo.lock, those its cargo package (all its workspace's members when
   * it names none) depends on, directly or not.
   */
  public record PackCrates(String pack, List<Crate> crates) {
    public PackCrates {
      crates = List.copyOf(crates);
    }
  }

  /**
   * What a pack was built from, for {@link #writePacks}.
   *
   * @param cargoPackage cargo's {@code -p}, or null for every member of the workspace
   */
  public record PackSource(String pack, Path manifest, String cargoPackage) {}

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

  /**
   * Records a build of several packs: per pack, the closure of its package in its workspace's
   * Cargo.lock (none for a workspace without one), so each pack's SBOM lists what went into it.
   */
  public static void writePacks(
      Path file, List<PackSource> packs, String builder, Map<String, String> commands)
      throws PackFailure, IOException {
    List<PackCrates> records = new ArrayList<>();
    for (PackSource pack : packs) {
      Path lock = pack.manifest().toAbsolutePath().getParent().resolve("Cargo.lock");
      List<Crate> crates = List.of();
      if (Files.isRegularFile(lock)) {
        CargoLock whole = CargoLock.read(lock);
        crates =
            pack.cargoPackage() == null
                ? whole.crates()
                : whole.workspaceMembers().stream()
                    .filter(member -> member.name().equals(pack.cargoPackage()))
                    .findFirst()
                    .map(whole::closure)
                    .orElse(whole.crates());
      }
      records.add(new PackCrates(pack.pack(), crates));
    }
    new BuildRecord(builder, commands, List.of(), records).write(file);
  }

  private void write(Path file) throws IOException {
    JsonFiles.write(file, toJson());
  }

  /** The record as build-record.json holds it (a split release's part.json embeds it too). */
  public ObjectNode toJson() {
    ObjectNode root = Json.object();
    root.put("builder", builder);
    JsonFiles.putTexts(root, "commands", commands); // a TreeMap: targets in sorted order
    putCrates(root.putArray("crates"), crates);
    if (!packs.isEmpty()) {
      ArrayNode entries = root.putArray("packs");
      for (PackCrates pack : packs) {
        ObjectNode entry = entries.addObject();
        entry.put("pack", pack.pack());
        putCrates(entry.putArray("crates"), pack.crates());
      }
    }
    return root;
  }

  private static void putCrates(ArrayNode entries, List<Crate> crates) {
    for (Crate crate : crates) {
      ObjectNode entry = entries.addObject();
      entry.put("name", crate.name());
      entry.put("version", crate.version());
      entry.put("source", crate.source());
      entry.put("checksum", crate.checksum());
      JsonFiles.putTexts(entry, "dependencies", crate.dependencies());
    }
  }

  private static List<Crate> crates(List<JsonFields> entries, boolean strict) throws IOException {
    List<Crate> crates = new ArrayList<>();
    for (JsonFields crate : entries) {
      if (strict) {
        crate.only("name", "version", "source", "checksum", "dependencies");
        crate.required("name", crate.text("name"));
        crate.required("version", crate.text("version"));
      }
      crates.add(
          new Crate(
              crate.text("name"),
              crate.text("version"),
              crate.text("source"),
              crate.text("checksum"),
              crate.texts("dependencies")));
    }
    return crates;
  }

  /**
   * The record in {@code file}, or empty when no build ran in this output directory. Fields it does
   * not know are left alone, so that a newer build goal's record still serves.
   */
  public static Optional<BuildRecord> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(fromJson(JsonFields.of(JsonFiles.read(file)), false));
  }

  /**
   * The record {@link #toJson} wrote. Strict (for a record from another machine): no field it does
   * not know, a builder and every crate's name and version present.
   */
  public static BuildRecord fromJson(JsonFields root, boolean strict) throws IOException {
    if (strict) {
      root.only("builder", "commands", "crates", "packs");
      root.required("builder", root.text("builder"));
    }
    List<Crate> crates = crates(root.required("crates", root.objects("crates")), strict);
    List<PackCrates> packs = new ArrayList<>();
    List<JsonFields> packEntries = root.objects("packs");
    for (JsonFields pack : packEntries == null ? List.<JsonFields>of() : packEntries) {
      if (strict) {
        pack.only("pack", "crates");
      }
      packs.add(
          new PackCrates(
              pack.required("pack", pack.text("pack", PackName::isValid, "a pack name")),
              crates(pack.required("crates", pack.objects("crates")), strict)));
    }
    return new BuildRecord(
        root.text("builder"), root.required("commands", root.textMap("commands")), crates, packs);
  }

  public CargoLock lock() {
    return new CargoLock(crates);
  }

  /**
   * The crates of {@code pack}'s binaries: that pack's, or, for a binary without a pack (null) or a
   * record of one workspace, the workspace's.
   */
  public CargoLock lock(String pack) {
    return packs.stream()
        .filter(p -> p.pack().equals(pack))
        .findFirst()
        .map(p -> new CargoLock(p.crates()))
        .orElse(lock());
  }

  /** Whether the build recorded any crate at all. */
  public boolean hasCrates() {
    return !crates.isEmpty() || packs.stream().anyMatch(p -> !p.crates().isEmpty());
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
