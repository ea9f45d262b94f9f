package io.attune.packbinaries.elf;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The verify goal's work: checks every binary (those the build listed, or one file), optionally
 * smoke-runs the ones that pass, writes the report even when some fail, then fails with every
 * reason at once.
 */
public final class VerifyRun {

  private final BuildLog log;
  private final ArtifactLayout layout;
  private final Optional<SmokeRun> smokeRun;
  private final List<String> runArguments;
  private final FileDigests digests;

  /**
   * @param smokeRun empty to check headers only
   */
  public VerifyRun(
      BuildLog log,
      ArtifactLayout layout,
      Optional<SmokeRun> smokeRun,
      List<String> runArguments,
      FileDigests digests) {
    this.log = log;
    this.digests = digests;
    this.layout = layout;
    this.smokeRun = smokeRun;
    this.runArguments = List.copyOf(runArguments);
  }

  /** Verifies one file against one target, without a build. */
  public VerifyReport verifyFile(Path binary, TargetTriple target)
      throws IOException, InterruptedException, PackFailure {
    return finish(List.of(check(binary, target, null, null)));
  }

  /** Verifies what binaries.json lists for the selected targets. */
  public VerifyReport verifyBuilt(List<TargetTriple> targets)
      throws IOException, InterruptedException, PackFailure {
    Path listing = layout.builtBinaries();
    List<BuiltBinary> built = BuiltBinaries.read(listing);
    if (built.isEmpty()) {
      throw new PackFailure(
          "No binaries to verify: "
              + listing
              + " is missing or empty. Run the build goal first (mvn package), or verify one"
              + " file: -D"
              + PropertyNames.BINARY
              + "=FILE -D"
              + PropertyNames.TARGET
              + "=TRIPLE.");
    }
    List<String> names = targets.stream().map(TargetTriple::name).toList();
    List<VerifiedBinary> results = new ArrayList<>();
    for (BuiltBinary binary : built) {
      if (!names.contains(binary.target())) {
        log.debug(
            "Not verifying " + binary.path() + ": target " + binary.target() + " not selected");
        continue;
      }
      Path file = layout.root().resolve(binary.path());
      results.add(check(file, TargetTriple.of(binary.target()), binary.sha256(), binary.pack()));
    }
    if (results.isEmpty()) {
      throw new PackFailure(
          listing
              + " lists binaries for "
              + built.stream().map(BuiltBinary::target).distinct().collect(Collectors.joining(", "))
              + ", but this run selects "
              + String.join(", ", names)
              + ". Verify with the targets the build used (-D"
              + PropertyNames.TARGETS
              + "=...).");
    }
    return finish(results);
  }

  private VerifiedBinary check(Path file, TargetTriple target, String expectedSha256, String pack)
      throws IOException, InterruptedException, PackFailure {
    VerifiedBinary result = BinaryVerifier.verify(file, target, digests).inPack(pack);
    String name = (pack == null ? "" : pack + "/") + file.getFileName();
    if (expectedSha256 != null
        && result.sha256() != null
        && !expectedSha256.equals(result.sha256())) {
      result =
          result.failedBecause(
              name
                  + " changed after the build listed it (sha256 "
                  + result.sha256()
                  + ", the build wrote "
                  + expectedSha256
                  + "); run the build goal again.");
    }
    if (result.passed() && smokeRun.isPresent()) {
      Optional<SmokeRun.Result> ran = smokeRun.get().run(file, target.machine(), runArguments);
      if (ran.isPresent() && !ran.get().succeeded()) {
        result = result.failedBecause(ran.get().failureReason(name));
      }
    }
    log.info(summary(name, result));
    result.warnings().forEach(log::warn);
    return result;
  }

  private VerifyReport finish(List<VerifiedBinary> results) throws IOException, PackFailure {
    VerifyReport report = new VerifyReport(results);
    Path file = layout.verifyReport();
    report.write(file);
    log.debug("Wrote " + file);
    List<VerifiedBinary> failed = results.stream().filter(b -> !b.passed()).toList();
    if (failed.isEmpty()) {
      return report;
    }
    List<String> reasons = failed.stream().flatMap(b -> b.reasons().stream()).toList();
    String message =
        reasons.size() == 1
            ? reasons.get(0)
            : failed.size()
                + " of "
                + results.size()
                + " binaries failed verification:\n- "
                + String.join("\n- ", reasons);
    throw new PackFailure(message + "\nThe report is in " + file + ".");
  }

  /** One line per binary, e.g. "hello (aarch64-unknown-linux-gnu): pass, static aarch64 EXEC". */
  private static String summary(String name, VerifiedBinary b) {
    StringBuilder line =
        new StringBuilder(name).append(" (").append(b.target()).append("): ").append(b.verdict());
    ElfFacts elf = b.elf();
    if (elf.known()) {
      line.append(", ")
          .append(
              elf.staticPie()
                  ? "static-pie"
                  : elf.interpreter() == null && elf.needed().isEmpty() ? "static" : "dynamic")
          .append(' ')
          .append(elf.machine())
          .append(' ')
          .append(elf.type())
          .append(elf.stripped() ? ", stripped" : ", not stripped")
          .append(elf.buildId() == null ? "" : ", build-id " + elf.buildId())
          .append(", ")
          .append(b.size())
          .append(" bytes");
    }
    return line.toString();
  }
}
