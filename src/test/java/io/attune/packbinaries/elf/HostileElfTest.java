package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crafted inputs of the adversarial review (E1 to E3), each a named regression: before the
 * fixes they crashed the reader, took tens of seconds, or passed a binary Linux refuses to run.
 */
class HostileElfTest {

  private static final TargetTriple X86_64_MUSL =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();

  /**
   * The acceptance limit for a verdict on any file, on the thread's CPU time (wall time on a shared
   * machine counts other processes too); these take tens of ms.
   */
  private static final Duration VERDICT_LIMIT = Duration.ofSeconds(1);

  @TempDir Path dir;

  @Test
  void e1SectionCountFromSectionZeroThatWrapsAroundIsAFailingVerdict() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = elf.getLong(40);
    elf.putShort(60, (short) 0); // e_shnum 0: the count is section 0's sh_size
    elf.putLong((int) shoff + 32, (1L << 58) + 1); // × 64 wraps around to 64
    Path file = Files.write(dir.resolve("e1"), bytes);

    VerifiedBinary result = BinaryVerifier.verify(file, X86_64_MUSL, FileDigests.inMemory());

    assertThat(result.passed()).isFalse();
    assertThat(result.reasons())
        .containsExactly("e1 is corrupt: it claims 288230376151711745 section headers.");
  }

  @Test
  void e2SixtyFiveThousandNotesOverOneRegionAreRefusedAsLinuxDoes() throws Exception {
    long region = 1L << 20;
    Path file =
        RawElf.write(
            dir.resolve("e2-flood"),
            region,
            Collections.nCopies(65_535, new RawElf.Segment(RawElf.PT_NOTE, 0, region)));

    assertThat(verdictWithinLimit(file).reasons())
        .containsExactly(
            "e2-flood is corrupt: it has 65535 program headers (3669960 bytes), more than the 64"
                + " KiB Linux loads.");
  }

  @Test
  void e2AThousandNotesOverOneRegionStopAtTheFileBudget() throws Exception {
    long at = 64L << 10; // after the headers; zeros there read as empty notes
    long region = 1L << 20;
    List<RawElf.Segment> segments = new ArrayList<>();
    segments.add(new RawElf.Segment(RawElf.PT_LOAD, 0, at + region));
    segments.addAll(Collections.nCopies(1_000, new RawElf.Segment(RawElf.PT_NOTE, at, region)));
    Path file = RawElf.write(dir.resolve("e2-notes"), at + region, segments);

    assertThat(verdictWithinLimit(file).reasons())
        .singleElement()
        .asString()
        .startsWith("e2-notes is corrupt: its headers point at more than 4 MiB of tables in all");
  }

  @Test
  void e2AnEightGibSparseFileWithHugeNotesIsReadWithinTheLimit() throws Exception {
    long eightGib = 8L << 30;
    List<RawElf.Segment> notes = new ArrayList<>();
    notes.add(new RawElf.Segment(RawElf.PT_LOAD, 0, 4096));
    for (int i = 0; i < 199; i++) {
      notes.add(new RawElf.Segment(RawElf.PT_NOTE, (i + 1L) * (40L << 20), 64L << 20));
    }
    Path file = RawElf.write(dir.resolve("e2-sparse"), eightGib, notes);

    long started = cpuNanos();
    assertThatThrownBy(() -> ElfReader.read(file))
        .hasMessage(
            "e2-sparse is corrupt: its note segment (PT_NOTE) claims 67108864 bytes, more than the"
                + " 1 MiB any real table takes.");
    assertThat(Duration.ofNanos(cpuNanos() - started)).isLessThan(VERDICT_LIMIT);
    // The verifier does not hash 8 GiB either: it says what is wrong at once.
    VerifiedBinary result = verdictWithinLimit(file);
    assertThat(result.sha256()).isNull();
    assertThat(result.size()).isEqualTo(eightGib);
    assertThat(result.reasons())
        .containsExactly(
            "e2-sparse is 8192.0 MiB, more than the 256 MiB a sensor binary may take; verify a"
                + " release build (strip = true in [profile.release] of Cargo.toml).");
  }

  @Test
  void e2AnEightGibSparseFileWithAHugeDynamicSegmentIsReadWithinTheLimit() throws Exception {
    Path file =
        RawElf.write(
            dir.resolve("e2-dynamic"),
            8L << 30,
            List.of(
                new RawElf.Segment(RawElf.PT_LOAD, 0, 4096),
                new RawElf.Segment(RawElf.PT_DYNAMIC, 1L << 30, 64L << 20)));

    long started = cpuNanos();
    assertThatThrownBy(() -> ElfReader.read(file))
        .hasMessageStartingWith("e2-dynamic is corrupt: its dynamic segment (PT_DYNAMIC) claims");
    assertThat(Duration.ofNanos(cpuNanos() - started)).isLessThan(VERDICT_LIMIT);
  }

  @Test
  void e3ADynamicGccBinaryWithWideProgramHeaderEntriesFailsAsLinuxRefusesIt() throws Exception {
    TestEnvironment.requireTool("gcc");
    Path source = Files.writeString(dir.resolve("hello.c"), "int main(void) { return 0; }\n");
    Path dynamic = dir.resolve("hello");
    assertThat(run("gcc", "-no-pie", "-o", dynamic.toString(), source.toString()).succeeded())
        .isTrue();
    Path wide = Files.write(dir.resolve("hello-wide"), withProgramHeaderEntriesOf(0x80, dynamic));
    wide.toFile().setExecutable(true);

    // The premise: Linux refuses to run it (ENOEXEC), so the gate must not pass it. bash reports
    // the kernel's error; Java and execvp would hand the file to /bin/sh as a script instead.
    TestEnvironment.requireTool("bash");
    assertThat(run("bash", "-c", dynamic.toString()).succeeded()).isTrue();
    ProcessRunner.Result refused = run("bash", "-c", wide.toString());
    assertThat(refused.exitCode()).isEqualTo(126);
    assertThat(refused.tailText()).contains("Exec format error");
    assertThat(
            BinaryVerifier.verify(dynamic, X86_64_MUSL, FileDigests.inMemory()).elf().interpreter())
        .isNotNull();

    VerifiedBinary result = BinaryVerifier.verify(wide, X86_64_MUSL, FileDigests.inMemory());
    assertThat(result.passed()).isFalse();
    assertThat(result.reasons())
        .containsExactly(
            "hello-wide is corrupt: its program header entries are 128 bytes long, but ELF64"
                + " entries are 56; Linux refuses to load it.");
  }

  @Test
  void tablesThatTakeExactlyTheFileBudgetAreReadAndOneByteMoreIsNot() throws Exception {
    long at = 64L << 10;
    long mib = 1L << 20;
    // The ELF header (64 bytes) and five program headers (280) count too: 344 + 4 notes = 4 MiB.
    long last = mib - 344;
    Path exact = RawElf.write(dir.resolve("exact"), at + mib, budgetNotes(at, mib, last));
    Path over = RawElf.write(dir.resolve("over"), at + mib, budgetNotes(at, mib, last + 1));

    assertThat(ElfReader.read(exact).loadable()).isTrue();
    assertThatThrownBy(() -> ElfReader.read(over))
        .hasMessageStartingWith("over is corrupt: its headers point at more than 4 MiB");
  }

  private static List<RawElf.Segment> budgetNotes(long at, long mib, long last) {
    return List.of(
        new RawElf.Segment(RawElf.PT_LOAD, 0, at + mib),
        new RawElf.Segment(RawElf.PT_NOTE, at, mib),
        new RawElf.Segment(RawElf.PT_NOTE, at, mib),
        new RawElf.Segment(RawElf.PT_NOTE, at, mib),
        new RawElf.Segment(RawElf.PT_NOTE, at, last));
  }

  @Test
  void exactlySixtyFourKibOfProgramHeadersAreReadAndOneEntryMoreIsNot() throws Exception {
    // 2,048 ELF32 entries of 32 bytes make exactly 64 KiB; ELF64's 56 never do.
    assertThat(ElfReader.read(elf32WithProgramHeaders(2048, "fits")).loadable()).isTrue();
    assertThatThrownBy(() -> ElfReader.read(elf32WithProgramHeaders(2049, "too-many")))
        .hasMessage(
            "too-many is corrupt: it has 2049 program headers (65568 bytes), more than the 64 KiB"
                + " Linux loads.");
  }

  /** An ELF32 executable whose program header table holds its PT_LOAD, then PT_NULL entries. */
  private Path elf32WithProgramHeaders(int count, String name) throws IOException {
    byte[] original =
        ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN).withoutSectionHeaders().build();
    int tableAt = (original.length + 7) & -8;
    ByteBuffer out = ByteBuffer.allocate(tableAt + count * 32).order(ByteOrder.LITTLE_ENDIAN);
    out.put(original);
    out.put(tableAt, original, 52, 32); // the builder's first entry, its PT_LOAD
    out.putInt(28, tableAt);
    out.putShort(44, (short) count);
    return Files.write(dir.resolve(name), out.array());
  }

  @Test
  void aSectionCountWithItsHighBitSetIsCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    elf.putShort(60, (short) 0);
    elf.putLong((int) elf.getLong(40) + 32, -1);

    assertThatThrownBy(() -> ElfReader.read(Files.write(dir.resolve("neg"), bytes)))
        .hasMessage("neg is corrupt: it claims 18446744073709551615 section headers.");
  }

  /**
   * The program headers of {@code binary} copied to the end of the file with entries of {@code
   * entrySize} bytes (each padded with zeros), and the ELF header pointed at them.
   */
  private static byte[] withProgramHeaderEntriesOf(int entrySize, Path binary) throws IOException {
    byte[] original = Files.readAllBytes(binary);
    ByteBuffer in = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
    int phoff = (int) in.getLong(32);
    int phentsize = in.getShort(54);
    int phnum = in.getShort(56);
    int tableAt = (original.length + 7) & -8;
    ByteBuffer out =
        ByteBuffer.allocate(tableAt + phnum * entrySize).order(ByteOrder.LITTLE_ENDIAN);
    out.put(original);
    for (int i = 0; i < phnum; i++) {
      out.put(tableAt + i * entrySize, original, phoff + i * phentsize, phentsize);
    }
    out.putLong(32, tableAt);
    out.putShort(54, (short) entrySize);
    return out.array();
  }

  private static VerifiedBinary verdictWithinLimit(Path file) throws Exception {
    long started = cpuNanos();
    VerifiedBinary result = BinaryVerifier.verify(file, X86_64_MUSL, FileDigests.inMemory());
    assertThat(Duration.ofNanos(cpuNanos() - started)).isLessThan(VERDICT_LIMIT);
    assertThat(result.passed()).isFalse();
    return result;
  }

  private static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static ProcessRunner.Result run(String... command) throws Exception {
    return new ProcessRunner(line -> {}).withTimeout(Duration.ofMinutes(1)).run(List.of(command));
  }
}
