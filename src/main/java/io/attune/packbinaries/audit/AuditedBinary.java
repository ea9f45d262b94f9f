package io.attune.packbinaries.audit;

import io.attune.packbinaries.elf.ElfFacts;
import java.util.List;

/**
 * One file under {@code /pack-binaries/} of one platform's image, and the ELF gate's verdict on it.
 *
 * @param path its path in the image, e.g. {@code
 *     /pack-binaries/core/sensors/attune-core-timer-sensor}
 * @param layer the digest of the layer that put it there
 * @param labelSha256 the image label's digest for its name, or null when the image has none
 * @param target the triple the platform's binaries were checked against, or null when none fits
 * @param elf what its headers say; {@link ElfFacts#NONE} when it could not be read as ELF
 * @param verdict {@code pass} or {@code fail}
 */
public record AuditedBinary(
    String path,
    String layer,
    long size,
    String sha256,
    String labelSha256,
    String target,
    ElfFacts elf,
    String verdict,
    List<String> reasons,
    List<String> warnings) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";

  public AuditedBinary {
    elf = elf == null ? ElfFacts.NONE : elf;
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public boolean passed() {
    return PASS.equals(verdict);
  }

  /**
   * The same content found at another path (a hard link); reasons that named the target name the
   * link, and the target it took its content from.
   */
  AuditedBinary at(String otherPath) {
    java.util.function.UnaryOperator<String> renamed =
        text ->
            text.startsWith(path)
                ? otherPath + " (a hard link to " + path + ")" + text.substring(path.length())
                : text;
    return new AuditedBinary(
        otherPath,
        layer,
        size,
        sha256,
        labelSha256,
        target,
        elf,
        verdict,
        reasons.stream().map(renamed).toList(),
        warnings.stream().map(renamed).toList());
  }

  /** A file the gate could not look at, failing for {@code reason}. */
  static AuditedBinary unreadable(String path, String layer, long size, String reason) {
    return new AuditedBinary(
        path, layer, size, null, null, null, ElfFacts.NONE, FAIL, List.of(reason), List.of());
  }
}
