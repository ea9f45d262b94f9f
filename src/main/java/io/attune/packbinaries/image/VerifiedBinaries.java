package io.attune.packbinaries.image;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gate between verify and image: only binaries that the verify report passed, with the digest
 * they still have, may be packaged. Anything else fails the goal, naming each binary.
 */
public final class VerifiedBinaries {

  private VerifiedBinaries() {}

  /** The binaries of {@code binaries.json}, each proven to have passed verification. */
  public static List<ImageBinary> select(ArtifactLayout layout, FileDigests digests)
      throws PackFailure, IOException {
    List<BuiltBinary> built = BuiltBinaries.read(layout.builtBinaries());
    if (built.isEmpty()) {
      throw new PackFailure(
          "No binaries to package: "
              + layout.builtBinaries()
              + " is missing or empty. Run the build goal first (mvn package, or mvn"
              + " pack-binaries:build pack-binaries:verify pack-binaries:image).");
    }
    if (!Files.exists(layout.verifyReport())) {
      throw new PackFailure(
          "No verification report at "
              + layout.verifyReport()
              + ": the image goal packages only verified binaries. Run pack-binaries:verify"
              + " before pack-binaries:image.");
    }
    VerifyReport report = readReport(layout.verifyReport());
    List<ImageBinary> accepted = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (BuiltBinary binary : built) {
      Path file = layout.root().resolve(binary.path()).toAbsolutePath().normalize();
      String refusal = refusal(binary, file, report.entryFor(file).orElse(null), digests);
      if (refusal != null) {
        refusals.add(refusal);
      } else {
        accepted.add(
            new ImageBinary(
                TargetTriple.of(binary.target()),
                binary.name(),
                file,
                binary.sha256(),
                binary.pack()));
      }
    }
    if (!refusals.isEmpty()) {
      throw new PackFailure(
          "Refusing to package binaries that did not pass verification:\n  - "
              + String.join("\n  - ", refusals)
              + "\nFix the build so that each binary is static and of its target's architecture,"
              + " then run mvn package again (build, verify and image run in that order).");
    }
    return accepted;
  }

  private static String refusal(
      BuiltBinary binary, Path file, VerifiedBinary verdict, FileDigests digests)
      throws IOException {
    String what = binary.qualifiedName() + " (" + binary.target() + ", " + file + ")";
    if (verdict == null) {
      return what + ": not in the verification report; run pack-binaries:verify";
    }
    if (!verdict.passed()) {
      return what
          + ": verification failed"
          + (verdict.reasons().isEmpty() ? "" : ": " + String.join("; ", verdict.reasons()));
    }
    if (!binary.target().equals(verdict.target())) {
      return what + ": verified for target " + verdict.target() + ", not this one";
    }
    String verified = verdict.sha256();
    if (!Files.isRegularFile(file)) {
      return what + ": the file is missing; run the build goal again";
    }
    String now = digests.sha256(file);
    if (!now.equals(verified) || !now.equals(binary.sha256())) {
      return what
          + ": changed since it was verified (verified sha256 "
          + verified
          + ", now "
          + now
          + "); run pack-binaries:verify again";
    }
    return null;
  }

  private static VerifyReport readReport(Path report) throws PackFailure {
    try {
      return VerifyReport.read(report);
    } catch (IOException e) {
      throw new PackFailure(
          report
              + " is not a readable verification report ("
              + e.getMessage()
              + "); run"
              + " pack-binaries:verify again.",
          e);
    }
  }
}
