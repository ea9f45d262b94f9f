package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutants of real executables (gcc's dynamic and static output, musl-gcc's static output, the
 * host's /bin/ls, cargo's static builds for x86-64 and aarch64 in the long run, and ElfBuilder's
 * four class and byte-order combinations) go through the verifier as a user's binary would. No
 * mutant may raise an exception or take a second for its verdict, hashing included. The limit is on
 * the thread's CPU time, since wall time on a shared test machine also counts other processes; both
 * are printed. Failing mutants are kept under target/elf-fuzz-failures to replay.
 */
class ElfFuzzTest {

  /** Cases in {@code make test}; {@code make fuzz} runs this × pack.fuzz.scale (100): 50,000. */
  private static final int BASE_CASES = 500;

  private static final Duration VERDICT_LIMIT = Duration.ofSeconds(1);
  private static final TargetTriple TARGET =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();

  @TempDir Path dir;

  @AfterAll
  static void removeCargoBuild() throws IOException {
    RealBinariesTest.removeCrate();
  }

  @Test
  void fixedSeedMutantsOfRealBinariesGetAVerdictWithoutACrash() throws Exception {
    fuzz(seeds(false), BASE_CASES, FuzzBudget.FIXED_SEED);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void manyMutantsOfRealBinariesGetAVerdictWithoutACrash() throws Exception {
    fuzz(seeds(true), FuzzBudget.cases(BASE_CASES), FuzzBudget.seed());
  }

  private void fuzz(Map<String, byte[]> seeds, int cases, long seed) throws Exception {
    Random random = FuzzBudget.random(seed);
    List<String> names = new ArrayList<>(seeds.keySet());
    Map<String, Regions> regions = new LinkedHashMap<>();
    seeds.forEach((name, bytes) -> regions.put(name, Regions.of(bytes)));
    Path mutant = dir.resolve("mutant");
    List<String> problems = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long passed = 0;
    Duration slowest = Duration.ZERO;
    Duration slowestWall = Duration.ZERO;
    for (int i = 0; i < cases; i++) {
      String name = names.get(random.nextInt(names.size()));
      byte[] bytes = Mutator.mutate(seeds.get(name), regions.get(name), random);
      Files.write(mutant, bytes);
      long started = System.nanoTime();
      long startedCpu = threads.getCurrentThreadCpuTime();
      String problem = null;
      try {
        VerifiedBinary result = BinaryVerifier.verify(mutant, TARGET, FileDigests.inMemory());
        passed += result.passed() ? 1 : 0;
      } catch (Exception | StackOverflowError | OutOfMemoryError e) {
        // Checked ones too: a readable regular file must always get a verdict.
        problem = e.toString();
      }
      Duration took = Duration.ofNanos(threads.getCurrentThreadCpuTime() - startedCpu);
      Duration wall = Duration.ofNanos(System.nanoTime() - started);
      slowest = took.compareTo(slowest) > 0 ? took : slowest;
      slowestWall = wall.compareTo(slowestWall) > 0 ? wall : slowestWall;
      if (problem == null && took.compareTo(VERDICT_LIMIT) > 0) {
        problem = "verdict took " + took.toMillis() + " ms of CPU";
      }
      if (problem != null) {
        problems.add(name + " mutant " + i + ": " + problem + " (" + keep(bytes, name, i) + ")");
      }
      if ((i + 1) % 10_000 == 0) {
        System.out.println("fuzz ELF: " + (i + 1) + " of " + cases + " cases done");
      }
    }
    System.out.println(FuzzBudget.summary("ELF", cases, problems.size(), slowest, seed));
    System.out.println(
        "fuzz ELF: "
            + passed
            + " mutants passed, "
            + (cases - passed - problems.size())
            + " failed; slowest wall time "
            + slowestWall.toMillis()
            + " ms; seeds "
            + names);
    assertThat(problems).as("mutants without a verdict within a second").isEmpty();
  }

  private static Path keep(byte[] bytes, String seedName, int index) throws IOException {
    Path failures = Path.of("target", "elf-fuzz-failures");
    Files.createDirectories(failures);
    return Files.write(failures.resolve(seedName + "-" + index), bytes).toAbsolutePath();
  }

  /** The seed binaries by name; cargo's only in the long run, as they need the builder image. */
  private Map<String, byte[]> seeds(boolean withCargo) throws Exception {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("elf64-le", ElfBuilder.x86_64().needs("libc.so.6").buildId(new byte[20]).build());
    seeds.put(
        "elf64-be",
        ElfBuilder.executable(22, 64, ByteOrder.BIG_ENDIAN)
            .pie()
            .glibcAbiTag()
            .withSymbolTable()
            .build());
    seeds.put(
        "elf32-le",
        ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN)
            .interpreter("/lib/ld-linux-armhf.so.3")
            .needs("libc.so.6")
            .build());
    seeds.put(
        "elf32-be",
        ElfBuilder.executable(8, 32, ByteOrder.BIG_ENDIAN).sharedLibrary("libx.so.1").build());
    seeds.put("ls", Files.readAllBytes(Path.of("/bin/ls")));
    TestEnvironment.requireTool("gcc");
    TestEnvironment.requireTool("musl-gcc");
    seeds.put("gcc-pie", compile("gcc", "gcc-pie"));
    seeds.put("gcc-no-pie", compile("gcc", "gcc-no-pie", "-no-pie"));
    seeds.put("gcc-static", compile("gcc", "gcc-static", "-static"));
    seeds.put("musl-static", compile("musl-gcc", "musl-static", "-static"));
    if (withCargo) {
      for (String triple : List.of("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu")) {
        Path built = RealBinariesTest.cargoBuilt(TargetTriple.find(triple).orElseThrow());
        seeds.put("cargo-" + triple, Files.readAllBytes(built));
      }
    }
    return seeds;
  }

