package io.attune.packbinaries.elf;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads one file and gives its report entry: digest, size, ELF facts and the verdict. */
public final class BinaryVerifier {

  /**
   * Larger files fail unread. Hashing streams at a few hundred MB/s, so this keeps a verdict well
   * under a second; a stripped release sensor takes a few MB, a debug build rarely 100.
   */
  static final long MAX_SIZE = 256L << 20;

  private BinaryVerifier() {}

  /**
   * @throws PackFailure when the file does not exist or is not a regular file
   */
  public static VerifiedBinary verify(Path file, TargetTriple target, FileDigests digests)
      throws IOException, PackFailure {
    return verify(file, target, MAX_SIZE, digests);
  }

  /** As {@link #verify(Path, TargetTriple)} with another size limit, so tests need no 256 MiB. */
  static VerifiedBinary verify(Path file, TargetTriple target, long maxSize, FileDigests digests)
      throws IOException, PackFailure {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.exists(absolute)) {
      throw new PackFailure(
          "The binary to verify, "
              + absolute
              + ", does not exist; check "
              + PropertyNames.BINARY
              + " or run the build goal first.");
    }
    if (!Files.isRegularFile(absolute)) {
      throw new PackFailure(
          "The binary to verify, "
              + absolute
              + ", is not a regular file; point "
              + PropertyNames.BINARY
              + " at the binary itself.");
    }
    String path = absolute.toString();
    String name = absolute.getFileName().toString();
    long size = Files.size(absolute);
    if (size > maxSize) {
      return VerifiedBinary.failed(path, target.name(), null, size, tooLarge(name, size, maxSize));
    }
    String sha256 = digests.sha256(absolute);
    ElfFile elf;
    try {
      elf = ElfReader.read(absolute);
    } catch (ElfFormatException e) {
      return VerifiedBinary.failed(path, target.name(), sha256, size, e.getMessage());
    }
    Verdict verdict = StaticCheck.check(name, elf, target);
    return VerifiedBinary.of(path, target.name(), sha256, size, verdict, elf);
  }

  private static String tooLarge(String name, long size, long maxSize) {
    return String.format(
        Locale.ROOT,
        "%s is %.1f MiB, more than the %d MiB a sensor binary may take; verify a release build"
            + " (strip = true in [profile.release] of Cargo.toml).",
        name,
        size / (double) (1L << 20),
        MAX_SIZE >> 20);
  }
}
