package io.attune.packbinaries.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code verify-report.json}: the verdict on a binary for a target and the ELF facts
 * behind it. Make one with {@link #of} or {@link #failed}.
 *
 * @param path absolute path of the binary
 * @param target the triple it was checked against
 * @param sha256 the content's digest, or null when the file was too large to read
 * @param verdict {@code pass} or {@code fail}
 * @param elf what its headers say; {@link ElfFacts#NONE} when it is not readable ELF
 * @param pack the pack the build listed it under, or null (a build without packs, or one file)
 */
public record VerifiedBinary(
    String path,
    String target,
    String sha256,
    long size,
    String verdict,
    List<String> reasons,
    List<String> warnings,
    ElfFacts elf,
    String pack) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";

  public VerifiedBinary {
    // A report may leave out empty lists.
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    elf = elf == null ? ElfFacts.NONE : elf;
  }

  /** This entry, of {@code pack}. */
  public VerifiedBinary inPack(String pack) {
    return new VerifiedBinary(path, target, sha256, size, verdict, reasons, warnings, elf, pack);
  }

  /**
   * The entry for a file whose ELF facts were read ({@code elf}), or could not be (null), with the
   * static check's verdict.
   */
  public static VerifiedBinary of(
      String path, String target, String sha256, long size, Verdict verdict, ElfFile elf) {
    return new VerifiedBinary(
        path,
        target,
        sha256,
        size,
        verdict.passed() ? PASS : FAIL,
        verdict.reasons(),
        verdict.warnings(),
        ElfFacts.of(elf),
        null);
  }

  /** The entry for a file that fails before any ELF fact is known, for {@code reason}. */
  public static VerifiedBinary failed(
      String path, String target, String sha256, long size, String reason) {
    return of(path, target, sha256, size, Verdict.failing(reason), null);
  }

  public boolean passed() {
    return PASS.equals(verdict);
  }

  /** This entry with one more reason against it, so it fails. */
  public VerifiedBinary failedBecause(String reason) {
    List<String> more = new ArrayList<>(reasons);
    more.add(reason);
    return new VerifiedBinary(path, target, sha256, size, FAIL, more, warnings, elf, pack);
  }
}
