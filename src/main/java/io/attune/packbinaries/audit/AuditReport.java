package io.attune.packbinaries.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attune.packbinaries.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }

  public static AuditReport read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), AuditReport.class);
  }
}
