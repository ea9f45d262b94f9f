package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.elf.Verdict;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real static binaries for x86-64 and aarch64, compiled once per test run in the builder image (a C
 * "hello" is enough to be packaged, run under qemu and checked), and the pipeline files the build
 * and verify goals would write around them.
 */
final class TestBinaries {

  static final String NAME = "hello-sensor";
  static final TargetTriple AMD64 = TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();
  static final TargetTriple ARM64 = TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow();
  static final String GREETING = "hello from a static sensor";

  private static final Path CACHE = Path.of("target", "test-binaries").toAbsolutePath();

  private TestBinaries() {}

  /** The compiled binary for {@code target}, building both on first use. */
  static synchronized Path compiled(TargetTriple target) throws Exception {
    Path binary = CACHE.resolve(target.machine().displayName()).resolve(NAME);
    if (!Files.exists(binary)) {
      TestEnvironment.requireDocker();
      Files.createDirectories(CACHE);
      Files.writeString(
          CACHE.resolve("hello.c"),
          "#include <stdio.h>\nint main(void) { puts(\"" + GREETING + "\"); return 0; }\n");
      ProcessRunner.Result result =
          new ProcessRunner(line -> {})
              .run(
                  List.of(
                      "docker",
                      "run",
                      "--rm",
                      "--network",
                      "none",
                      "-v",
                      CACHE + ":/w",
                      "-w",
                      "/w",
                      TestEnvironment.builderImage(),
                      "sh",
                      "-c",
                      "mkdir -p x86-64 aarch64"
                          + " && gcc -static -Os -s -o x86-64/"
                          + NAME
                          + " hello.c"
                          + " && aarch64-linux-gnu-gcc -static -Os -s -o aarch64/"
                          + NAME
                          + " hello.c"));
      assertThat(result.succeeded()).as(result.tailText()).isTrue();
    }
    return binary;
  }

  /**
   * Copies the binaries into {@code layout} as the build goal would and writes binaries.json, and a
   * verify report giving {@code verdicts} (target → "pass" or "fail").
   */
  static void stage(ArtifactLayout layout, Map<TargetTriple, String> verdicts) throws Exception {
    stage(layout, verdicts, "");
  }

  /** As {@link #stage}, with {@code trailer} appended to each binary: other bytes, same program. */
  static void stage(ArtifactLayout layout, Map<TargetTriple, String> verdicts, String trailer)
      throws Exception {
    List<BuiltBinary> built = new ArrayList<>();
    List<VerifiedBinary> report = new ArrayList<>();
    for (Map.Entry<TargetTriple, String> entry : verdicts.entrySet()) {
      TargetTriple target = entry.getKey();
      Path destination = layout.binary(target, NAME);
      Files.createDirectories(destination.getParent());
      Files.copy(compiled(target), destination, StandardCopyOption.REPLACE_EXISTING);
      if (!trailer.isEmpty()) {
        Files.writeString(destination, trailer, java.nio.file.StandardOpenOption.APPEND);
      }
      String sha256 = Sha256.of(destination);
      built.add(
          new BuiltBinary(
              target.name(),
              NAME,
              target.name() + "/" + NAME,
              sha256,
              Files.size(destination),
              true));
      report.add(
          verdict(
              destination, target.name(), sha256, entry.getValue(), "has a PT_INTERP: dynamic"));
    }
    BuiltBinaries.write(layout.builtBinaries(), built);
    writeReport(layout, report);
  }

  /** A report entry with only what the image goal reads; {@code reason} when it fails. */
  static VerifiedBinary verdict(
      Path file, String target, String sha256, String verdict, String reason) throws IOException {
    String path = file.toAbsolutePath().toString();
    long size = Files.size(file);
    return verdict.equals(VerifiedBinary.PASS)
        ? VerifiedBinary.of(path, target, sha256, size, Verdict.passing(), null)
        : VerifiedBinary.failed(path, target, sha256, size, reason);
  }

  /** Writes the report as the verify goal does. */
  static void writeReport(ArtifactLayout layout, List<VerifiedBinary> entries) throws IOException {
    new VerifyReport(entries).write(layout.verifyReport());
  }
}
