package io.attune.packbinaries.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.elf.ElfFacts;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code audit-report.json}: what the audit of a published image found on every platform.
 *
 * @param reference the image as given
 * @param digest the digest of what the reference resolved to (index or manifest)
 * @param verdict {@code pass} or {@code fail}
 */
public record AuditReport(
    String reference, String digest, String verdict, List<AuditedPlatform> platforms) {

  public static final String FILE_NAME = "audit-report.json";

  public AuditReport {
    platforms = List.copyOf(platforms);
  }

  static AuditReport of(String reference, String digest, List<AuditedPlatform> platforms) {
    boolean passed = platforms.stream().allMatch(AuditedPlatform::passed);
    return new AuditReport(
        reference, digest, passed ? AuditedBinary.PASS : AuditedBinary.FAIL, platforms);
  }

  public boolean passed() {
    return AuditedBinary.PASS.equals(verdict);
  }

  /** Every reason against the image, each naming its platform and, where there is one, file. */
  public List<String> failures() {
    List<String> failures = new ArrayList<>();
    for (AuditedPlatform platform : platforms) {
      platform.reasons().forEach(r -> failures.add(platform.platform() + ": " + r));
      for (AuditedBinary binary : platform.binaries()) {
        binary.reasons().forEach(r -> failures.add(platform.platform() + ": " + r));
      }
    }
    return failures;
  }

  /** Writes it atomically: a reader sees the previous report or this one, never a part. */
  public void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("reference", reference);
    root.put("digest", digest);
    root.put("verdict", verdict);
    ArrayNode entries = root.putArray("platforms");
    for (AuditedPlatform platform : platforms) {
      ObjectNode entry = entries.addObject();
      entry.put("platform", platform.platform());
      entry.put("manifest", platform.manifest());
      entry.put("target", platform.target());
      ArrayNode binaries = entry.putArray("binaries");
      platform.binaries().forEach(binary -> put(binaries.addObject(), binary));
      // Sorted, so that the same audit writes the same file.
      JsonFiles.putTexts(entry, "skipped", new TreeMap<>(platform.skipped()));
      JsonFiles.putTexts(entry, "reasons", platform.reasons());
    }
    JsonFiles.write(file, root);
  }

  private static void put(ObjectNode entry, AuditedBinary binary) {
    entry.put("path", binary.path());
    entry.put("layer", binary.layer());
    entry.put("size", binary.size());
    entry.put("sha256", binary.sha256());
    entry.put("labelSha256", binary.labelSha256());
    entry.put("target", binary.target());
    binary.elf().putInto(entry);
    entry.put("verdict", binary.verdict());
    JsonFiles.putTexts(entry, "reasons", binary.reasons());
    JsonFiles.putTexts(entry, "warnings", binary.warnings());
  }

  /**
   * The report in {@code file}.
   *
   * @throws IOException when it is unreadable or not an audit report
   */
  public static AuditReport read(Path file) throws IOException {
    JsonFields root =
        JsonFields.of(JsonFiles.read(file)).only("reference", "digest", "verdict", "platforms");
    List<AuditedPlatform> platforms = new ArrayList<>();
    for (JsonFields entry : root.required("platforms", root.objects("platforms"))) {
      entry.only("platform", "manifest", "target", "binaries", "skipped", "reasons");
      List<AuditedBinary> binaries = new ArrayList<>();
      for (JsonFields binary : entry.required("binaries", entry.objects("binaries"))) {
        binaries.add(binary(binary));
      }
      platforms.add(
          new AuditedPlatform(
              entry.text("platform"),
              entry.text("manifest"),
              entry.text("target"),
              binaries,
              entry.required("skipped", entry.textMap("skipped")),
              entry.required("reasons", entry.texts("reasons"))));
    }
    return new AuditReport(
        root.text("reference"), root.text("digest"), root.text("verdict"), platforms);
  }

  private static AuditedBinary binary(JsonFields entry) throws IOException {
    entry.only(
        "path",
        "layer",
        "size",
        "sha256",
        "labelSha256",
        "target",
        "machine",
        "elfType",
        "staticPie",
        "interpreter",
        "needed",
        "stripped",
        "buildId",
        "verdict",
        "reasons",
        "warnings");
    return new AuditedBinary(
        entry.text("path"),
        entry.text("layer"),
        entry.number("size"),
        entry.text("sha256"),
        entry.text("labelSha256"),
        entry.text("target"),
        ElfFacts.readFrom(entry),
        entry.text("verdict"),
        entry.texts("reasons"),
        entry.texts("warnings"));
  }
}
