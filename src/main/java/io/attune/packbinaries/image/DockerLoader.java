package io.attune.packbinaries.image;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Loads the host platform's image into the local engine with {@code docker load}, for {@code docker
 * compose up} during development. The tarball's manifest.json already carries the name.
 */
public final class DockerLoader {

  private final BuildLog log;
  private final String engine;

  public DockerLoader(BuildLog log, String engine) {
    this.log = log;
    this.engine = engine;
  }

  /** Loads the image of {@code host}, returning its platform. */
  public Platform loadHostImage(InitImageResult result, String localName, Platform host)
      throws PackFailure, IOException, InterruptedException {
    return loadHostImage(result.platformTarballs(), localName, host);
  }

  /** Loads the image of {@code host} from its tarball among {@code platformTarballs}. */
  public Platform loadHostImage(
      Map<Platform, Path> platformTarballs, String localName, Platform host)
      throws PackFailure, IOException, InterruptedException {
    Path tarball = platformTarballs.get(host);
    if (tarball == null) {
      throw new PackFailure(
          PropertyNames.IMAGE_LOAD
              + " is true, but no image for this machine's platform "
              + host
              + " was built (built: "
              + platformTarballs.keySet()
              + "). Add a "
              + host
              + " target such as "
              + TargetTriple.KNOWN.stream()
                  .filter(t -> t.platform().equals(host))
                  .findFirst()
                  .map(TargetTriple::name)
                  .orElse("?")
              + " to <targets>, or set -D"
              + PropertyNames.IMAGE_LOAD
              + "=false.");
    }
    ProcessRunner.Result run;
    try {
      run =
          new ProcessRunner(line -> log.info("  " + engine + ": " + line))
              .withTimeout(Duration.ofMinutes(5))
              .run(List.of(engine, "load", "-i", tarball.toString()));
    } catch (ProcessRunner.CommandNotFoundException e) {
      throw new PackFailure(
          PropertyNames.IMAGE_LOAD
              + " is true, but "
              + engine
              + " was not found on PATH. Install Docker, or set -D"
              + PropertyNames.IMAGE_LOAD
              + "=false and load"
              + " "
              + tarball
              + " yourself.",
          e);
    }
    if (!run.succeeded()) {
      throw new PackFailure(
          engine
              + " load -i "
              + tarball
              + " failed (exit "
              + run.exitCode()
              + "):\n"
              + run.tailText()
              + "\nCheck that the Docker engine runs (docker info), or set"
              + " -D"
              + PropertyNames.IMAGE_LOAD
              + "=false.");
    }
    log.info("Loaded the " + host + " image as " + localName);
    return host;
  }
}
