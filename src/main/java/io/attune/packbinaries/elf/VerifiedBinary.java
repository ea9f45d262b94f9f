package io.attune.packbinaries.elf;

import io.attune.packbinaries.platform.ElfMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code verify-report.json}: the verdict on a binary for a target and the ELF facts
 * behind it. ELF fields are null (or false, or empty) when the file is not readable ELF. Make one
 * with {@link #of} or {@link #failed}; the canonical constructor is the JSON shape.
 *
 * @param path absolute path of the binary
 * @param target the triple it was checked against
 * @param sha256 the content's digest, or null when the file was too large to read
 * @param verdict {@code pass} or {@code fail}
 * @param elfType EXEC, DYN, REL, CORE, NONE or OTHER
 * @param machine the architecture's name, e.g. {@code aarch64}
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
    String elfType,
    String machine,
    boolean staticPie,
    String interpreter,
    List<String> needed,
    boolean stripped,
    String buildId,
    String pack) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";

  public VerifiedBinary {
    // A report may leave out empty lists.
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    needed = needed == null ? List.of() : List.copyOf(needed);
  }

  /** An entry of no pack. */
  public VerifiedBinary(
      String path,
      String target,
      String sha256,
      long size,
      String verdict,
      List<String> reasons,
      List<String> warnings,
      String elfType,
      String machine,
      boolean staticPie,
      String interpreter,
      List<String> needed,
      boolean stripped,
      String buildId) {
    this(
        path,
        target,
        sha256,
        size,
        verdict,
        reasons,
        warnings,
        elfType,
        machine,
        staticPie,
        interpreter,
        needed,
        stripped,
        buildId,
        null);
  }

  /** This entry, of {@code pack}. */
  public VerifiedBinary inPack(String pack) {
    return new VerifiedBinary(
        path,
        target,
        sha256,
        size,
        verdict,
        reasons,
        warnings,
        elfType,
        machine,
        staticPie,
        interpreter,
        needed,
        stripped,
        buildId,
        pack);
  }

  /**
   * The entry for a file whose ELF facts were read ({@code elf}), or could not be (null), with the
   * static check's verdict.
   */
  public static VerifiedBinary of(
      String path, String target, String sha256, long size, Verdict verdict, ElfFile elf) {
    String outcome = verdict.passed() ? PASS : FAIL;
    if (elf == null) {
      return new VerifiedBinary(
          path,
          target,
          sha256,
          size,
          outcome,
          verdict.reasons(),
          verdict.warnings(),
          null,
          null,
          false,
          null,
          List.of(),
          false,
          null);
    }
    return new VerifiedBinary(
        path,
        target,
        sha256,
        size,
        outcome,
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
    return new VerifiedBinary(
        path,
        target,
        sha256,
        size,
        FAIL,
        more,
        warnings,
        elfType,
        machine,
        staticPie,
        interpreter,
        needed,
        stripped,
        buildId,
        pack);
  }
}
