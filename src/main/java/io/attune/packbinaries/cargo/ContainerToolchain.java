package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs cargo in the builder image through the engine's CLI: one container for the whole goal (cargo
 * metadata, then each target's cargo and strip), started at the first step.
 */
public final class ContainerToolchain implements Toolchain {

  /** docker run's own failures (bad mount, bad option) end with this code, not cargo's. */
  private static final int ENGINE_FAILED = 125;

  private final BuildRequest request;
  private final ContainerEngine engine;
  private final CommandTemplate template;
  private final BuildLog log;
  private final BuilderContainer container;
  private final boolean ownsContainer;
  private boolean containerEnded;

  /** The toolchain of a build of one request, in a container of its own. */
  public ContainerToolchain(
      BuildRequest request, ContainerEngine engine, CommandTemplate template, BuildLog log) {
    this(request, engine, template, log, new BuilderContainer(List.of(request), engine, log), true);
  }

  /**
   * The toolchain of one pack of a build of several, in {@code container}, which all of them share
   * and the caller closes.
   */
  public ContainerToolchain(
      BuildRequest request,
      ContainerEngine engine,
      CommandTemplate template,
      BuildLog log,
      BuilderContainer container) {
    this(request, engine, template, log, container, false);
  }

  private ContainerToolchain(
      BuildRequest request,
      ContainerEngine engine,
      CommandTemplate template,
      BuildLog log,
      BuilderContainer container,
      boolean ownsContainer) {
    this.request = request;
    this.engine = engine;
    this.template = template;
    this.log = log;
    this.container = container;
    this.ownsContainer = ownsContainer;
  }

  @Override
  public String identity() throws PackFailure, IOException, InterruptedException {
    String imageId = engine.requireImage(request.builderImage(), request.offline());
    return "image " + request.builderImage() + " " + imageId;
  }

  @Override
  public void prepareBuild() throws IOException, InterruptedException {
    container.prepare();
  }

  /** One cache per user: a volume handed to one uid cannot be written by another. */
  String cacheVolume() {
    return container.cacheVolume();
  }

  @Override
  public List<String> binTargets() throws PackFailure, IOException, InterruptedException {
    return CargoMetadata.binTargets(
        (command, output) -> run(CommandTemplate.shellLine(command), output),
        request.manifest(),
        request.cargoPackage());
  }

  @Override
  public CargoRun build(TargetTriple target, List<String> binaries)
      throws PackFailure, IOException, InterruptedException {
    return build(List.of(target), binaries).get(target);
  }

  /** Builds {@code targets} at once, as steps of one shell of the builder container. */
  @Override
  public Map<TargetTriple, CargoRun> build(List<TargetTriple> targets, List<String> binaries)
      throws PackFailure, IOException, InterruptedException {
    List<String> steps = new ArrayList<>();
    List<List<String>> commands = new ArrayList<>();
    List<CargoOutput> outputs = new ArrayList<>();
    for (TargetTriple target : targets) {
      List<String> cargo = request.cargoCommand(template, target, binaries);
      steps.add(
          String.join(
              "\n",
              "umask 022",
              "export CARGO_TARGET_DIR="
                  + CommandTemplate.shellQuote(request.cargoTargetDirectory(target).toString()),
              CommandTemplate.shellLine(cargo),
              StripStep.shellSnippet(
                  target,
                  binaries,
                  request.cargoOutputDirectory(target),
                  request.strippedDirectory(target))));
      commands.add(cargo);
      outputs.add(new CargoOutput(target, log));
      log.info(request.building(target, binaries, " in " + request.builderImage(), cargo));
    }
    ConcurrentSteps concurrent = new ConcurrentSteps(outputs, log::info);
    ProcessRunner.Result result = run(ConcurrentSteps.script(steps), concurrent);
    if (ownsContainer) {
      // Nothing else runs in a container of one pack's build: it ends while the binaries are put
      // in place.
      container.endSteps();
    }
    if (containerEnded && result.exitCode() == ENGINE_FAILED) {
      throw new PackFailure(
          engine.program()
              + " could not start the builder container for "
              + String.join(", ", targets.stream().map(TargetTriple::name).toList())
              + " (exit code 125); its last lines:\n"
              + result.tailText());
    }
    Map<TargetTriple, CargoRun> runs = new LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      ProcessRunner.Result step = concurrent.result(i, commands.get(i));
      if (!step.succeeded()) {
        throw CargoFailures.failed(targets.get(i), step.tail().isEmpty() ? result : step);
      }
      runs.put(targets.get(i), new CargoRun(outputs.get(i).strip(), outputs.get(i).cargoSeconds()));
    }
    return runs;
  }

  @Override
  public String skippedWork() {
    return "no container started";
  }

  /** Runs {@code script} as one step of the builder container, in this pack's workspace. */
  private ProcessRunner.Result run(String script, java.util.function.Consumer<String> output)
      throws IOException, InterruptedException {
    ProcessRunner.Result result =
        container.run(request.workspace(), request.cargoTargetDirectory(), script, output);
    // Its exit code is then the engine's, not the step's; a next step starts a new container.
    containerEnded = container.ended();
    return result;
  }

  /** Ends the builder container when it is this toolchain's own. */
  @Override
  public void close() throws InterruptedException {
    if (ownsContainer) {
      container.close();
    }
  }
}
