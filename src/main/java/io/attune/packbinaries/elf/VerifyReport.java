package io.attune.packbinaries.elf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.artifacts.PackName;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.io.PlainPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code verify-report.json}: the verdict on every binary of the last verify run. The image goal
 * packs only binaries listed here as passed with the same digest.
 */
public record VerifyReport(List<VerifiedBinary> binaries) {

  public VerifyReport {
    binaries = List.copyOf(binaries);
  }

  public boolean passed() {
    return binaries.stream().allMatch(VerifiedBinary::passed);
  }

  /** The passing entry for content with this digest, if the report has one. */
  public Optional<VerifiedBinary> passedWithDigest(String sha256) {
    return binaries.stream().filter(b -> b.passed() && sha256.equals(b.sha256())).findFirst();
  }

  /** The entry for the binary at {@code file}, however either path is spelled. */
  public Optional<VerifiedBinary> entryFor(Path file) {
    Path wanted = file.toAbsolutePath().normalize();
    return binaries.stream()
        .filter(
            b -> b.path() != null && Path.of(b.path()).toAbsolutePath().normalize().equals(wanted))
        .findFirst();
  }

  /**
   * The report in {@code file}, or an empty one when verify has not run. Fields it does not know
   * are left alone: a report may be written by hand or by a newer verify goal.
   */
  public static VerifyReport read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new VerifyReport(List.of());
    }
    JsonFields root = JsonFields.of(JsonFiles.read(file));
    List<VerifiedBinary> binaries = new ArrayList<>();
    for (JsonFields entry : root.required("binaries", root.objects("binaries"))) {
      binaries.add(
          new VerifiedBinary(
              entry.text("path", PlainPaths::isPath, "a path"),
              entry.text("target"),
              entry.text("sha256"),
              entry.number("size"),
              entry.text("verdict"),
              entry.texts("reasons"),
              entry.texts("warnings"),
              ElfFacts.readFrom(entry),
              entry.text("pack", PackName::isValid, "a pack name")));
    }
    return new VerifyReport(binaries);
  }

  /** Writes it atomically: a reader sees the previous report or this one, never a part. */
  public void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    ArrayNode entries = root.putArray("binaries");
    for (VerifiedBinary binary : binaries) {
      ObjectNode entry = entries.addObject();
      entry.put("path", binary.path());
      entry.put("target", binary.target());
      entry.put("sha256", binary.sha256());
      entry.put("size", binary.size());
      entry.put("verdict", binary.verdict());
      JsonFiles.putTexts(entry, "reasons", binary.reasons());
      JsonFiles.putTexts(entry, "warnings", binary.warnings());
      binary.elf().putInto(entry);
      // Only for a build of several packs: a report of one workspace stays as it was.
      if (binary.pack() != null) {
        entry.put("pack", binary.pack());
      }
    }
    JsonFiles.write(file, root);
  }
}
