package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.elf.ElfFormatException;
import io.attune.packbinaries.elf.ElfReader;
import io.attune.packbinaries.testing.FuzzBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ELF reader makes of the bytes {@link CapturedElf} kept of a binary streamed past once is
 * what it makes of the binary on disk: the same {@link io.attune.packbinaries.elf.ElfFile}, or the
 * same refusal, or a read of bytes not kept ({@link CapturedElf.NotKept}, and the scanner copies
 * the binary instead). On real binaries (the audit's fixtures and the host's programs and
 * libraries), in chunks of any size, with the default prefix and shorter ones, and on them with
 * their headers changed at random.
 */
class CapturedElfTest {

  private static final int BASE_CASES = 400;
  private static final String NOT_KEPT = "(not kept)";

  @TempDir Path temp;

  @Test
  void realBinariesReadTheSameAsFromAFileAndTheFixturesNeedNoCopy() throws Exception {
    Random random = new Random(3);
    int notKept = 0;
    int notKeptWithTheDefault = 0;
    int files = 0;
    for (Path binary : corpus()) {
      byte[] bytes = Files.readAllBytes(binary);
      Object onDisk = fromFile(bytes);
      for (int prefix : new int[] {CapturedElf.PREFIX, 4096, 64}) {
        Object kept = captured(bytes, prefix, random);
        if (kept.equals(NOT_KEPT)) {
          notKept++;
          notKeptWithTheDefault += prefix == CapturedElf.PREFIX ? 1 : 0;
          assertThat(prefix == CapturedElf.PREFIX && isFixture(binary))
              .as(binary + " with the default prefix")
              .isFalse();
        } else {
          assertThat(kept).as(binary + ", prefix " + prefix).isEqualTo(onDisk);
        }
      }
      files++;
    }
    System.out.printf(
        "captured ELF: %d files, 3 prefixes each; %d reads of bytes not kept, %d with the default"
            + " prefix%n",
        files, notKept, notKeptWithTheDefault);
  }

  @Test
  void aLibraryNameBehindTheDynamicSegmentIsNotKept() throws Exception {
    byte[] bytes = nameBehindItsDynamicSegment();
    assertThat(fromFile(bytes).toString()).contains("libc.so.6");
    assertThat(captured(bytes, CapturedElf.PREFIX, new Random(1))).isEqualTo(NOT_KEPT);
  }

  @Test
  void fixedSeedCorpus() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), BASE_CASES);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void longRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(BASE_CASES));
  }

  /** Headers changed at random: where the reader reads, the values it follows. */
  private void fuzz(long seed, Random random, int cases) throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (Path binary : corpus().subList(0, Math.min(8, corpus().size()))) {
      seeds.add(Files.readAllBytes(binary));
    }
    seeds.add(nameBehindItsDynamicSegment());
    long slowest = 0;
    int notKept = 0;
    for (int i = 0; i < cases; i++) {
      long start = System.nanoTime();
      byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
      int changes = 1 + random.nextInt(4);
      for (int c = 0; c < changes; c++) {
        int region = random.nextInt(3);
        int at =
            switch (region) {
              case 0 -> random.nextInt(Math.min(bytes.length, 256)); // header, program headers
              case 1 -> random.nextInt(Math.min(bytes.length, 8192)); // notes, interp, dynamic
              default ->
                  bytes.length - 1 - random.nextInt(Math.min(bytes.length, 4096)); // sections
            };
        bytes[at] =
            random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (bytes[at] ^ (1 << 6));
      }
      Object onDisk = fromFile(bytes);
      int prefix = random.nextBoolean() ? CapturedElf.PREFIX : 64 + random.nextInt(8192);
      Object kept = captured(bytes, prefix, random);
      if (kept.equals(NOT_KEPT)) {
        notKept++;
      } else {
        assertThat(kept).as("case " + i + ", seed " + seed).isEqualTo(onDisk);
      }
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    System.out.println(
        FuzzBudget.summary(
            "captured ELF (" + notKept + " not kept)", cases, 0, Duration.ofNanos(slowest), seed));
  }

  /** The reader's answer from a file: the ElfFile, or its refusal's message. */
  private Object fromFile(byte[] bytes) throws IOException {
    Path file = temp.resolve("binary");
    Files.write(file, bytes);
    try {
      return ElfReader.read(file);
    } catch (ElfFormatException e) {
      return e.getMessage();
    }
  }

  /** The reader's answer from what CapturedElf kept of {@code bytes} streamed in random chunks. */
  private static Object captured(byte[] bytes, int prefix, Random random) throws IOException {
    CapturedElf capture = new CapturedElf(bytes.length, prefix);
    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 512 : 70_000));
      capture.write(bytes, at, n);
      at += n;
    }
    try {
      return ElfReader.read("binary", capture.channel());
    } catch (ElfFormatException e) {
      return e.getMessage();
    } catch (CapturedElf.NotKept e) {
      return NOT_KEPT;
    }
  }

  private static boolean isFixture(Path binary) {
    return binary.toString().contains("audit-binaries");
  }

  /** The audit's fixtures, then up to 40 of the host's programs and libraries under 20 MB. */
  private static List<Path> corpus() throws Exception {
    List<Path> corpus = new ArrayList<>();
    corpus.add(AuditFixtures.staticAmd64());
    corpus.add(AuditFixtures.dynamicAmd64());
    for (String directory : new String[] {"/usr/bin", "/usr/lib/x86_64-linux-gnu"}) {
      Path dir = Path.of(directory);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(Files::isRegularFile)
            .filter(f -> !Files.isSymbolicLink(f))
            .filter(CapturedElfTest::isElf)
            .sorted()
            .limit(20)
            .forEach(corpus::add);
      }
    }
    return corpus;
  }

  private static boolean isElf(Path file) {
    try {
      if (Files.size(file) > (20 << 20)) {
        return false;
      }
      byte[] magic = new byte[4];
      try (var in = Files.newInputStream(file)) {
        return in.read(magic) == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L';
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * An x86-64 ET_EXEC of 110,000 bytes whose dynamic segment (at 100,000) needs libc.so.6, named in
   * a string table at 70,000: behind the dynamic segment, past the prefix, so not kept.
   */
  static byte[] nameBehindItsDynamicSegment() {
    int size = 210_000;
    long base = 0x400000;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    elf.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
    elf.putLong(24, base).putLong(32, 64).putLong(40, 0);
    elf.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 2);
    elf.putShort(58, (short) 64).putShort(60, (short) 0);
    // PT_LOAD over the whole file.
    elf.putInt(64, 1).putInt(68, 5).putLong(72, 0).putLong(80, base).putLong(88, base);
    elf.putLong(96, size).putLong(104, size).putLong(112, 0x1000);
    // PT_DYNAMIC at 200,000.
    elf.putInt(120, 2).putInt(124, 6).putLong(128, 200_000).putLong(136, base + 200_000);
    elf.putLong(144, base + 200_000).putLong(152, 48).putLong(160, 48).putLong(168, 8);
    elf.putLong(200_000, 1).putLong(200_008, 1); // DT_NEEDED, offset 1
    elf.putLong(200_016, 5).putLong(200_024, base + 70_000); // DT_STRTAB
    elf.put(70_001, "libc.so.6".getBytes(StandardCharsets.US_ASCII));
    return elf.array();
  }
}
