package io.attune.packbinaries.cargo;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of the build goal was asked to do, already validated.
 *
 * @param manifest the Cargo.toml of the crate or workspace
 * @param targets the triples to build for, in order
 * @param binaries the binaries to take; empty means every bin target of the workspace
 * @param features cargo features; empty for the default ones
 * @param profile cargo profile, {@code release} by default
 * @param command the cargo command template, see {@link CommandTemplate}
 * @param builderImage the image the container toolchain runs the command in
 * @param environment variables for cargo; values may be secrets and are never logged
 * @param offline whether Maven runs offline: cargo gets {@code --offline} and no network
 * @param outputDirectory {@code target/pack-binaries}
 * @param stageDirectory where the host architecture's binaries are copied, or null
 * @param pack the pack these binaries belong to, for a build of several packs; else null
 * @param cargoPackage cargo's {@code -p}: only that package's binaries; null for every member's
 */
public record BuildRequest(
    Path manifest,
    List<TargetTriple> targets,
    List<String> binaries,
    List<String> features,
    String profile,
    String command,
    String builderImage,
    Map<String, String> environment,
    boolean offline,
    Path outputDirectory,
    Path stageDirectory,
    String pack,
    String cargoPackage) {

  public static final String DEFAULT_PROFILE = "release";

  public BuildRequest {
    manifest = manifest.toAbsolutePath().normalize();
    targets = List.copyOf(targets);
    binaries = List.copyOf(binaries);
    features = List.copyOf(features);
    environment = Map.copyOf(environment);
    outputDirectory = outputDirectory.toAbsolutePath().normalize();
    stageDirectory = stageDirectory == null ? null : stageDirectory.toAbsolutePath().normalize();
  }

  /** The directory of the Cargo.toml, which cargo runs in and the container mounts. */
  public Path workspace() {
    return manifest.getParent();
  }

  /**
   * Cargo's own target directory, kept apart from the workspace's so host builds never mix in; one
   * per pack, so two packs' binaries of one name and their dep-info never meet.
   */
  public Path cargoTargetDirectory() {
    Path directory = outputDirectory.resolve(".cargo-target");
    return pack == null ? directory : directory.resolve("packs").resolve(pack);
  }

  /**
   * Cargo's target directory for one target: apart from the other targets', so that their builds
   * run at once (cargo locks its target directory for a build, whatever the target).
   */
  public Path cargoTargetDirectory(TargetTriple target) {
    return cargoTargetDirectory().resolve("by-target").resolve(target.name());
  }

  /** Where the strip step leaves the finished binaries before they are copied into place. */
  public Path strippedDirectory(TargetTriple target) {
    return cargoTargetDirectory().resolve("pack-binaries").resolve(target.name());
  }

  /** Where cargo leaves the binaries of that target and profile. */
  public Path cargoOutputDirectory(TargetTriple target) {
    String directory = profile.equals("dev") || profile.equals("test") ? "debug" : profile;
    return cargoTargetDirectory(target).resolve(target.name()).resolve(directory);
  }

  /** The targets' build states: one set per pack, each pack being its own build. */
  public Path stateDirectory() {
    Path directory = outputDirectory.resolve(".build-state");
    return pack == null ? directory : directory.resolve("packs").resolve(pack);
  }

  /**
   * The cargo command line that builds {@code binaries} for {@code target}, as the goal runs it.
   */
  List<String> cargoCommand(CommandTemplate template, TargetTriple target, List<String> binaries) {
    return template.render(target, profile, cargoPackage, binaries, features, offline);
  }

  /** The log line that says what a build of {@code target} runs, and {@code where}. */
  String building(TargetTriple target, List<String> binaries, String where, List<String> cargo) {
    return "Building "
        + String.join(", ", binaries.stream().map(this::qualified).toList())
        + " for "
        + target
        + where
        + ": "
        + String.join(" ", cargo);
  }

  /** {@code pack/binary}, or the binary alone without a pack: for messages. */
  public String qualified(String binary) {
    return pack == null ? binary : pack + "/" + binary;
  }

  /** The layout's lock, which the image goal takes too. */
  public Path lockFile() {
    return new ArtifactLayout(outputDirectory).lock();
  }
}
