package io.attune.packbinaries.maven;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.BuildTimestamp;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.cargo.BuildLock;
import io.attune.packbinaries.image.DockerLoader;
import io.attune.packbinaries.image.ImageBinary;
import io.attune.packbinaries.image.IncrementalInitImage;
import io.attune.packbinaries.image.InitImageSettings;
import io.attune.packbinaries.image.VerifiedBinaries;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Packages the verified binaries as the init image, one per target platform, with jib: a
 * docker-loadable tarball per platform and one multi-platform OCI layout (directory and archive)
 * whose index lists them all. Needs no Docker engine unless {@code pack.image.load}.
 */
@Mojo(name = "image", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class ImageMojo extends AbstractPackMojo {

  /** The multi-platform base image, by tag or digest; each platform gets its own variant. */
  @Parameter(property = PropertyNames.IMAGE_BASE, defaultValue = InitImageSettings.DEFAULT_BASE)
  private String base;

  /** {@code oci} (OCI image index) or {@code docker} (Docker manifest list, old registries). */
  @Parameter(property = PropertyNames.IMAGE_FORMAT, defaultValue = "oci")
  private String format;

  /** Loads this machine's platform image into the local Docker engine. */
  @Parameter(property = PropertyNames.IMAGE_LOAD, defaultValue = "false")
  private boolean load;

  /** The name {@code docker load} gives each platform's image. */
  @Parameter(
      property = PropertyNames.IMAGE_LOCAL_NAME,
      defaultValue = "attune/pack-binaries-init:dev")
  private String localName;

  /**
   * The pack the binaries belong to: they go to {@code /pack-binaries/<pack>/sensors/}. A build
   * with {@code <packs>} records each binary's own pack, which wins.
   */
  @Parameter(property = PropertyNames.IMAGE_PACK, defaultValue = "core")
  private String pack;

  /** The source revision for the org.opencontainers.image.revision label; omitted when blank. */
  @Parameter(property = PropertyNames.IMAGE_REVISION)
  private String revision;

  /** The source URL for the org.opencontainers.image.source label; omitted when blank. */
  @Parameter(property = PropertyNames.IMAGE_SOURCE, defaultValue = "${project.scm.url}")
  private String source;

  @Override
  protected void run(GoalContext goal) throws Exception {
    BuildLog log = buildLog();
    List<ImageBinary> binaries = VerifiedBinaries.select(layout(), goal.digests());
    InitImageSettings settings =
        new InitImageSettings(
            base,
            pack,
            projectVersion,
            revision,
            source,
            BuildTimestamp.parse(outputTimestamp),
            ManifestFormat.parse(format, PropertyNames.IMAGE_FORMAT),
            localName,
            allowInsecureRegistries,
            // Not Maven's -o: jib's offline mode needs the base manifest in its cache, which a
            // tarball build does not leave, so `mvn -o` would fail even with a local registry.
            false,
            null);
    long start = System.nanoTime();
    // The build's lock: a second mvn package of this project waits here, then finds the images
    // up to date, instead of building into the same staging directory at the same time.
    IncrementalInitImage.Outcome outcome;
    try (BuildLock lock = BuildLock.acquire(layout().lock(), log)) {
      outcome =
          new IncrementalInitImage(settings, pluginVersion, System.getenv(), log, goal.digests())
              .build(binaries, layout().imageDirectory());
    }
    if (!outcome.upToDate()) {
      log.info(
          String.format(
              "Built %d platform images in %.1f s",
              outcome.platforms(), (System.nanoTime() - start) / 1e9));
    }
    if (load) {
      TargetTriple host =
          TargetTriple.host()
              .orElseThrow(
                  () ->
                      new PackFailure(
                          PropertyNames.IMAGE_LOAD
                              + " is true, but this machine's architecture ("
                              + System.getProperty("os.arch")
                              + ") has no target; set -D"
                              + PropertyNames.IMAGE_LOAD
                              + "=false."));
      new DockerLoader(log, containerEngine)
          .loadHostImage(outcome.platformTarballs(), localName, host.platform());
    }
  }
}
