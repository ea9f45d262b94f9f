package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.BlobStream;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit reads each layer once, as the registry sends it: no file of the layer is written, a
 * limit stops the reading before the body is read whole, and a body whose digest does not check out
 * at its end fails the audit (retried first, as a corrupted download), whatever the scan made of
 * it. Against the real registry, through a client that watches the bodies it hands out.
 */
class StreamedLayerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AuditLimits SMALL =
      new AuditLimits(
          64 * 1024,
          8,
          8,
          16L << 20,
          8L << 20,
          100,
          4L << 20,
          64 * 1024,
          1L << 30,
          Duration.ofMinutes(1));

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String repository;
  private HttpRegistryClient registry;

  @BeforeEach
  void registry() {
    TestEnvironment.requireRegistry();
    repository = Fixtures.freshRepository("streamed");
    registry = new HttpRegistryClient(TestEnvironment.registry(), repository, null, false);
  }

  @Test
  void aLayerIsScannedAsItArrivesAndNoFileOfItIsWritten() throws Exception {
    // 3 MiB that do not compress, as a file under /pack-binaries that is not ELF, beside the
    // static binary: the layer is over 3 MiB, and no file that large may appear while it is read.
    byte[] data = new byte[3 << 20];
    new Random(5).nextBytes(data);
    byte[] binary = Files.readAllBytes(AuditFixtures.staticAmd64());
    byte[] layer =
        tarGz(
            tar -> {
              file(tar, "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, binary);
              file(tar, "pack-binaries/core/data.bin", data);
            });
    push("plain", layer);
    Watching client = new Watching(registry, temp);

    AuditReport report = audit(client, "plain");

    assertThat(report.passed()).as(report.failures().toString()).isTrue();
    assertThat(report.platforms().get(0).binaries()).hasSize(1);
    assertThat(client.downloads).as("downloadBlob calls").isZero();
    assertThat(client.bodies).hasSize(1);
    assertThat(client.bodies.get(0).received()).isEqualTo(layer.length);
    System.out.printf(
        "streamed layer: %d bytes read once; the largest file seen while reading it: %d bytes%n",
        layer.length, client.largestFile.get());
    // The binary is kept in memory where the ELF reader reads: no file at all.
    assertThat(client.largestFile.get()).isZero();
  }

  @Test
  void anUnpackLimitStopsTheReadingBeforeTheBodyIsReadWhole() throws Exception {
    // 64 MiB of zeros (about 64 KiB gzipped) over the 8 MiB unpack limit, then 4 MiB that do not
    // compress: the limit is reached in the first 64 KiB of a body of over 4 MiB.
    byte[] data = new byte[4 << 20];
    new Random(6).nextBytes(data);
    byte[] layer =
        tarGz(
            tar -> {
              try {
                TarArchiveEntry entry = new TarArchiveEntry("pack-binaries/core/sensors/zero");
                entry.setSize(64L << 20);
                tar.putArchiveEntry(entry);
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                  tar.write(zeros);
                }
                tar.closeArchiveEntry();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              file(tar, "etc/random", data);
            });
    push("bomb", layer);
    Watching client = new Watching(registry, temp);

    assertThatThrownBy(() -> audit(client, "bomb"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("unpacks to more than " + (8L << 20) + " bytes");

    long read = client.bodies.get(0).received();
    System.out.printf("bomb: stopped after %d of the body's %d bytes%n", read, layer.length);
    assertThat(client.bodies).hasSize(1);
    assertThat(read).isLessThan(layer.length / 4);
    assertThat(log.text()).doesNotContain("retrying");
  }

  @Test
  void aBodyWhoseDigestFailsAtItsEndFailsTheAuditThoughTheScanPassed() throws Exception {
    byte[] binary = Files.readAllBytes(AuditFixtures.staticAmd64());
    byte[] layer =
        tarGz(tar -> file(tar, "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, binary));
    push("changed", layer);
    // The last byte (of gzip's trailer, after the tar's end) changed on the way: the scan has its
    // verdict before that byte arrives; only the digest at the end tells.
    Watching client =
        new Watching(
            registry,
            temp,
            body ->
                new FilterInputStream(body) {
                  long at;

                  @Override
                  public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    for (int i = 0; i < n; i++, at++) {
                      if (at == layer.length - 1) {
                        b[off + i] ^= 0x01;
                      }
                    }
                    return n;
                  }
                });

    assertThatThrownBy(() -> audit(client, "changed"))
        .hasMessageContaining("Downloading layer 1 (" + digest(layer) + ") of linux/amd64")
        .hasMessageContaining("does not hash to " + digest(layer));

    assertThat(client.bodies).hasSize(2); // retried once, as a corrupted download
    for (BlobStream body : client.bodies) {
      assertThat(body.received()).isEqualTo(layer.length);
    }
    assertThat(Files.exists(temp.resolve("out/" + AuditReport.FILE_NAME))).isFalse();
  }

  @Test
  void aConnectionLostMidLayerIsRetriedFromTheFilesAsTheyWereBeforeTheLayer() throws Exception {
    // A whiteout first, then the file it names, then 3 MiB: lost in the 3 MiB, the retry meets
    // the whiteout again, which it refuses if the first reading's entries were still counted as
    // written by this layer (they must be forgotten: the layer starts over).
    byte[] data = new byte[3 << 20];
    new Random(8).nextBytes(data);
    byte[] binary = Files.readAllBytes(AuditFixtures.staticAmd64());
    String sensors = "pack-binaries/core/sensors/";
    byte[] layer =
        tarGz(
            tar -> {
              file(tar, sensors + ".wh." + AuditFixtures.SENSOR, new byte[0]);
              file(tar, sensors + AuditFixtures.SENSOR, binary);
              file(tar, "pack-binaries/core/data.bin", data);
            });
    push("lost", layer);
    int[] opened = {0};
    Watching client =
        new Watching(
            registry,
            temp,
            body -> {
              if (opened[0]++ > 0) {
                return body;
              }
              return new FilterInputStream(body) {
                long at;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                  if (at > layer.length * 3L / 4) {
                    throw new IOException("connection reset (test)");
                  }
                  int n = super.read(b, off, len);
                  at += Math.max(n, 0);
                  return n;
                }
              };
            });

    AuditReport report = audit(client, "lost");

    assertThat(report.passed()).as(report.failures().toString()).isTrue();
    assertThat(report.platforms().get(0).binaries()).hasSize(1);
    assertThat(client.bodies).hasSize(2);
    assertThat(log.text()).contains("connection reset (test); retrying");
  }

  @Test
  void aBinaryWhoseHeadersPointBackIsReadAgainCopiedAndJudgedAlike() throws Exception {
    byte[] binary = CapturedElfTest.nameBehindItsDynamicSegment();
    byte[] layer =
        tarGz(tar -> file(tar, "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, binary));
    push("behind", layer);
    Watching client = new Watching(registry, temp);

    AuditReport report = audit(client, "behind");

    assertThat(report.passed()).isFalse();
    assertThat(report.failures().toString()).contains("libc.so.6");
    assertThat(log.text()).contains("the layer is read again with its binaries copied to disk");
    // Kept in memory first, then read again with the binary copied (its file is the largest).
    assertThat(client.bodies).hasSize(2);
    assertThat(client.downloads).isZero();
  }

  private AuditReport audit(RegistryClient client, String tag) throws Exception {
    return new ImageAudit(log, SMALL)
        .audit(
            client,
            ImageReference.parse(TestEnvironment.registry() + "/" + repository + ":" + tag),
            Fixtures.fastRetry(2, log),
            "no credentials",
            temp.resolve("out/" + AuditReport.FILE_NAME));
  }

  /** Pushes an amd64 image of this one layer under {@code tag}. */
  private void push(String tag, byte[] layer) throws IOException {
    ObjectNode config = JSON.createObjectNode().put("os", "linux").put("architecture", "amd64");
    config.putObject("rootfs").put("type", "layers");
    byte[] configBytes = JSON.writeValueAsBytes(config);
    registry.pushBlob(digest(configBytes), configBytes);
    registry.pushBlob(digest(layer), layer);
    ObjectNode manifest =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest
        .putObject("config")
        .put("mediaType", MediaTypes.OCI_CONFIG)
        .put("digest", digest(configBytes))
        .put("size", configBytes.length);
    manifest
        .putArray("layers")
        .addObject()
        .put("mediaType", MediaTypes.OCI_LAYER)
        .put("digest", digest(layer))
        .put("size", layer.length);
    registry.putManifest(tag, MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
  }

  private static String digest(byte[] content) {
    return "sha256:" + Sha256.of(content);
  }

  private interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static byte[] tarGz(Entries entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      entries.write(tar);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  /**
   * The registry's client, with every blob body it opens watched: the bytes read of it, and, at
   * each read, the largest file under {@code watched} (where the audit's scratch directory is).
   * downloadBlob, which writes a blob to a file, is counted.
   */
  private static final class Watching implements RegistryClient {
    private final RegistryClient delegate;
    private final Path watched;
    private final UnaryOperator<InputStream> onTheWay;
    final List<BlobStream> bodies = new ArrayList<>();
    final AtomicLong largestFile = new AtomicLong();
    int downloads;

    Watching(RegistryClient delegate, Path watched) {
      this(delegate, watched, UnaryOperator.identity());
    }

    Watching(RegistryClient delegate, Path watched, UnaryOperator<InputStream> onTheWay) {
      this.delegate = delegate;
      this.watched = watched;
      this.onTheWay = onTheWay;
    }

    @Override
    public BlobStream openBlob(String digest, long size) throws IOException {
      InputStream body = onTheWay.apply(delegate.openBlob(digest, size));
      InputStream looking =
          new FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              lookAtFiles();
              return super.read(b, off, len);
            }
          };
      BlobStream stream = BlobStream.of(looking, URI.create("test:" + digest), digest, size);
      bodies.add(stream);
      return stream;
    }

    private void lookAtFiles() throws IOException {
      try (Stream<Path> files = Files.walk(watched)) {
        files
            .filter(Files::isRegularFile)
            .forEach(
                f -> {
                  try {
                    largestFile.accumulateAndGet(Files.size(f), Math::max);
                  } catch (IOException gone) {
                    // deleted meanwhile
                  }
                });
      } catch (UncheckedIOException gone) {
        // a directory deleted meanwhile
      }
    }

    @Override
    public void downloadBlob(String digest, long size, Path destination) throws IOException {
      downloads++;
      delegate.downloadBlob(digest, size, destination);
    }

    @Override
    public boolean hasBlob(String digest) throws IOException {
      return delegate.hasBlob(digest);
    }

    @Override
    public void pushBlob(String digest, Path content) throws IOException {
      delegate.pushBlob(digest, content);
    }

    @Override
    public void pushBlob(String digest, byte[] content) throws IOException {
      delegate.pushBlob(digest, content);
    }

    @Override
    public boolean mountBlob(String digest, String fromRepository) throws IOException {
      return delegate.mountBlob(digest, fromRepository);
    }

    @Override
    public boolean mountOrPushBlob(String digest, String fromRepository, Path content)
        throws IOException {
      return delegate.mountOrPushBlob(digest, fromRepository, content);
    }

    @Override
    public byte[] blob(String digest) throws IOException {
      return delegate.blob(digest);
    }

    @Override
    public boolean hasManifest(String digest) throws IOException {
      return delegate.hasManifest(digest);
    }

    @Override
    public Optional<String> manifestDigest(String reference) throws IOException {
      return delegate.manifestDigest(reference);
    }

    @Override
    public void putManifest(String reference, String mediaType, byte[] content) throws IOException {
      delegate.putManifest(reference, mediaType, content);
    }

    @Override
    public Manifest manifest(String reference) throws IOException {
      return delegate.manifest(reference);
    }

    @Override
    public Optional<byte[]> referrers(String digest) throws IOException {
      return delegate.referrers(digest);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
