package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the cargo command on the host, for machines that have the cross toolchain installed.
 * Whatever is missing is named with the command that installs it.
 */
public final class HostToolchain implements Toolchain {

  private final BuildRequest request;
  private final CommandTemplate template;
  private final BuildLog log;

  public HostToolchain(BuildRequest request, CommandTemplate template, BuildLog log) {
    this.request = request;
    this.template = template;
    this.log = log;
  }

  @Override
  public String identity() throws PackFailure, IOException, InterruptedException {
    String program =
        template
            .render(TargetTriple.DEFAULT, request.profile(), List.of(), List.of(), false)
            .get(0);
    if (ProcessRunner.onPath(program).isEmpty()) {
      throw notInstalled(program);
    }
    List<String> version = new ArrayList<>();
    ProcessRunner.Result rustc = new ProcessRunner(version::add).run(List.of("rustc", "-vV"));
    if (!rustc.succeeded()) {
      throw notInstalled("rustc");
    }
    return "host " + String.join(" ", version);
  }

  private static PackFailure notInstalled(String program) {
    return new PackFailure(
        program
            + " is not installed (not found on PATH), and "
            + PropertyNames.TOOLCHAIN
            + "=host runs it from there;"
            + " install Rust with rustup (rustup.rs), then `cargo install --locked cargo-zigbuild`"
            + " and zig; or drop "
            + PropertyNames.TOOLCHAIN
            + "=host to build in a container with only Docker");
  }

  @Override
  public List<String> binTargets() throws PackFailure, IOException, InterruptedException {
    return CargoMetadata.binTargets(
        (command, output) -> runner(output, request.cargoTargetDirectory()).run(command),
        request.manifest(),
        request.cargoPackage());
  }

  @Override
  public CargoRun build(TargetTriple target, List<String> binaries)
      throws PackFailure, IOException, InterruptedException {
    List<String> cargo = request.cargoCommand(template, target, binaries);
    log.info(request.building(target, binaries, "", cargo));
    CargoOutput output = new CargoOutput(target, log);
    ProcessRunner.Result result;
    try {
      result = runner(output, request.cargoTargetDirectory(target)).run(cargo);
    } catch (ProcessRunner.CommandNotFoundException e) {
      throw notInstalled(e.program());
    }
    if (!result.succeeded()) {
      throw CargoFailures.failed(target, result);
    }
    List<StripStep.Outcome> strip = new ArrayList<>();
    for (String binary : binaries) {
      strip.add(strip(target, binary));
    }
    return new CargoRun(strip, output.cargoSeconds());
  }

  /** Builds {@code targets} at once: each cargo in its own target directory. */
  @Override
  public Map<TargetTriple, CargoRun> build(List<TargetTriple> targets, List<String> binaries)
      throws PackFailure, IOException, InterruptedException {
    try (ParallelTasks cargo = new ParallelTasks("cargo", targets.size())) {
      List<CargoRun> runs = cargo.map(targets, target -> build(target, binaries));
      Map<TargetTriple, CargoRun> byTarget = new LinkedHashMap<>();
      for (int i = 0; i < targets.size(); i++) {
        byTarget.put(targets.get(i), runs.get(i));
      }
      return byTarget;
    }
  }

  private StripStep.Outcome strip(TargetTriple target, String binary)
      throws IOException, InterruptedException {
    Path source = request.cargoOutputDirectory(target).resolve(binary);
    if (!Files.isRegularFile(source)) {
      return new StripStep.Outcome(binary, StripStep.Kind.MISSING, null);
    }
    Path destination = request.strippedDirectory(target).resolve(binary);
    Files.createDirectories(destination.getParent());
    for (String tool : StripStep.tools(target)) {
      if (ProcessRunner.onPath(tool).isPresent()) {
        Files.deleteIfExists(destination);
        ProcessRunner.Result result =
            new ProcessRunner(line -> log.debug(tool + ": " + line))
                .run(List.of(tool, "-o", destination.toString(), source.toString()));
        if (result.succeeded()) {
          return new StripStep.Outcome(binary, StripStep.Kind.STRIPPED, tool);
        }
      }
    }
    Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
    return new StripStep.Outcome(binary, StripStep.Kind.UNSTRIPPED, null);
  }

  @Override
  public String skippedWork() {
    return "cargo not run";
  }

  private ProcessRunner runner(java.util.function.Consumer<String> output, Path targetDirectory) {
    Map<String, String> environment = new HashMap<>(request.environment());
    environment.put("CARGO_TARGET_DIR", targetDirectory.toString());
    return new ProcessRunner(output).in(request.workspace()).withEnvironment(environment);
  }
}
