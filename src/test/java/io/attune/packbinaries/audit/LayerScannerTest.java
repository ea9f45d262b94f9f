package io.attune.packbinaries.audit;

import static io.attune.packbinaries.audit.TarBlocks.concat;
import static io.attune.packbinaries.audit.TarBlocks.end;
import static io.attune.packbinaries.audit.TarBlocks.header;
import static io.attune.packbinaries.audit.TarBlocks.padded;
import static io.attune.packbinaries.audit.TarBlocks.paxRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers made byte by byte, read by the scanner in memory: every bound holds before the tar reader
 * holds what a hostile header asks it to, and what two extractors would read differently is
 * refused.
 */
class LayerScannerTest {

  private static final long MIB = 1L << 20;
  private static final AuditLimits LIMITS =
      new AuditLimits(
          64 * 1024,
          8,
          8,
          64 * MIB,
          64 * MIB,
          1000,
          MIB,
          64 * 1024,
          1L << 40,
          Duration.ofMinutes(1));
  private static final String WHERE = "layer 1 (sha256:l) of linux/amd64";

  @TempDir Path scratch;

  private final List<PlatformFiles.Change> changes = new ArrayList<>();

  private static BinaryInspector inspector() {
    return new BinaryInspector(
        new Platform("linux", "amd64", null),
        TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow(),
        Map.of());
  }

  private void scan(InputStream layer) throws Exception {
    scan(layer, new AuditBudget(LIMITS));
  }

  private void scan(InputStream layer, AuditBudget budget) throws Exception {
    new LayerScanner(LIMITS, scratch, budget)
        .scan(layer, "sha256:l", WHERE, inspector(), changes::add);
  }

  private static InputStream stream(byte[]... parts) {
    return new ByteArrayInputStream(concat(parts));
  }

