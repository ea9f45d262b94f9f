package io.attune.packbinaries.elf;

import java.util.List;

/**
 * The static check's answer for one binary: it passes when there is no reason against it. Reasons
 * and warnings are full sentences that name the binary and say what to do.
 */
public record Verdict(List<String> reasons, List<String> warnings) {

  public Verdict {
    reasons = List.copyOf(reasons);
    warnings = List.copyOf(warnings);
  }

  public static Verdict passing() {
    return new Verdict(List.of(), List.of());
  }

  public static Verdict failing(String reason) {
    return new Verdict(List.of(reason), List.of());
  }

  public boolean passed() {
    return reasons.isEmpty();
  }
}