  private byte[] compile(String compiler, String name, String... options) throws Exception {
    Path source =
        Files.writeString(
            dir.resolve("seed.c"),
            "#include <stdio.h>\nint main(void) { puts(\"seed\"); return 0; }\n");
    Path output = dir.resolve(name);
    List<String> command = new ArrayList<>(List.of(compiler, "-o", output.toString()));
    command.addAll(List.of(options));
    command.add(source.toString());
    ProcessRunner.Result result =
        new ProcessRunner(line -> {}).withTimeout(Duration.ofMinutes(1)).run(command);
    assertThat(result.succeeded()).as("%s:\n%s", command, result.tailText()).isTrue();
    return Files.readAllBytes(output);
  }

  /** Where a seed's structures lie: ELF header, program and section headers, their segments. */
  record Regions(List<long[]> spans) {

    static Regions of(byte[] elf) {
      List<long[]> spans = new ArrayList<>();
      spans.add(new long[] {0, Math.min(64, elf.length)});
      ByteBuffer in = ByteBuffer.wrap(elf);
      in.order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      boolean is64 = elf[4] == 2;
      long phoff = is64 ? in.getLong(32) : in.getInt(28) & 0xffffffffL;
      long shoff = is64 ? in.getLong(40) : in.getInt(32) & 0xffffffffL;
      int phentsize = in.getShort(is64 ? 54 : 42) & 0xffff;
      int phnum = in.getShort(is64 ? 56 : 44) & 0xffff;
      int shnum = in.getShort(is64 ? 60 : 48) & 0xffff;
      spans.add(new long[] {phoff, phoff + (long) phnum * phentsize});
      if (shoff != 0) {
        spans.add(new long[] {shoff, shoff + (long) shnum * (is64 ? 64 : 40)});
      }
      for (int i = 0; i < phnum; i++) {
        int at = (int) phoff + i * phentsize;
        int type = in.getInt(at);
        if (type == 2 || type == 3 || type == 4) { // PT_DYNAMIC, PT_INTERP, PT_NOTE
          long offset = is64 ? in.getLong(at + 8) : in.getInt(at + 4) & 0xffffffffL;
          long size = is64 ? in.getLong(at + 32) : in.getInt(at + 16) & 0xffffffffL;
          spans.add(new long[] {offset, offset + size});
        }
      }
      spans.removeIf(span -> span[1] <= span[0] || span[1] > elf.length);
      return new Regions(spans);
    }

    /** A position inside one structure, or (one time in five) anywhere in the file. */
    int position(Random random, int length) {
      if (spans.isEmpty() || random.nextInt(5) == 0) {
        return random.nextInt(length);
      }
      long[] span = spans.get(random.nextInt(spans.size()));
      return (int) (span[0] + random.nextInt((int) (span[1] - span[0])));
    }
  }

  /** Byte flips, interesting field values and truncations, as a structure-aware fuzzer makes. */
  static final class Mutator {

    private static final long[] INTERESTING = {
      0,
      1,
      2,
      3,
      4,
      7,
      8,
      16,
      32,
      40,
      52,
      56,
      64,
      0x80,
      0xff,
      0xffff,
      0x10000,
      0x7fffffffL,
      0x80000000L,
      0xffffffffL,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      -1,
      -8,
      (1L << 58) + 1,
      1L << 32
    };

    private Mutator() {}

    static byte[] mutate(byte[] seed, Regions regions, Random random) {
      byte[] bytes = seed.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        switch (random.nextInt(4)) {
          case 0 ->
              bytes[regions.position(random, bytes.length)] ^= (byte) (1 << random.nextInt(8));
          case 1 -> bytes[regions.position(random, bytes.length)] = (byte) random.nextInt(256);
          default -> field(bytes, regions.position(random, bytes.length), random);
        }
      }
      if (random.nextInt(8) == 0) {
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      return bytes;
    }

    /** Writes an interesting value (or the file's size, near it) as a 2, 4 or 8 byte field. */
    private static void field(byte[] bytes, int at, Random random) {
      long value =
          random.nextInt(4) == 0
              ? bytes.length + random.nextInt(3) - 1
              : INTERESTING[random.nextInt(INTERESTING.length)];
      int width = 1 << (1 + random.nextInt(3));
      ByteBuffer out = ByteBuffer.wrap(bytes);
      out.order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      at = Math.min(at, bytes.length - width);
      if (at < 0) {
        return;
      }
      switch (width) {
        case 2 -> out.putShort(at, (short) value);
        case 4 -> out.putInt(at, (int) value);
        default -> out.putLong(at, value);
      }
    }
  }
}
