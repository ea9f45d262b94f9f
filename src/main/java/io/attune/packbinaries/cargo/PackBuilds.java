package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The build goal's work over its requests, one per pack (or one for a build of one workspace): each
 * gets its toolchain, in one builder container they share when there are several, and {@link
 * BinaryBuilder#runAll} builds them.
 */
public final class PackBuilds {

  private PackBuilds() {}

  /**
   * Builds {@code requests}, which share the build goal's settings.
   *
   * @param toolchainKind {@code container} (null too) or {@code host}
   * @param containerEngine the engine's CLI, {@code docker} or {@code podman}
   */
  public static List<BuiltBinary> run(
      List<BuildRequest> requests,
      String toolchainKind,
      String containerEngine,
      BuildLog log,
      FileDigests digests)
      throws PackFailure, IOException, InterruptedException {
    BuildRequest first = requests.get(0);
    CommandTemplate template = CommandTemplate.parse(first.command(), first.profile());
    String kind =
        toolchainKind == null ? "container" : toolchainKind.trim().toLowerCase(Locale.ROOT);
    if (!kind.equals("container") && !kind.equals("host")) {
      throw new PackFailure(
          PropertyNames.TOOLCHAIN
              + " is '"
              + toolchainKind
              + "'; set it to container (the default) or host");
    }
    for (BuildRequest request : requests) {
      BinaryBuilder.checkManifest(request.manifest());
    }
    ContainerEngine engine = new ContainerEngine(containerEngine, log);
    // Several packs share one builder container, started when the first of them builds.
    try (BuilderContainer shared =
        kind.equals("container") && requests.size() > 1
            ? new BuilderContainer(requests, engine, log)
            : null) {
      List<BinaryBuilder> builders = new ArrayList<>();
      for (BuildRequest request : requests) {
        Toolchain toolchain =
            kind.equals("host")
                ? new HostToolchain(request, template, log)
                : shared == null
                    ? new ContainerToolchain(request, engine, template, log)
                    : new ContainerToolchain(request, engine, template, log, shared);
        builders.add(new BinaryBuilder(request, toolchain, log, digests));
      }
      return BinaryBuilder.runAll(builders, template);
    }
  }
}
