package io.attune.packbinaries.audit;

import java.util.List;
import java.util.Map;

/**
 * One platform of the audited image.
 *
 * @param platform as the index names it (or the image's config, for a single-platform image)
 * @param manifest the digest of its image manifest
 * @param target the triple its binaries were checked against, or null when none fits
 * @param binaries every ELF file under /pack-binaries/, with its verdict
 * @param skipped files under /pack-binaries/ the gate did not check, and why (not ELF, symlink)
 * @param reasons what is wrong with the platform's image as a whole
 */
public record AuditedPlatform(
    String platform,
    String manifest,
    String target,
    List<AuditedBinary> binaries,
    Map<String, String> skipped,
    List<String> reasons) {

  public AuditedPlatform {
    binaries = List.copyOf(binaries);
    skipped = Map.copyOf(skipped);
    reasons = List.copyOf(reasons);
  }

  public boolean passed() {
    return reasons.isEmpty() && binaries.stream().allMatch(AuditedBinary::passed);
  }
}
