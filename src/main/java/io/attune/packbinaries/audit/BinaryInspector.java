package io.attune.packbinaries.audit;

import io.attune.packbinaries.elf.ElfFacts;
import io.attune.packbinaries.elf.ElfFile;
import io.attune.packbinaries.elf.ElfFormatException;
import io.attune.packbinaries.elf.ElfReader;
import io.attune.packbinaries.elf.StaticCheck;
import io.attune.packbinaries.elf.Verdict;
import io.attune.packbinaries.oci.BinaryLabels;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The verify goal's ELF gate on a binary copied out of one platform's image: static, executable, of
 * the platform's machine, class and byte order, and with the digest the image's label records.
 */
final class BinaryInspector {

  private final Platform platform;
  private final TargetTriple target;
  private final Map<String, String> labels;

  /**
   * @param target the triple whose machine the platform's binaries must have, or null when the
   *     plugin knows no triple for the platform
   * @param labels the image config's labels
   */
  BinaryInspector(Platform platform, TargetTriple target, Map<String, String> labels) {
    this.platform = platform;
    this.target = target;
    this.labels = labels;
  }

  AuditedBinary inspect(String path, Path copy, String sha256, long size, String layer)
      throws IOException {
    return inspect(path, () -> ElfReader.read(copy), sha256, size, layer);
  }

  /**
   * @param name what the ELF reader's messages call the file
   * @param content the file's bytes (or those the ELF reader reads), by position
   */
  AuditedBinary inspect(
      String path, String name, SeekableByteChannel content, String sha256, long size, String layer)
      throws IOException {
    return inspect(path, () -> ElfReader.read(name, content), sha256, size, layer);
  }

  private interface Reading {
    ElfFile read() throws IOException, ElfFormatException;
  }

  private AuditedBinary inspect(
      String path, Reading reading, String sha256, long size, String layer) throws IOException {
    String labelKey = BinaryLabels.keyFor(labels, path).orElse(null);
    String label = labelKey == null ? null : labels.get(labelKey);
    ElfFile elf;
    try {
      elf = reading.read();
    } catch (ElfFormatException e) {
      return failed(path, layer, size, sha256, label, path + ": " + e.getMessage());
    }
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (target == null) {
      reasons.add(
          path
              + " is in the image for "
              + platform
              + ", a platform with no target triple in the plugin's table ("
              + TargetTriple.knownNames()
              + "), so its machine cannot be checked.");
    } else {
      Verdict verdict = StaticCheck.check(path, elf, target);
      reasons.addAll(verdict.reasons());
      warnings.addAll(verdict.warnings());
    }
    if (label != null && !label.equals(sha256)) {
      reasons.add(
          path
              + " has sha256 "
              + sha256
              + ", but the image's label "
              + labelKey
              + " says "
              + label
              + ": the file was changed after the image was built. Build and push the image"
              + " again.");
    }
    return new AuditedBinary(
        path,
        layer,
        size,
        sha256,
        label,
        target == null ? null : target.name(),
        ElfFacts.of(elf),
        reasons.isEmpty() ? AuditedBinary.PASS : AuditedBinary.FAIL,
        reasons,
        warnings);
  }

  private AuditedBinary failed(
      String path, String layer, long size, String sha256, String label, String reason) {
    return new AuditedBinary(
        path,
        layer,
        size,
        sha256,
        label,
        target == null ? null : target.name(),
        ElfFacts.NONE,
        AuditedBinary.FAIL,
        List.of(reason),
        List.of());
  }

  static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
