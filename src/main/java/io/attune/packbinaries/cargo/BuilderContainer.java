package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The build goal's one builder container, for every pack it builds: each pack's workspace and cargo
 * target directory bind-mounted, started at the first step that needs it (so an up-to-date build
 * starts none) and ended when the goal closes it. A step runs in the directory it names, with the
 * {@code CARGO_TARGET_DIR} it names, so packs of different workspaces share the container.
 */
public final class BuilderContainer implements AutoCloseable {

  /** Cargo's registry and git caches live here, so the second build downloads nothing. */
  static final String CACHE_VOLUME = "pack-binaries-cargo-home";

  private final ContainerEngine engine;
  private final BuildLog log;
  private final String image;
  private final boolean offline;
  private final Map<String, String> environment;
  private final Set<Path> workspaces = new LinkedHashSet<>();
  private final Set<Path> targetDirectories = new LinkedHashSet<>();
  private final HostUser user;
  private BuilderSession session;
  private String sessionName;
  private boolean prepared;

  /**
   * The container for {@code requests}, which share the builder image, environment and offline mode
   * (the build goal's settings); the first names the working directory and cargo's target directory
   * of a step that names none.
   */
  public BuilderContainer(List<BuildRequest> requests, ContainerEngine engine, BuildLog log) {
    BuildRequest first = requests.get(0);
    this.engine = engine;
    this.log = log;
    this.image = first.builderImage();
    this.offline = first.offline();
    this.environment = first.environment();
    this.user = HostUser.current().orElse(null);
    for (BuildRequest request : requests) {
      workspaces.add(request.workspace());
      targetDirectories.add(request.cargoTargetDirectory());
    }
  }

  /** One cache per user: a volume handed to one uid cannot be written by another. */
  String cacheVolume() {
    return user == null || user.isRoot() ? CACHE_VOLUME : CACHE_VOLUME + "-" + user.uid();
  }

  /** Makes the cache volume ready; once, whichever pack builds first. */
  void prepare() throws IOException, InterruptedException {
    if (!prepared) {
      engine.ensureVolume(cacheVolume(), image, baseRun().userNamespaceArguments(), user);
      prepared = true;
    }
  }

  private ContainerRun baseRun() {
    ContainerRun run = new ContainerRun(image).user(user, engine.isPodman()).offline(offline);
    // Outer directories first: one inside another (a pack's crate in another's workspace) is
    // then mounted with it.
    List<Path> directories = new ArrayList<>(workspaces);
    directories.addAll(targetDirectories);
    directories.stream().sorted(Comparator.comparingInt(Path::getNameCount)).forEach(run::mount);
    return run.workingDirectory(workspaces.iterator().next()).cacheVolume(cacheVolume());
  }

  /**
   * Runs {@code script} as one step, in {@code workspace} with {@code CARGO_TARGET_DIR} {@code
   * targetDirectory}, starting the container if needed.
   */
  ProcessRunner.Result run(
      Path workspace, Path targetDirectory, String script, Consumer<String> output)
      throws IOException, InterruptedException {
    String step =
        String.join(
            "\n",
            "cd " + CommandTemplate.shellQuote(workspace.toString()),
            "export CARGO_TARGET_DIR=" + CommandTemplate.shellQuote(targetDirectory.toString()),
            script);
    try {
      if (session == null || !session.isRunning()) {
        close();
        session = start();
      }
      return session.run(step, output);
    } catch (InterruptedException e) {
      if (session != null) {
        session.kill();
        session = null;
        engine.removeQuietly(sessionName);
      }
      throw e;
    }
  }

  /**
   * Ends the container's input after the goal's last step: it ends and is removed while the goal
   * puts the binaries in place, and {@link #close} waits for that.
   */
  void endSteps() {
    if (session != null) {
      session.endInput();
    }
  }

  /** Whether the last step ended the container (its exit code is then the engine's). */
  boolean ended() throws InterruptedException {
    if (session != null && !session.isRunning()) {
      close();
      return true;
    }
    return false;
  }

  private BuilderSession start() throws IOException {
    // A mount source must exist, and must be created by the user, not by the engine as root.
    for (Path directory : targetDirectories) {
      Files.createDirectories(directory);
    }
    Map<String, String> variables = new HashMap<>(environment);
    variables.put("CARGO_TARGET_DIR", targetDirectories.iterator().next().toString());
    sessionName = "pack-binaries-build-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> command = new ArrayList<>();
    command.add(engine.program());
    command.addAll(baseRun().name(sessionName).environment(variables.keySet()).arguments());
    log.debug(String.join(" ", command));
    return BuilderSession.start(command, variables);
  }

  /** Ends the container, if one was started. */
  @Override
  public void close() throws InterruptedException {
    if (session != null) {
      BuilderSession ending = session;
      session = null;
      if (!ending.close()) {
        engine.removeQuietly(sessionName);
      }
    }
  }
}
