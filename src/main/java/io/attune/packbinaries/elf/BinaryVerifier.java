package io.attune.packbinaries.elf;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads one file and gives its report entry: digest, size, ELF facts and the verdict. */
public final class BinaryVerifier {

  private BinaryVerifier() {}

  /**
   * @throws PackFailure when the file does not exist or is not a regular file
   */
  public static VerifiedBinary verify(Path file, TargetTriple target)
      throws IOException, PackFailure {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.exists(absolute)) {
      throw new PackFailure(
          "The binary to verify, "
              + absolute
              + ", does not exist; check pack.binary or run the"
              + " build goal first.");
    }
    if (!Files.isRegularFile(absolute)) {
      throw new PackFailure(
          "The binary to verify, "
              + absolute
              + ", is not a regular file; point pack.binary at"
              + " the binary itself.");
    }
    String name = absolute.getFileName().toString();
    String sha256 = Sha256.of(absolute);
    long size = Files.size(absolute);
    ElfFile elf;
    try {
      elf = ElfReader.read(absolute);
    } catch (ElfFormatException e) {
      return new VerifiedBinary(
          absolute.toString(),
          target.name(),
          sha256,
          size,
          VerifiedBinary.FAIL,
          List.of(e.getMessage()),
          List.of(),
          null,
          null,
          false,
          null,
          List.of(),
          false,
          null);
    }
    Verdict verdict = StaticCheck.check(name, elf, target);
    return new VerifiedBinary(
        absolute.toString(),
        target.name(),
        sha256,
        size,
        verdict.passed() ? VerifiedBinary.PASS : VerifiedBinary.FAIL,
        verdict.reasons(),
        verdict.warnings(),
        elf.type().name(),
        ElfMachine.describe(elf.machine()),
        elf.staticPie(),
        elf.interpreter(),
        elf.needed(),
        elf.stripped(),
        elf.buildId());
  }
}
