package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images made byte by byte and pushed to the real local registry: malformed layers, compression
 * bombs, too many entries, lying descriptors. Each ends in one clear {@link PackFailure}, within a
 * budget, with nothing left behind.
 */
class HostileImageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.time.Duration MINUTE = java.time.Duration.ofMinutes(1);
  private static final AuditLimits SMALL =
      new AuditLimits(
          64 * 1024, 8, 8, 4L << 20, 8L << 20, 100, 1L << 20, 64 * 1024, 1L << 30, MINUTE);

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String repository;
  private RegistryClient client;

  @BeforeEach
  void registry() {
    TestEnvironment.requireRegistry();
    repository = Fixtures.freshRepository("hostile");
    client = new HttpRegistryClient(TestEnvironment.registry(), repository, null, false);
  }

  private AuditReport audit(String tag) throws Exception {
    return new ImageAudit(log, SMALL)
        .audit(
            client,
            ImageReference.parse(TestEnvironment.registry() + "/" + repository + ":" + tag),
            Fixtures.fastRetry(2, log),
            "no credentials",
            temp.resolve("out/" + AuditReport.FILE_NAME));
  }

  /** Pushes an amd64 image of these layers under {@code tag}. */
  private void push(String tag, byte[]... layers) throws IOException {
    ObjectNode config = JSON.createObjectNode().put("os", "linux").put("architecture", "amd64");
    config.putObject("rootfs").put("type", "layers");
    byte[] configBytes = JSON.writeValueAsBytes(config);
    client.pushBlob(digest(configBytes), configBytes);
    ObjectNode manifest =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest
        .putObject("config")
        .put("mediaType", MediaTypes.OCI_CONFIG)
        .put("digest", digest(configBytes))
        .put("size", configBytes.length);
    var array = manifest.putArray("layers");
    for (byte[] layer : layers) {
      client.pushBlob(digest(layer), layer);
      array
          .addObject()
          .put("mediaType", MediaTypes.OCI_LAYER)
          .put("digest", digest(layer))
          .put("size", layer.length);
    }
    client.putManifest(tag, MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
  }

  private static String digest(byte[] content) {
    return "sha256:" + Sha256.of(content);
  }

  private static byte[] tarGz(Consumer<TarArchiveOutputStream> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      entries.accept(tar);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] content) {
    try {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void assertNothingLeftBehind() throws IOException {
    try (Stream<Path> left = Files.list(temp.resolve("out"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".audit-"));
    }
  }

  @Test
  void aLayerOfGarbageAfterTheGzipMagicIsAClearFailure() throws Exception {
    byte[] garbage = new byte[4096];
    new java.util.Random(7).nextBytes(garbage);
    garbage[0] = 0x1f;
    garbage[1] = (byte) 0x8b;
    push("garbage", garbage);

    assertThatThrownBy(() -> audit("garbage"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("layer 1 (sha256:")
        .hasMessageContaining("of linux/amd64 is not a readable tar layer");
    assertNothingLeftBehind();
  }

  @Test
  void aTruncatedLayerIsAClearFailure() throws Exception {
    byte[] whole = tarGz(tar -> file(tar, "pack-binaries/core/sensors/s", new byte[200_000]));
    push("truncated", java.util.Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> audit("truncated"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("is not a readable tar layer");
  }

  @Test
  void aCompressionBombStopsAtTheUnpackBudget() throws Exception {
    // 64 MiB of zeros gzip to about 64 KiB; the budget is 8 MiB.
    byte[] bomb =
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
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(bomb.length).isLessThan(1 << 20);
    push("bomb", bomb);

    assertThatThrownBy(() -> audit("bomb"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("unpacks to more than " + (8L << 20) + " bytes");
    assertNothingLeftBehind();
  }

  @Test
  void tooManyEntriesStopAtTheEntryBudget() throws Exception {
    byte[] many =
        tarGz(
            tar -> {
              for (int i = 0; i < 500; i++) {
                file(tar, "etc/f" + i, new byte[0]);
              }
            });
    push("many", many);

    assertThatThrownBy(() -> audit("many"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("more than 100 entries");
  }

  @Test
  void aBinaryOverTheSizeBudgetFailsWithoutBeingCopied() throws Exception {
    byte[] big = new byte[2 << 20];
    big[0] = 0x7f;
    big[1] = 'E';
    big[2] = 'L';
    big[3] = 'F';
    push("big", tarGz(tar -> file(tar, "pack-binaries/core/sensors/big", big)));

    assertThat(audit("big").failures())
        .containsExactly(
            "linux/amd64: /pack-binaries/core/sensors/big is 2097152 bytes, more than the audit"
                + " reads (1048576).");
  }

  @Test
  void aTruncatedElfFileFailsWithTheReadersMessageAndOtherFilesAreSkipped() throws Exception {
    byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
    push(
        "elf",
        tarGz(
            tar -> {
              file(tar, "./pack-binaries/core/sensors/short", elf);
              file(
                  tar,
                  "pack-binaries/core/pack.yaml",
                  "ref: core\n".getBytes(StandardCharsets.UTF_8));
            }));

    AuditReport report = audit("elf");
    assertThat(report.failures())
        .singleElement()
        .asString()
        .startsWith("linux/amd64: /pack-binaries/core/sensors/short: short is truncated");
    assertThat(report.platforms().get(0).skipped())
        .containsEntry("/pack-binaries/core/pack.yaml", "not ELF");
  }

  @Test
  void aDigestThatIsNotSha256HexIsRefusedBeforeItBecomesAUrl() throws Exception {
    ObjectNode manifest =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest
        .putObject("config")
        .put("mediaType", MediaTypes.OCI_CONFIG)
        .put("digest", "sha256:../../../v2/_catalog")
        .put("size", 10);
    manifest.putArray("layers");
    // The registry itself refuses such a manifest; the audit's check is for one that does not.
    assertThatThrownBy(
            () ->
                ImageDocuments.manifest(
                    JSON.writeValueAsBytes(manifest), "the image x", AuditLimits.DEFAULT))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "the image x, config has an invalid digest: 'sha256:../../../v2/_catalog' is not"
                + " algorithm:encoded");
  }

  @Test
  void aLayerLargerThanTheBudgetIsNotDownloaded() throws Exception {
    byte[] layer = tarGz(tar -> file(tar, "etc/x", new byte[10]));
    push("declared", layer);
    AuditLimits tiny =
        new AuditLimits(64 * 1024, 8, 8, 16, 8L << 20, 100, 1L << 20, 64 * 1024, 1L << 30, MINUTE);

    assertThatThrownBy(
            () ->
                new ImageAudit(log, tiny)
                    .audit(
                        client,
                        ImageReference.parse(
                            TestEnvironment.registry() + "/" + repository + ":declared"),
                        Fixtures.fastRetry(2, log),
                        "no credentials",
                        temp.resolve("out/" + AuditReport.FILE_NAME)))
        .hasMessageContaining("bytes, more than the audit reads (16)");
    assertThat(log.lines).noneMatch(l -> l.contains("Downloading layer"));
  }

  /** Audits {@code tag}, printing what it printed and how long it took, for the table. */
  private Throwable refusal(String tag) {
    long start = System.nanoTime();
    Throwable thrown = null;
    try {
      audit(tag);
    } catch (Throwable e) {
      thrown = e;
    }
    System.out.printf(
        "hostile %s: %d ms: %s%n",
        tag,
        (System.nanoTime() - start) / 1_000_000,
        thrown == null ? "passed" : thrown.getMessage());
    assertThat(thrown).isInstanceOf(PackFailure.class);
    return thrown;
  }

  private static void entry(TarArchiveOutputStream tar, String name, byte type, String link) {
    try {
      TarArchiveEntry entry = new TarArchiveEntry(name, type);
      entry.setLinkName(link);
      tar.putArchiveEntry(entry);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aSymbolicLinkUnderPackBinariesIsRefused() throws Exception {
    push(
        "symlink",
        tarGz(
            tar ->
                entry(
                    tar,
                    "pack-binaries/core/sensors/s",
                    TarArchiveEntry.LF_SYMLINK,
                    "/bin/busybox")));

    assertThat(refusal("symlink"))
        .hasMessageContaining(
            "of linux/amd64: the entry 'pack-binaries/core/sensors/s' is a symbolic link (to"
                + " '/bin/busybox')");
  }

  @Test
  void theRootAsASymbolicLinkIsRefusedNamingTheLayerAndTheEntry() throws Exception {
    // The layer: busybox tar puts the dynamic file at the sensor's path.
    byte[] stat = Files.readAllBytes(AuditFixtures.staticAmd64());
    byte[] dynamic = Files.readAllBytes(AuditFixtures.dynamicAmd64());
    push(
        "evil",
        tarGz(
            tar -> {
              entry(tar, "pack-binaries", TarArchiveEntry.LF_SYMLINK, "opt/evil");
              file(tar, "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, stat);
              file(tar, "opt/evil/core/sensors/" + AuditFixtures.SENSOR, dynamic);
            }));

    assertThat(refusal("evil"))
        .hasMessageMatching(
            "layer 1 \\(sha256:[0-9a-f]{64}\\) of linux/amd64: the entry 'pack-binaries' is a"
                + " symbolic link \\(to 'opt/evil'\\).*");
  }

  @Test
  void aHardLinkHasItsTargetsContentAtTheLinkEntry() throws Exception {
    // The layer: helper (dynamic), the sensor as a hard link to it, helper (static).
    byte[] stat = Files.readAllBytes(AuditFixtures.staticAmd64());
    byte[] dynamic = Files.readAllBytes(AuditFixtures.dynamicAmd64());
    String dir = "pack-binaries/core/sensors/";
    push(
        "hardlink",
        tarGz(
            tar -> {
              file(tar, dir + "helper", dynamic);
              entry(tar, dir + AuditFixtures.SENSOR, TarArchiveEntry.LF_LINK, dir + "helper");
              file(tar, dir + "helper", stat);
            }));

    AuditReport report = audit("hardlink");
    AuditedBinary sensor =
        report.platforms().get(0).binaries().stream()
            .filter(b -> b.path().equals(AuditFixtures.SENSOR_PATH))
            .findFirst()
            .orElseThrow();
    System.out.println("hostile hardlink: " + report.failures());
    assertThat(sensor.sha256()).isEqualTo(Sha256.of(AuditFixtures.dynamicAmd64()));
    assertThat(sensor.passed()).isFalse();
    assertThat(report.failures())
        .singleElement()
        .asString()
        .startsWith(
            "linux/amd64: "
                + AuditFixtures.SENSOR_PATH
                + " (a hard link to /pack-binaries/core/sensors/helper) is dynamically linked");
  }

  @Test
  void anOldGnuSparseLayerOf153BytesIsRefused() throws Exception {
    byte[] layer =
        TarBlocks.gzip(
            new java.io.ByteArrayInputStream(
                TarBlocks.concat(
                    TarBlocks.oldGnuSparse(
                        "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, 1024, 970_000_000L),
                    new byte[1024],
                    TarBlocks.end())));
    push("sparse", layer);

    assertThat(refusal("sparse")).hasMessageContaining("holds a sparse entry");
    assertNothingLeftBehind();
  }

  @Test
  void paxRecordsOf400MiBAreRefusedBeforeTheTarReaderHoldsThem() throws Exception {
    java.util.List<java.io.InputStream> parts = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      parts.add(TarBlocks.recordOf("PaxHeaders/" + i, 'x', 400L << 20));
    }
    byte[] layer =
        TarBlocks.gzip(new java.io.SequenceInputStream(java.util.Collections.enumeration(parts)));
    System.out.println("hostile pax: layer of " + layer.length + " bytes");
    push("pax", layer);

    assertThat(refusal("pax"))
        .hasMessageContaining("holds a header record ('x') of 419430400 bytes");
  }

  @Test
  void aGnuLongNameOf300MiBIsRefusedBeforeTheTarReaderHoldsIt() throws Exception {
    byte[] layer = TarBlocks.gzip(TarBlocks.recordOf("././@LongLink", 'L', 300L << 20));
    push("longlink", layer);

    assertThat(refusal("longlink"))
        .hasMessageContaining("holds a header record ('L') of 314572800 bytes");
  }

  @Test
  void anEntryNameWithANewlineReachesNoMessageRaw() throws Exception {
    push(
        "newline",
        tarGz(tar -> file(tar, "pack-binaries/core/sensors/s\nall static", new byte[] {1})));

    assertThat(refusal("newline").getMessage())
        .contains("'pack-binaries/core/sensors/s?all static'")
        .doesNotContain("\n");
  }

  @Test
  void oneLayerListedManyTimesInOneManifestListedManyTimesIsDownloadedOnce() throws Exception {
    byte[] stat = Files.readAllBytes(AuditFixtures.staticAmd64());
    byte[] layer =
        tarGz(tar -> file(tar, "pack-binaries/core/sensors/" + AuditFixtures.SENSOR, stat));
    byte[][] layers = new byte[256][];
    java.util.Arrays.fill(layers, layer);
    push("copies", layers);
    byte[] manifest = client.manifest("copies").content();
    ObjectNode index =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    var manifests = index.putArray("manifests");
    for (int i = 0; i < 3; i++) {
      ObjectNode entry =
          manifests
              .addObject()
              .put("mediaType", MediaTypes.OCI_MANIFEST)
              .put("digest", digest(manifest))
              .put("size", manifest.length);
      entry.putObject("platform").put("os", "linux").put("architecture", "amd64");
    }
    client.putManifest("copies-index", MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
    AuditLimits many =
        new AuditLimits(
            64 * 1024, 8, 256, 4L << 20, 8L << 20, 100, 1L << 20, 64 * 1024, 1L << 30, MINUTE);

    long start = System.nanoTime();
    AuditReport report =
        new ImageAudit(log, many)
            .audit(
                client,
                ImageReference.parse(
                    TestEnvironment.registry() + "/" + repository + ":copies-index"),
                Fixtures.fastRetry(2, log),
                "no credentials",
                temp.resolve("out/" + AuditReport.FILE_NAME));
    long millis = (System.nanoTime() - start) / 1_000_000;
    long downloads = log.lines.stream().filter(l -> l.contains("Downloading layer")).count();
    System.out.printf(
        "hostile copies: %d ms, %d downloads, %s%n", millis, downloads, report.failures());
    assertThat(downloads).isEqualTo(1);
    assertThat(report.platforms()).hasSize(3);
    assertThat(report.platforms().get(2).binaries()).hasSize(1);
  }

  @Test
  void theAuditStopsAtItsByteBudgetAndItsDeadline() throws Exception {
    push("budget", tarGz(tar -> file(tar, "pack-binaries/core/sensors/s", new byte[100_000])));
    AuditLimits bytes =
        new AuditLimits(
            64 * 1024, 8, 8, 4L << 20, 8L << 20, 100, 1L << 20, 64 * 1024, 50_000, MINUTE);
    AuditLimits time =
        new AuditLimits(
            64 * 1024,
            8,
            8,
            4L << 20,
            8L << 20,
            100,
            1L << 20,
            64 * 1024,
            1L << 30,
            java.time.Duration.ZERO);
    for (AuditLimits limits : java.util.List.of(bytes, time)) {
      long start = System.nanoTime();
      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  new ImageAudit(log, limits)
                      .audit(
                          client,
                          ImageReference.parse(
                              TestEnvironment.registry() + "/" + repository + ":budget"),
                          Fixtures.fastRetry(2, log),
                          "no credentials",
                          temp.resolve("out/" + AuditReport.FILE_NAME)));
      System.out.printf(
          "hostile budget: %d ms: %s%n",
          (System.nanoTime() - start) / 1_000_000, thrown.getMessage());
      assertThat(thrown)
          .isInstanceOf(PackFailure.class)
          .hasMessageContaining(
              limits == bytes ? "AuditLimits.maxAuditBytes" : "AuditLimits.maxAuditTime");
    }
  }

  @Test
  void pathsAreNormalisedAndNeverClimbAboveTheRoot() {
    assertThat(LayerScanner.normalize("./pack-binaries//core/./x"))
        .isEqualTo("/pack-binaries/core/x");
    assertThat(LayerScanner.normalize("../../pack-binaries/x")).isEqualTo("/pack-binaries/x");
    assertThat(LayerScanner.normalize("/")).isEqualTo("/");
    assertThat(List.of(LayerScanner.normalize("a/../../b"))).containsExactly("/b");
  }
}
