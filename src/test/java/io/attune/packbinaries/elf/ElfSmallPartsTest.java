package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.platform.ElfMachine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small parts of the gate: non-ELF kinds, argument splitting, report lookups, smoke results.
 */
class ElfSmallPartsTest {

  @TempDir Path dir;

  @Test
  void namesEveryKindOfNonElfFileByItsFirstBytes() throws Exception {
    for (int magic : new int[] {0xfeedfacf, 0xcffaedfe, 0xfeedface, 0xcefaedfe, 0xcafebabe}) {
      assertThat(message(ByteBuffer.allocate(8).putInt(magic).array()))
          .as("%x", magic)
          .contains("is a Mach-O file (macOS)");
    }
    assertThat(message("MZ\u0090\u0000".getBytes("ISO-8859-1")))
        .isEqualTo("f is a Windows executable, not a Linux ELF binary.");
    assertThat(message(new byte[] {0x1f, (byte) 0x8b, 8, 0}))
        .isEqualTo("f is a gzip archive, not an executable; unpack it first.");
    assertThat(message(new byte[] {0x1f, 0x0b, 8, 0})).startsWith("f is not an ELF file");
    assertThat(message(new byte[] {0x0f, (byte) 0x8b, 8, 0})).startsWith("f is not an ELF file");
    assertThat(message("PK\u0003\u0004".getBytes("ISO-8859-1")))
        .isEqualTo("f is a zip archive, not an executable; unpack it first.");
    assertThat(message(new byte[] {(byte) 0xfe}))
        .isEqualTo(
            "f is not an ELF file (it starts with bytes fe; an ELF file starts with 7f 45 4c 46).");
    assertThat(message(new byte[] {(byte) 0xfe, (byte) 0xed, (byte) 0xfa}))
        .startsWith("f is not an ELF file (it starts with bytes fe ed fa;");
    assertThat(message("#!/bin/sh".getBytes("ISO-8859-1")))
        .isEqualTo(
            "f is a script (#!/bin/sh), not a compiled binary; verify the binary that cargo"
                + " built.");
    // Files exactly as long as the magic they are named by, and one byte shorter.
    assertThat(message(new byte[] {(byte) 0xcf, (byte) 0xfa, (byte) 0xed, (byte) 0xfe}))
        .contains("is a Mach-O file (macOS)");
    assertThat(message(new byte[] {0x1f, (byte) 0x8b}))
        .isEqualTo("f is a gzip archive, not an executable; unpack it first.");
    assertThat(message(new byte[] {0x1f}))
        .isEqualTo(
            "f is not an ELF file (it starts with bytes 1f; an ELF file starts with 7f 45 4c 46).");
    byte[] long70 = ("#!" + "x".repeat(68)).getBytes("ISO-8859-1");
    assertThat(message(long70)).contains("(#!" + "x".repeat(62) + ")");
  }

  @Test
  void splitsNothingToNoArgumentsAndKeepsATrailingBackslash() {
    assertThat(Arguments.split(null)).isEmpty();
    assertThat(Arguments.split("a\\")).containsExactly("a\\");
    assertThat(Arguments.split("a\\b")).containsExactly("ab");
  }

  @Test
  void findsReportEntriesByPathAndDigest() throws Exception {
    Path report = dir.resolve("verify-report.json");
    assertThat(VerifyReport.read(report).binaries()).isEmpty();
    VerifiedBinary passed =
        VerifiedBinary.of(dir.resolve("a").toString(), "t", "aa", 1, Verdict.passing(), null);
    VerifiedBinary failed = VerifiedBinary.failed(dir.resolve("b").toString(), "t", "bb", 1, "no");
    new VerifyReport(List.of(passed, failed)).write(report);

    VerifyReport read = VerifyReport.read(report);
    assertThat(read.entryFor(dir.resolve("x/../b"))).contains(failed);
    assertThat(read.entryFor(dir.resolve("c"))).isEmpty();
    assertThat(read.passedWithDigest("aa")).contains(passed);
    assertThat(read.passedWithDigest("bb")).isEmpty();
    assertThat(read.passedWithDigest("cc")).isEmpty();
    assertThat(read.passed()).isFalse();
  }