  /** Counts what is read through it. */
  private static final class Counting extends FilterInputStream {
    final AtomicLong read = new AtomicLong();

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      read.addAndGet(Math.max(n, 0));
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      read.addAndGet(b < 0 ? 0 : 1);
      return b;
    }
  }

  @Test
  void aPaxRecordOf400MiBIsRefusedBeforeItsBodyIsRead() {
    Counting layer = new Counting(TarBlocks.recordOf("PaxHeaders/x", 'x', 400 * MIB));
    assertThatThrownBy(() -> scan(layer))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            WHERE
                + " holds a header record ('x') of 419430400 bytes, more than the audit reads"
                + " (65536, AuditLimits.maxHeaderRecordBytes); the audit refuses it.");
    assertThat(layer.read.get()).isLessThan(64 * 1024);
  }

  @Test
  void aGnuLongNameOrLinkOf300MiBIsRefusedBeforeItsBodyIsRead() {
    for (char type : new char[] {'L', 'K'}) {
      Counting layer = new Counting(TarBlocks.recordOf("././@LongLink", type, 300 * MIB));
      assertThatThrownBy(() -> scan(layer))
          .hasMessageContaining("holds a header record ('" + type + "') of 314572800 bytes");
      assertThat(layer.read.get()).isLessThan(64 * 1024);
    }
  }

  @Test
  void aGlobalPaxRecordOverTheCapIsRefusedToo() {
    assertThatThrownBy(() -> scan(TarBlocks.recordOf("g", 'g', 65537)))
        .hasMessageContaining("holds a header record ('g') of 65537 bytes");
  }

  @Test
  void headerRecordsWithinTheCapAreRead() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry entry = new TarArchiveEntry("pack-binaries/" + "d/".repeat(200) + "f");
      entry.setSize(3);
      tar.putArchiveEntry(entry);
      tar.write("abc".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
    }
    scan(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(changes)
        .singleElement()
        .isEqualTo(
            new PlatformFiles.File(
                "pack-binaries/" + "d/".repeat(200) + "f",
                "/pack-binaries/" + "d/".repeat(199) + "d/f",
                null,
                "not ELF"));
  }

  @Test
  void anOldGnuSparseEntryIsRefusedBeforeAnythingIsWritten() throws Exception {
    // The layer: 153 bytes of gzip that unpacked to 970 MB of scratch.
    byte[] layer =
        TarBlocks.gzip(
            stream(
                TarBlocks.oldGnuSparse(
                    "pack-binaries/core/sensors/attune-core-timer-sensor", 1024, 970_000_000L),
                padded(new byte[1024]),
                end()));
    assertThat(layer.length).isLessThan(400);
    assertThatThrownBy(() -> scan(new ByteArrayInputStream(layer)))
        .hasMessage(
            WHERE
                + " holds a sparse entry 'pack-binaries/core/sensors/attune-core-timer-sensor',"
                + " which unpacks to more than it stores; the audit refuses it.");
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  void aPaxSparseEntryIsRefused() {
    byte[] pax = paxRecord("GNU.sparse.major", "1").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(
            () ->
                scan(
                    stream(
                        header("x", 'x', pax.length),
                        padded(pax),
                        header("pack-binaries/s", '0', 0),
                        end())))
        .hasMessageContaining("holds a sparse entry (PAX GNU.sparse.major)");
  }

  @Test
  void aLinkThatDeclaresDataIsRefusedSoNoEntryHidesInIt() {
    // Go's reader (containerd) reads no data for a symbolic link: it would extract the entry
    // hidden in the link's "data", which commons-compress would skip.
    byte[] hidden = concat(header("pack-binaries/core/sensors/s", '0', 0));
    assertThatThrownBy(
            () -> scan(stream(header("pack-binaries/l", '2', hidden.length, "/x"), hidden, end())))
        .hasMessageContaining(
            "holds the entry 'pack-binaries/l' of type '2' declares 512 bytes of data");
  }

  @Test
  void aRegularFileNamedLikeADirectoryWithDataIsRefused() {
    assertThatThrownBy(
            () -> scan(stream(header("pack-binaries/d/", '0', 512), new byte[512], end())))
        .hasMessageContaining("a directory that declares 512 bytes of data");
  }

  @Test
  void aGlobalPaxHeaderThatRenamesOrResizesLaterEntriesIsRefused() {
    for (String key : List.of("size", "path", "linkpath")) {
      byte[] pax = paxRecord(key, "1").getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> scan(stream(header("g", 'g', pax.length), padded(pax), end())))
          .hasMessageContaining("a global PAX header setting '" + key + "'");
    }
  }

  @Test
  void twoPaxRecordsForOneEntryAreRefused() {
    byte[] pax = paxRecord("path", "pack-binaries/a").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(
            () ->
                scan(
                    stream(
                        header("x", 'x', pax.length),
                        padded(pax),
                        header("x", 'x', pax.length),
                        padded(pax),
                        header("b", '0', 0),
                        end())))
        .hasMessageContaining("two header records ('x') for one entry");
  }

  @Test
  void aPaxSizeIsFollowedSoTheHeaderCheckStaysInStep() throws Exception {
    byte[] pax = paxRecord("size", "1024").getBytes(StandardCharsets.US_ASCII);
    byte[] hidden = header("pack-binaries/core/sensors/hidden", '0', 0);
    scan(
        stream(
            header("x", 'x', pax.length),
            padded(pax),
            header("pack-binaries/a", '0', 0),
            hidden,
            new byte[512],
            header("pack-binaries/b", '0', 0),
            end()));
    assertThat(changes)
        .extracting(PlatformFiles.Change::path)
        .containsExactly("/pack-binaries/a", "/pack-binaries/b");
  }

  @Test
  void aSizeFieldThatIsNotOctalIsRefused() {
    byte[] block = header("pack-binaries/a", '0', 0);
    block[124] = 'z';
    TarBlocks.checksum(block);
    assertThatThrownBy(() -> scan(stream(block, end())))
        .hasMessageContaining("whose size field is not octal");
  }

  @Test
  void anEntryNameWithANewlineIsShownAsQuestionMarks() {
    assertThatThrownBy(
            () ->
                scan(
                    stream(
                        header("pack-binaries/core/sensors/s\nFAKE: all static", '0', 0), end())))
        .hasMessageContaining(
            "'pack-binaries/core/sensors/s?FAKE: all static', whose name has"
                + " control characters")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theAuditsByteBudgetSpansLayers() throws Exception {
    AuditLimits limits =
        new AuditLimits(
            64 * 1024, 8, 8, MIB, MIB, 1000, MIB, 64 * 1024, 4000, Duration.ofMinutes(1));
    AuditBudget budget = new AuditBudget(limits);
    LayerScanner scanner = new LayerScanner(limits, scratch, budget);
    byte[] layer = concat(header("a", '0', 0), end());
    scanner.scan(new ByteArrayInputStream(layer), "sha256:1", WHERE, inspector(), changes::add);
    scanner.scan(new ByteArrayInputStream(layer), "sha256:1", WHERE, inspector(), changes::add);
    assertThatThrownBy(
            () ->
                scanner.scan(
                    new ByteArrayInputStream(layer), "sha256:1", WHERE, inspector(), changes::add))
        .hasMessage(
            "The audit stopped at "
                + WHERE
                + ": the image downloads and unpacks more than 4000 bytes in all, more than one"
                + " audit reads (AuditLimits.maxAuditBytes).");
  }

  @Test
  void theAuditsDeadlineStopsAScanInTheMiddle() {
    AtomicLong now = new AtomicLong();
    AuditBudget budget = new AuditBudget(LIMITS, now::get);
    InputStream slow =
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new ByteArrayInputStream(header("a", '0', 10 * MIB)),
                    new FilterInputStream(TarBlocks.filler(10 * MIB)) {
                      @Override
                      public int read(byte[] b, int off, int len) throws IOException {
                        now.addAndGet(Duration.ofSeconds(1).toNanos());
                        return super.read(b, off, Math.min(len, 4096));
                      }
                    })));
    assertThatThrownBy(() -> scan(slow, budget))
        .hasMessage(
            "The audit stopped at "
                + WHERE
                + ": the image takes longer than 60 s, more than one audit may take"
                + " (AuditLimits.maxAuditTime).");
  }

  @Test
  void wellFormedEntriesBecomeChangesInOrder() throws Exception {
    scan(
        stream(
            header("pack-binaries/", '5', 0),
            header("pack-binaries/.wh..wh..opq", '0', 0),
            header("pack-binaries/core/.wh.old", '0', 0),
            header("./.wh.pack-binaries", '0', 0),
            header("pack-binaries/l", '1', 0, "pack-binaries/../pack-binaries/f"),
            header("opt/s", '2', 0, "../pack-binaries"),
            header("pack-binaries/fifo", '6', 0),
            end()));
    assertThat(changes)
        .containsExactly(
            new PlatformFiles.Directory("pack-binaries/", "/pack-binaries"),
            new PlatformFiles.Opaque("pack-binaries/.wh..wh..opq", "/pack-binaries"),
            new PlatformFiles.Whiteout("pack-binaries/core/.wh.old", "/pack-binaries/core/old"),
            new PlatformFiles.Whiteout("./.wh.pack-binaries", "/pack-binaries"),
            new PlatformFiles.HardLink("pack-binaries/l", "/pack-binaries/l", "/pack-binaries/f"),
            new PlatformFiles.SymbolicLink("opt/s", "/opt/s", "../pack-binaries"),
            new PlatformFiles.Special("pack-binaries/fifo", "/pack-binaries/fifo"));
  }

  private static byte[] layerOf(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private PlatformFiles.File only() {
    assertThat(changes).hasSize(1);
    return (PlatformFiles.File) changes.remove(0);
  }

  @Test
  void anElfFileUnderTheRootIsCopiedCheckedAndItsCopyDeleted() throws Exception {
    Path binary = AuditFixtures.staticAmd64();
    byte[] content = java.nio.file.Files.readAllBytes(binary);
    scan(new ByteArrayInputStream(layerOf("pack-binaries/core/sensors/s", content)));
    AuditedBinary audited = only().binary();
    assertThat(audited.passed()).isTrue();
    assertThat(audited.sha256()).isEqualTo(io.attune.packbinaries.io.Sha256.of(content));
    assertThat(audited.size()).isEqualTo(content.length);
    assertThat(audited.layer()).isEqualTo("sha256:l");
    assertThat(scratch).isEmptyDirectory();

    // Gzip-compressed, the same.
    scan(
        new ByteArrayInputStream(
            TarBlocks.gzip(new ByteArrayInputStream(layerOf("pack-binaries/s", content)))));
    assertThat(only().binary().sha256()).isEqualTo(io.attune.packbinaries.io.Sha256.of(content));
  }

  @Test
  void onlyTheFourBytesOfElfsMagicMakeAFileElf() throws Exception {
    byte[] magic = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    for (int i = 0; i < 4; i++) {
      byte[] content = magic.clone();
      content[i] ^= 1;
      scan(new ByteArrayInputStream(layerOf("pack-binaries/x", content)));
      assertThat(only().skipped()).as("byte " + i).isEqualTo("not ELF");
    }
    scan(new ByteArrayInputStream(layerOf("pack-binaries/x", new byte[] {0x7f, 'E', 'L'})));
    assertThat(only().skipped()).isEqualTo("not ELF");
    scan(new ByteArrayInputStream(layerOf("opt/x", magic)));
    assertThat(only())
        .isEqualTo(new PlatformFiles.File("opt/x", "/opt/x", null, "outside /pack-binaries"));
    // A truncated ELF file fails with the reader's message, naming a safe copy of its name.
    scan(new ByteArrayInputStream(layerOf("pack-binaries/short", magic)));
    assertThat(only().binary().reasons())
        .singleElement()
        .asString()
        .startsWith("/pack-binaries/short: short is truncated");
    scan(new ByteArrayInputStream(layerOf("pack-binaries/we ird", magic)));
    assertThat(only().binary().reasons())
        .singleElement()
        .asString()
        .startsWith("/pack-binaries/we ird: binary is truncated");
  }

  @Test
  void anElfFileOverTheBinaryBudgetFailsWithoutBeingCopied() throws Exception {
    byte[] big = new byte[(int) MIB + 1];
    big[0] = 0x7f;
    big[1] = 'E';
    big[2] = 'L';
    big[3] = 'F';
    scan(new ByteArrayInputStream(layerOf("pack-binaries/big", big)));
    assertThat(only().binary().reasons())
        .containsExactly(
            "/pack-binaries/big is 1048577 bytes, more than the audit reads (1048576).");
    big = java.util.Arrays.copyOf(big, (int) MIB);
    scan(new ByteArrayInputStream(layerOf("pack-binaries/big", big)));
    assertThat(only().binary().size()).isEqualTo(MIB);
  }

  @Test
  void zstdGarbageAndTooManyEntriesEachEndInAClearFailure() throws Exception {
    assertThatThrownBy(() -> scan(stream(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd})))
        .hasMessage(
            WHERE
                + " is zstd-compressed; the audit reads gzip-compressed and uncompressed layers.");
    assertThatThrownBy(() -> scan(stream(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3})))
        .hasMessageStartingWith(WHERE + " is not a readable tar layer (");
    byte[] garbage = new byte[1024];
    java.util.Arrays.fill(garbage, (byte) 'z');
    assertThatThrownBy(() -> scan(stream(garbage)))
        .hasMessageContaining("holds a tar header whose size field is not octal");
    byte[] badChecksum = header("a", '0', 0);
    badChecksum[148] = '9';
    assertThatThrownBy(() -> scan(stream(badChecksum, end())))
        .hasMessageContaining("is not a readable tar layer");
    byte[][] many = new byte[1002][];
    for (int i = 0; i < 1001; i++) {
      many[i] = header("f" + i, '0', 0);
    }
    many[1001] = end();
    assertThatThrownBy(() -> scan(stream(many)))
        .hasMessage(
            WHERE
                + " has more than 1000 entries, more than the audit reads (AuditLimits.maxEntries).");
    byte[][] enough = java.util.Arrays.copyOfRange(many, 1, 1002);
    changes.clear();
    scan(stream(enough));
    assertThat(changes).hasSize(1000);
  }

  @Test
  void aLayerThatUnpacksBeyondItsBudgetStops() throws Exception {
    InputStream huge =
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new ByteArrayInputStream(header("opt/big", '0', 65 * MIB)),
                    TarBlocks.filler(65 * MIB))));
    assertThatThrownBy(() -> scan(huge))
        .hasMessage(
            WHERE
                + " unpacks to more than 67108864 bytes, more than the audit reads"
                + " (AuditLimits.maxUnpackedLayerBytes); is it a compression bomb?");
    // Just within it is read.
    changes.clear();
    scan(
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new ByteArrayInputStream(header("opt/big", '0', 64 * MIB - 2048)),
                    TarBlocks.filler(64 * MIB - 2048),
                    new ByteArrayInputStream(end())))));
    assertThat(changes).hasSize(1);
  }

  @Test
  void pathsAreNormalisedAndNeverClimbAboveTheRoot() {
    assertThat(LayerScanner.normalize("./pack-binaries//core/./x"))
        .isEqualTo("/pack-binaries/core/x");
    assertThat(LayerScanner.normalize("../../pack-binaries/x")).isEqualTo("/pack-binaries/x");
    assertThat(LayerScanner.normalize("/")).isEqualTo("/");
    assertThat(LayerScanner.normalize("a/../../b")).isEqualTo("/b");
  }

  @Test
  void onlyTypesZeroAndNulAreRegularFilesAndControlCharactersOutsideTheRootAreRead()
      throws Exception {
    byte[] magic = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    scan(stream(header("pack-binaries/nul", (char) 0, 8), padded(magic), end()));
    assertThat(only().binary()).isNotNull();
    scan(stream(header("pack-binaries/cont", '7', 8), padded(magic), end()));
    assertThat(changes)
        .containsExactly(new PlatformFiles.Special("pack-binaries/cont", "/pack-binaries/cont"));
    changes.clear();
    scan(stream(header("opt/a\nb", '0', 0), end()));
    assertThat(only().path()).isEqualTo("/opt/a\nb");
  }

  @Test
  void onlyBothBytesOfAMagicMakeALayerCompressed() throws Exception {
    // Plain tars whose first name byte is gzip's or zstd's first magic byte, or whose second is
    // their second.
    for (int[] pair : new int[][] {{0x1f, 'a'}, {'a', 0x8b}, {0x28, 'a'}, {'a', 0xb5}}) {
      byte[] block = header("opt/xx", '0', 0);
      block[0] = (byte) pair[0];
      block[1] = (byte) pair[1];
      TarBlocks.checksum(block);
      scan(stream(block, end()));
      assertThat(only().entry()).hasSize(6);
    }
  }

  @Test
  void aFileOfExactlyTheBinaryBudgetIsReadAndALayerOfExactlyItsBudgetToo() throws Exception {
    byte[] exact = new byte[(int) MIB];
    exact[0] = 0x7f;
    exact[1] = 'E';
    exact[2] = 'L';
    exact[3] = 'F';
    scan(new ByteArrayInputStream(layerOf("pack-binaries/exact", exact)));
    assertThat(only().binary().sha256()).isEqualTo(io.attune.packbinaries.io.Sha256.of(exact));
    scan(
        new SequenceInputStream(
            Collections.enumeration(
                List.of(
                    new ByteArrayInputStream(header("opt/big", '0', 64 * MIB - 1536)),
                    TarBlocks.filler(64 * MIB - 1536),
                    new ByteArrayInputStream(end())))));
    assertThat(changes).hasSize(1);
  }

  @Test
  void aLayerFileIsScannedFromItsPath() throws Exception {
    Path layer = scratch.resolve("layer.tar");
    java.nio.file.Files.write(layer, concat(header("opt/a", '0', 0), end()));
    new LayerScanner(LIMITS, scratch).scan(layer, "sha256:l", WHERE, inspector(), changes::add);
    assertThat(only().path()).isEqualTo("/opt/a");
  }
}
