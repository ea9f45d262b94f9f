package io.attune.packbinaries.cargo;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reads the bin targets out of {@code cargo metadata --no-deps --format-version 1}. */
final class CargoMetadata {

  static final List<String> COMMAND =
      List.of("cargo", "metadata", "--no-deps", "--format-version", "1", "--offline");

  private CargoMetadata() {}

  /** Runs {@link #COMMAND} where the toolchain runs cargo, passing each output line on. */
  @FunctionalInterface
  interface Runner {
    ProcessRunner.Result run(List<String> command, Consumer<String> output)
        throws IOException, InterruptedException;
  }

  /**
   * The bin targets of {@code cargoPackage} in the workspace at {@code manifest} (of every member
   * when null), asked of cargo through {@code runner}.
   */
  static List<String> binTargets(Runner runner, Path manifest, String cargoPackage)
      throws PackFailure, IOException, InterruptedException {
    List<String> output = new ArrayList<>();
    ProcessRunner.Result result = runner.run(COMMAND, output::add);
    if (!result.succeeded()) {
      throw new PackFailure(
          "cargo metadata failed for "
              + manifest
              + " (exit code "
              + result.exitCode()
              + "); its last lines:\n"
              + result.tailText());
    }
    return parse(output, manifest, cargoPackage);
  }

  /**
   * The bin targets of {@code cargoPackage} (of every member when null) in the metadata line among
   * {@code output}'s lines.
   */
  static List<String> parse(List<String> output, Path manifest, String cargoPackage)
      throws PackFailure {
    String json =
        output.stream()
            .filter(line -> line.startsWith("{"))
            .reduce((first, second) -> second)
            .orElseThrow(
                () ->
                    new PackFailure(
                        "cargo metadata printed no metadata for "
                            + manifest
                            + "; set "
                            + PropertyNames.BINARIES
                            + " to the binaries to build"));
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (IOException e) {
      throw new PackFailure(
          "cargo metadata printed something that is not JSON: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    List<String> packages = new ArrayList<>();
    for (JsonNode pkg : root.path("packages")) {
      packages.add(pkg.path("name").asText());
      if (cargoPackage != null && !cargoPackage.equals(pkg.path("name").asText())) {
        continue;
      }
      for (JsonNode target : pkg.path("targets")) {
        for (JsonNode kind : target.path("kind")) {
          if (kind.asText().equals("bin") && !names.contains(target.path("name").asText())) {
            names.add(target.path("name").asText());
          }
        }
      }
    }
    if (cargoPackage != null && !packages.contains(cargoPackage)) {
      throw new PackFailure(
          "The workspace "
              + manifest
              + " has no package "
              + cargoPackage
              + " (its packages: "
              + String.join(", ", packages)
              + "); set the pack's <cargoPackage> to one of them");
    }
    if (cargoPackage != null && names.isEmpty()) {
      throw new PackFailure(
          "The package "
              + cargoPackage
              + " of "
              + manifest
              + " defines no binary (no [[bin]] and no src/main.rs); a pack's <cargoPackage>"
              + " names the crate of its sensors");
    }
    if (names.isEmpty()) {
      throw new PackFailure(
          manifest
              + " defines no binary (no [[bin]] and no src/main.rs in any member); a pack"
              + " needs a binary crate");
    }
    return names;
  }
}
