package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs cargo in the builder image through the engine's CLI: one container for the whole goal (cargo
 * metadata, then each target's cargo and strip), started at the first step.
 */
public final class ContainerToolchain implements Toolchain {

  /** Cargo's registry and git caches live here, so the second build downloads nothing. */
  static final String CACHE_VOLUME = "pack-binaries-cargo-home";

  /** docker run's own failures (bad mount, bad option) end with this code, not cargo's. */
  private static final int ENGINE_FAILED = 125;

  private final BuildRequest request;
  private final ContainerEngine engine;
  private final CommandTemplate template;
  private final BuildLog log;
  private final HostUser user;
  private BuilderSession session;
  private String sessionName;
  private boolean containerEnded;

  public ContainerToolchain(
      BuildRequest request, ContainerEngine engine, CommandTemplate template, BuildLog log) {
    this.request = request;
    this.engine = engine;
    this.template = template;
    this.log = log;
    this.user = HostUser.current().orElse(null);
  }

  @Override
  public String identity() throws PackFailure, IOException, InterruptedException {
    String imageId = engine.requireImage(request.builderImage(), request.offline());
    return "image " + request.builderImage() + " " + imageId;
  }

  @Override
  public void prepareBuild() throws IOException, InterruptedException {
    engine.ensureVolume(
        cacheVolume(), request.builderImage(), baseRun().userNamespaceArguments(), user);
  }

  /** One cache per user: a volume handed to one uid cannot be written by another. */
  String cacheVolume() {
    return user == null || user.isRoot() ? CACHE_VOLUME : CACHE_VOLUME + "-" + user.uid();
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
    List<String> cargo =
        template.render(
            target,
            request.profile(),
            request.cargoPackage(),
            binaries,
            request.features(),
            request.offline());
    String script =
        String.join(
            "\n",
            "umask 022",
            CommandTemplate.shellLine(cargo),
            StripStep.shellSnippet(
                target,
                binaries,
                request.cargoOutputDirectory(target),
                request.strippedDirectory(target)));
    log.info(
        "Building "
            + String.join(", ", binaries.stream().map(request::qualified).toList())
            + " for "
            + target
            + " in "
            + request.builderImage()
            + ": "
            + String.join(" ", cargo));
    CargoOutput output = new CargoOutput(target, log);
    ProcessRunner.Result result = run(script, output);
    if (containerEnded && result.exitCode() == ENGINE_FAILED) {
      throw new PackFailure(
          engine.program()
              + " could not start the builder container for "
              + target
              + " (exit code 125); its last lines:\n"
              + result.tailText());
    }
    if (!result.succeeded()) {
      throw CargoFailures.failed(target, result);
    }
    return new CargoRun(output.strip(), output.cargoSeconds());
  }

  @Override
  public String skippedWork() {
    return "no container started";
  }

  private ContainerRun baseRun() {
    return new ContainerRun(request.builderImage())
        .user(user, engine.isPodman())
        .offline(request.offline())
        .mount(request.workspace())
        .mount(request.cargoTargetDirectory())
        .workingDirectory(request.workspace())
        .cacheVolume(cacheVolume());
  }

  /** Runs {@code script} as one step in the goal's builder container, starting it if needed. */
  private ProcessRunner.Result run(String script, java.util.function.Consumer<String> output)
      throws IOException, InterruptedException {
    try {
      if (session == null) {
        session = startSession();
      }
      ProcessRunner.Result result = session.run(script, output);
      // Its exit code is then the engine's, not the step's; a next step starts a new container.
      containerEnded = !session.isRunning();
      if (containerEnded) {
        closeSession();
      }
      return result;
    } catch (InterruptedException e) {
      if (session != null) {
        session.kill();
        session = null;
        engine.removeQuietly(sessionName);
      }
      throw e;
    }
  }

  private BuilderSession startSession() throws IOException {
    // A mount source must exist, and must be created by the user, not by the engine as root.
    Files.createDirectories(request.cargoTargetDirectory());
    Map<String, String> environment = new HashMap<>(request.environment());
    environment.put("CARGO_TARGET_DIR", request.cargoTargetDirectory().toString());
    sessionName = "pack-binaries-build-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> command = new ArrayList<>();
    command.add(engine.program());
    command.addAll(baseRun().name(sessionName).environment(environment.keySet()).arguments());
    log.debug(String.join(" ", command));
    return BuilderSession.start(command, environment);
  }

  /** Ends the builder container, if one was started. */
  @Override
  public void close() throws InterruptedException {
    closeSession();
  }

  private void closeSession() throws InterruptedException {
    if (session != null) {
      BuilderSession ending = session;
      session = null;
      if (!ending.close()) {
        engine.removeQuietly(sessionName);
      }
    }
  }
}
