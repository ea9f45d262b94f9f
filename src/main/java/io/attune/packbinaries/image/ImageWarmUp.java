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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A throwaway image, built so that the image goal later finds jib, the tar and gzip code and the
 * layout reader already loaded and compiled: the first jib build of a JVM spends most of its time
 * on class loading. It builds from scratch, touches no registry, no cache of the real build and no
 * output. Then it readies the TLS client: each platform's jib build first tries HTTPS, even with a
 * registry on this machine that only speaks HTTP. See {@code publish/ReleaseWarmUp}, which runs it
 * while cargo compiles.
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
    writeTlsClientHello();
  }

  /**
   * A TLS client's first message, written to a buffer and sent nowhere: it loads the trust store
   * and the TLS code and generates the key shares, about 50 ms of the first image build otherwise.
   */
  private static void writeTlsClientHello() throws Exception {
    SSLEngine client = SSLContext.getDefault().createSSLEngine("localhost", 443);
    client.setUseClientMode(true);
    client.beginHandshake();
    ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
    client.wrap(ByteBuffer.allocate(0), hello);
    client.closeOutbound();
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
}