  @Test
  void describesHowASmokeRunEnded() {
    SmokeRun.Result ok = new SmokeRun.Result("s --once", "natively", 0, false, List.of());
    SmokeRun.Result crashed = new SmokeRun.Result("s", "natively", 3, false, List.of("boom"));
    SmokeRun.Result hung = new SmokeRun.Result("s", "through qemu", 0, true, List.of());

    assertThat(ok.succeeded()).isTrue();
    assertThat(crashed.succeeded()).isFalse();
    assertThat(hung.succeeded()).isFalse();
    assertThat(crashed.failureReason("s"))
        .isEqualTo(
            "s failed its smoke run: `s` exited with code 3 (natively); its first lines:\n  boom");
    assertThat(hung.failureReason("s"))
        .isEqualTo(
            "s failed its smoke run: `s` did not finish within the time limit (through qemu), with"
                + " no output.");
  }

  @Test
  void knowsTheHostMachineFromEveryOsArchSpelling() {
    assertThat(SmokeRun.hostMachine("amd64")).contains(ElfMachine.X86_64);
    assertThat(SmokeRun.hostMachine("x86_64")).contains(ElfMachine.X86_64);
    assertThat(SmokeRun.hostMachine("arm64")).contains(ElfMachine.AARCH64);
    assertThat(SmokeRun.hostMachine("arm")).contains(ElfMachine.ARM);
    assertThat(SmokeRun.hostMachine("riscv64")).contains(ElfMachine.RISCV64);
    assertThat(SmokeRun.hostMachine("s390x")).contains(ElfMachine.S390X);
    assertThat(SmokeRun.hostMachine("ppc64le")).contains(ElfMachine.PPC64LE);
    assertThat(SmokeRun.hostMachine("x86")).contains(ElfMachine.I386);
    assertThat(SmokeRun.hostMachine("sparc")).isEqualTo(Optional.empty());
  }

  @Test
  void elfTypesKeepTheirCodesAndUnknownOnesAreOther() {
    assertThat(ElfType.of(2)).isEqualTo(ElfType.EXEC);
    assertThat(ElfType.EXEC.code()).isEqualTo(2);
    assertThat(ElfType.of(0xfe00)).isEqualTo(ElfType.OTHER);
    assertThat(Verdict.passing().passed()).isTrue();
  }

  @Test
  void onlyAPnXnumProgramCountIsTakenFromSectionZero() throws Exception {
    // PN_XNUM alone: section 0's sh_size (0) must not replace the real section count.
    byte[] bytes = ElfBuilder.x86_64().interpreter("/lib/ld.so").withSymbolTable().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int shoff = (int) elf.getLong(40);
    elf.putShort(56, (short) 0xffff);
    elf.putInt(shoff + 44, 2);
    ElfFile read = ElfReader.read(Files.write(dir.resolve("p"), bytes));
    assertThat(read.interpreter()).isEqualTo("/lib/ld.so");
    assertThat(read.stripped()).isFalse();

    // e_shnum 0 alone: section 0's sh_info (0) must not replace the real program header count.
    byte[] other = ElfBuilder.x86_64().interpreter("/lib/ld.so").withSymbolTable().build();
    ByteBuffer elf2 = ByteBuffer.wrap(other).order(ByteOrder.LITTLE_ENDIAN);
    elf2.putShort(60, (short) 0);
    elf2.putLong((int) elf2.getLong(40) + 32, 3);
    assertThat(ElfReader.read(Files.write(dir.resolve("s"), other)).interpreter())
        .isEqualTo("/lib/ld.so");
  }

  private String message(byte[] content) throws Exception {
    Path file = Files.write(dir.resolve("f"), content);
    try {
      ElfReader.read(file);
    } catch (ElfFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError("read as ELF");
  }

  @Test
  void anUnreadableTextIsNotElf() {
    assertThatThrownBy(() -> ElfReader.read(dir.resolve("missing")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
