package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A throwaway image built while cargo compiles, so that the image goal finds jib, the tar and gzip
 * code and the layout reader already loaded and compiled: the first jib build of a JVM costs
 * seconds of class loading, which otherwise come after cargo, on the release's critical path.
 *
 * <p>It builds from scratch into a temporary directory, touches no registry, no cache of the real
 * build and no output, and whatever goes wrong with it only costs the speed-up.
 */
public final class ImageWarmUp {

  private ImageWarmUp() {}

  /** Starts the warm-up on a daemon thread of low priority; reports its time or failure. */
  public static Thread start(Consumer<String> report) {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    Thread thread = new Thread(() -> run(temp, report), "pack-binaries-image-warm-up");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    // Jib finds some of its parts through the context class loader: the plugin's, not Maven's.
    thread.setContextClassLoader(ImageWarmUp.class.getClassLoader());
    thread.start();
    return thread;
  }

  /** Builds the throwaway image in a new directory under {@code parent}, then deletes it. */
  static void run(Path parent, Consumer<String> report) {
    long started = System.nanoTime();
    Path directory = null;
    try {
      directory = Files.createTempDirectory(parent, "pack-binaries-warm-up");
      buildThrowawayImage(directory);
      report.accept("image warm-up done in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    } catch (Exception | LinkageError e) {
      report.accept("image warm-up skipped: " + e);
    } finally {
      if (directory != null) {
        deleteQuietly(directory);
      }
    }
  }

  private static void buildThrowawayImage(Path directory) throws Exception {
    Path file =
        Files.writeString(directory.resolve("warm-up"), "warm-up\n", StandardCharsets.UTF_8);
    Path tarball = directory.resolve("warm-up.tar");
    Jib.fromScratch()
        .setFormat(ImageFormat.OCI)
        .setCreationTime(Instant.EPOCH)
        .setFileEntriesLayers(
            FileEntriesLayer.builder().addEntry(file, AbsoluteUnixPath.get("/warm-up")).build())
        .containerize(
            Containerizer.to(TarImage.at(tarball).named("pack-binaries-warm-up:0"))
                .setApplicationLayersCache(directory.resolve("application-cache"))
                .setBaseImageLayersCache(directory.resolve("base-cache"))
                .setToolName("pack-binaries-maven-plugin"));
    JibTarball.importInto(
        tarball,
        OciLayout.createEmpty(directory.resolve("layout")),
        ManifestFormat.OCI,
        TargetTriple.of("x86_64-unknown-linux-musl"));
  }

  private static void deleteQuietly(Path directory) {
    try {
      Directories.deleteRecursively(directory);
    } catch (IOException ignored) {
      // A temporary directory left behind costs nothing but its few kilobytes.
    }
  }
}
