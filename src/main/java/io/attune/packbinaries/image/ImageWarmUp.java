package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * A throwaway image, built so that the image goal later finds jib, the tar and gzip code and the
 * layout reader already loaded and compiled: the first jib build of a JVM spends most of its time
 * on class loading. Its base comes from a registry of its own on a loopback port ({@link
 * WarmUpRegistry}), so jib's base-image path is ready too; it touches no real registry, no cache of
 * the real build and no output. See {@code publish/ReleaseWarmUp}, which runs it while cargo
 * compiles (and {@code registry/RegistryWarmUp} the TLS hello that jib's first HTTPS attempt
 * needs).
 */
public final class ImageWarmUp {

  private static final int WARM_UP_BYTES = 1 << 20;

  private ImageWarmUp() {}

  /** Builds the throwaway image in a new directory under {@code parent}, then deletes it. */
  public static void run(Path parent) throws Exception {
    Path directory = Files.createTempDirectory(parent, "pack-binaries-warm-up");
    try {
      buildThrowawayImage(directory);
    } finally {
      Directories.deleteRecursively(directory);
    }
  }

  /**
   * A megabyte that compresses about as a binary does: the tar, gzip and digest loops run long
   * enough for the JIT to compile them, as a real sensor's layer needs.
   */
  private static byte[] binaryLikeContent() {
    byte[] content = new byte[WARM_UP_BYTES];
    new Random(0).nextBytes(content);
    for (int i = 0; i < content.length; i += 2) {
      content[i] = 0;
    }
    return content;
  }

  private static void buildThrowawayImage(Path directory) throws Exception {
    Path file = Files.write(directory.resolve("warm-up"), binaryLikeContent());
    Path tarball = directory.resolve("warm-up.tar");
    try (WarmUpRegistry registry = new WarmUpRegistry()) {
      Jib.from(RegistryImage.named(registry.image()))
          .setFormat(ImageFormat.OCI)
          .setCreationTime(Instant.EPOCH)
          .setFileEntriesLayers(
              FileEntriesLayer.builder().addEntry(file, AbsoluteUnixPath.get("/warm-up")).build())
          .containerize(
              Containerizer.to(TarImage.at(tarball).named("pack-binaries-warm-up:0"))
                  .setApplicationLayersCache(directory.resolve("application-cache"))
                  .setBaseImageLayersCache(directory.resolve("base-cache"))
                  .setAllowInsecureRegistries(true)
                  .setToolName("pack-binaries-maven-plugin"));
    }
    JibTarball.importInto(
        tarball,
        OciLayout.createEmpty(directory.resolve("layout")),
        ManifestFormat.OCI,
        TargetTriple.of("x86_64-unknown-linux-musl"));
  }
}
