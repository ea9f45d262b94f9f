package io.attune.packbinaries.elf;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attune.packbinaries.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code verify-report.json}: the verdict on every binary of the last verify run. The image goal
 * packs only binaries listed here as passed with the same digest.
 */
public record VerifyReport(List<VerifiedBinary> binaries) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public VerifyReport {
    binaries = List.copyOf(binaries);
  }

  public boolean passed() {
    return binaries.stream().allMatch(VerifiedBinary::passed);
  }

  /** The passing entry for content with this digest, if the report has one. */
  public Optional<VerifiedBinary> passedWithDigest(String sha256) {
    return binaries.stream().filter(b -> b.passed() && b.sha256().equals(sha256)).findFirst();
  }

  /** The entry for the binary at {@code file}, however either path is spelled. */
  public Optional<VerifiedBinary> entryFor(Path file) {
    Path wanted = file.toAbsolutePath().normalize();
    return binaries.stream()
        .filter(
            b -> b.path() != null && Path.of(b.path()).toAbsolutePath().normalize().equals(wanted))
        .findFirst();
  }

  /** The report in {@code file}, or an empty one when verify has not run. */
  public static VerifyReport read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new VerifyReport(List.of());
    }
    return JSON.readValue(file.toFile(), VerifyReport.class);
  }

  /** Writes it atomically: a reader sees the previous report or this one, never a part. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }
}
