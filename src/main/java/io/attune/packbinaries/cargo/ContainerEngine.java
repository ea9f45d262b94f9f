package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The container engine's command line ({@code docker} or {@code podman}), so DOCKER_HOST, contexts
 * and podman work as they do for the user. Turns its failures into messages that say what to start
 * or install.
 */
public final class ContainerEngine {

  public static final List<String> SUPPORTED = List.of("docker", "podman");
  private static final Duration QUICK = Duration.ofSeconds(60);

  private final String program;
  private final BuildLog log;

  public ContainerEngine(String program, BuildLog log) throws PackFailure {
    String name = program == null || program.isBlank() ? "docker" : program.trim();
    if (!SUPPORTED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new PackFailure(
          PropertyNames.CONTAINER_ENGINE + " is '" + name + "'; set it to docker or podman");
    }
    this.program = name.toLowerCase(Locale.ROOT);
    this.log = log;
  }

  public String program() {
    return program;
  }

  public boolean isPodman() {
    return program.equals("podman");
  }

  /** Fails with what to do when the engine is not installed or not running. */
  public void checkRunning() throws PackFailure, IOException, InterruptedException {
    if (ProcessRunner.onPath(program).isEmpty()) {
      throw notInstalled();
    }
    ProcessRunner.Result version;
    try {
      version = quiet().run(List.of(program, "version", "--format", "{{.Server.Version}}"));
    } catch (ProcessRunner.CommandNotFoundException e) {
      throw notInstalled();
    }
    if (!version.succeeded()) {
      String lastLine =
          version.tail().isEmpty() ? "no output" : version.tail().get(version.tail().size() - 1);
      String dockerHost = System.getenv("DOCKER_HOST");
      throw new PackFailure(
          "The "
              + program
              + " engine is not running or not reachable (`"
              + program
              + " version` failed: "
              + lastLine.trim()
              + "). Start it (Docker Desktop, or `sudo systemctl start "
              + program
              + "`) and check DOCKER_HOST (now "
              + (dockerHost == null ? "unset" : dockerHost)
              + ") and `"
              + program
              + " context ls`; or build without containers: -D"
              + PropertyNames.TOOLCHAIN
              + "=host");
    }
  }

  private PackFailure notInstalled() {
    String name = isPodman() ? "Podman" : "Docker";
    String other = isPodman() ? "docker" : "podman";
    return new PackFailure(
        name
            + " is not installed ("
            + program
            + " not found on PATH); install "
            + name
            + ", or set "
            + PropertyNames.CONTAINER_ENGINE
            + "="
            + other
            + ", or "
            + PropertyNames.TOOLCHAIN
            + "=host");
  }

  /** The local image's ID, or empty when the engine does not have it. */
  public Optional<String> imageId(String image) throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    ProcessRunner.Result result =
        new ProcessRunner(lines::add)
            .withTimeout(QUICK)
            .run(List.of(program, "image", "inspect", "--format", "{{.Id}}", image));
    if (!result.succeeded()) {
      return Optional.empty();
    }
    return lines.stream()
        .map(String::trim)
        .filter(l -> l.matches("(sha256:)?[0-9a-f]{12,}"))
        .findFirst();
  }

  /**
   * The image's ID, pulling it first when the engine does not have it.
   *
   * @throws PackFailure naming the image when it cannot be had
   */
  public String requireImage(String image, boolean offline)
      throws PackFailure, IOException, InterruptedException {
    if (ProcessRunner.onPath(program).isEmpty()) {
      throw notInstalled();
    }
    // One engine call when all is well; the diagnosis only when the image is not there.
    Optional<String> id = imageId(image);
    if (id.isPresent()) {
      return id.get();
    }
    checkRunning();
    if (offline) {
      throw new PackFailure(
          "The builder image "
              + image
              + " is not on this machine and Maven is offline; run `"
              + program
              + " pull "
              + image
              + "` once online, or set -D"
              + PropertyNames.BUILDER_IMAGE
              + "= to an image you have");
    }
    log.info("Pulling the builder image " + image);
    ProcessRunner.Result pull =
        new ProcessRunner(line -> log.info("[pull] " + line)).run(List.of(program, "pull", image));
    id = imageId(image);
    if (!pull.succeeded() || id.isEmpty()) {
      throw new PackFailure(
          "Cannot pull the builder image "
              + image
              + " (exit code "
              + pull.exitCode()
              + "); its last lines:\n"
              + pull.tailText()
              + "\nCheck the name and your network or registry login, or set"
              + " -D"
              + PropertyNames.BUILDER_IMAGE
              + "= to an image with cargo for your targets (and"
              + " -D"
              + PropertyNames.BUILDER_COMMAND
              + "= to its build command)");
    }
    return id.get();
  }

  /**
   * Makes sure the named volume exists, and on first creation hands it to {@code owner}, since a
   * new volume belongs to root and cargo runs as the user.
   */
  public void ensureVolume(String volume, String image, List<String> userArguments, HostUser owner)
      throws IOException, InterruptedException {
    if (quiet().run(List.of(program, "volume", "inspect", volume)).succeeded()) {
      return;
    }
    ProcessRunner.Result create =
        quiet()
            .run(
                List.of(
                    program,
                    "volume",
                    "create",
                    "--label",
                    "io.attune.pack-binaries=cargo-home",
                    volume));
    if (!create.succeeded()) {
      throw new IOException("Cannot create the volume " + volume + ":\n" + create.tailText());
    }
    if (owner == null || owner.isRoot()) {
      return;
    }
    List<String> chown = new ArrayList<>(List.of(program, "run", "--rm"));
    chown.addAll(userArguments);
    chown.addAll(
        List.of(
            "--user",
            "0:0",
            "-v",
            volume + ":" + ContainerRun.CARGO_HOME,
            "--entrypoint",
            "chown",
            image,
            owner.toString(),
            ContainerRun.CARGO_HOME));
    ProcessRunner.Result result = quiet().run(chown);
    if (!result.succeeded()) {
      quiet().run(List.of(program, "volume", "rm", volume));
      throw new IOException(
          "Cannot hand the cache volume " + volume + " to " + owner + ":\n" + result.tailText());
    }
  }

  /** Removes a container by name, for when a build is interrupted. */
  public void removeQuietly(String container) {
    try {
      quiet().run(List.of(program, "rm", "-f", container));
    } catch (IOException | InterruptedException e) {
      log.debug("Could not remove container " + container + ": " + e);
    }
  }

  private ProcessRunner quiet() {
    return new ProcessRunner(line -> log.debug(program + ": " + line)).withTimeout(QUICK);
  }
}
