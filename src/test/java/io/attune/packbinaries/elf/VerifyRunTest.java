package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify goal's work on files the tests write, without Docker. */
class VerifyRunTest {

  private static final TargetTriple X86_64_MUSL =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple AARCH64_MUSL =
      TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple RISCV64_MUSL =
      TargetTriple.find("riscv64gc-unknown-linux-musl").orElseThrow();

  /** Debian's ldconfig: a real static-pie glibc program on every x86-64 Debian host. */
  private static final Path LDCONFIG = Path.of("/sbin/ldconfig");

  @TempDir Path dir;

  @Test
  void logsEachVerdictWithTheTimeItTookHashingIncluded() throws Exception {
    RecordingLog log = new RecordingLog();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    Path binary = ElfBuilder.x86_64().writeTo(dir, "sensor");

    new VerifyRun(log, layout, Optional.empty(), List.of(), FileDigests.inMemory())
        .verifyFile(binary, X86_64_MUSL);

    Matcher line =
        Pattern.compile(
                "\\[INFO] sensor \\(x86_64-unknown-linux-musl\\): pass, static x86-64 EXEC,"
                    + " stripped, \\d+ bytes$",
                Pattern.MULTILINE)
            .matcher(log.text());
    assertThat(line.find()).as(log.text()).isTrue();
  }

  @Test
  void aListedBinaryTooLargeToReadFailsForThatReasonAlone() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    Path binary = layout.binary(X86_64_MUSL, "huge");
    Files.createDirectories(binary.getParent());
    try (RandomAccessFile raf = new RandomAccessFile(binary.toFile(), "rw")) {
      raf.setLength(BinaryVerifier.MAX_SIZE + 1);
    }
    BuiltBinaries.write(
        layout.builtBinaries(),
        List.of(
            new BuiltBinary(
                X86_64_MUSL.name(),
                "huge",
                X86_64_MUSL.name() + "/huge",
                Sha256.of(new byte[0]),
                BinaryVerifier.MAX_SIZE + 1,
                true)));

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        new RecordingLog(),
                        layout,
                        Optional.empty(),
                        List.of(),
                        FileDigests.inMemory())
                    .verifyBuilt(List.of(X86_64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("huge is 256.0 MiB, more than the 256 MiB a sensor binary may take")
        .hasMessageNotContaining("changed after the build");
  }

  @Test
  void withoutABuildListingItSaysToBuildFirst() {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        new RecordingLog(),
                        layout,
                        Optional.empty(),
                        List.of(),
                        FileDigests.inMemory())
                    .verifyBuilt(List.of(X86_64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "No binaries to verify: "
                + layout.builtBinaries()
                + " is missing or empty. Run the build goal first (mvn package), or verify one"
                + " file: -Dpack.binary=FILE -Dpack.target=TRIPLE.");
    assertThat(layout.verifyReport()).doesNotExist();
  }

  @Test
  void verifiesOnlyTheSelectedTargetsAndSaysWhichItLeftOut() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    list(
        layout,
        built(layout, X86_64_MUSL, "sensor", ElfBuilder.x86_64()),
        built(layout, AARCH64_MUSL, "sensor", ElfBuilder.x86_64().machine(183)));
    RecordingLog log = new RecordingLog();

    VerifyReport report =
        new VerifyRun(log, layout, Optional.empty(), List.of(), FileDigests.inMemory())
            .verifyBuilt(List.of(X86_64_MUSL));

    assertThat(report.binaries())
        .extracting(VerifiedBinary::target)
        .containsExactly(X86_64_MUSL.name());
    assertThat(VerifyReport.read(layout.verifyReport())).isEqualTo(report);
    assertThat(log.lines)
        .contains(
            "[DEBUG] Not verifying aarch64-unknown-linux-musl/sensor: target"
                + " aarch64-unknown-linux-musl not selected");
  }

  @Test
  void aSelectionThatMatchesNoListedBinaryNamesBoth() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    list(
        layout,
        built(layout, X86_64_MUSL, "a", ElfBuilder.x86_64()),
        built(layout, X86_64_MUSL, "b", ElfBuilder.x86_64()),
        built(layout, AARCH64_MUSL, "a", ElfBuilder.x86_64().machine(183)));

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        new RecordingLog(),
                        layout,
                        Optional.empty(),
                        List.of(),
                        FileDigests.inMemory())
                    .verifyBuilt(List.of(RISCV64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            layout.builtBinaries()
                + " lists binaries for aarch64-unknown-linux-musl, x86_64-unknown-linux-musl, but"
                + " this run selects riscv64gc-unknown-linux-musl. Verify with the targets the"
                + " build used (-Dpack.targets=...).");
  }

  @Test
  void aBinaryChangedSinceTheBuildListedItFails() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    BuiltBinary listed = built(layout, X86_64_MUSL, "sensor", ElfBuilder.x86_64());
    Path file = layout.root().resolve(listed.path());
    // Replaced after the build: still a passing static binary, but not the one listed.
    ElfBuilder.x86_64().buildId(new byte[] {1, 2, 3, 4}).writeTo(file.getParent(), "sensor");
    String now = Sha256.of(Files.readAllBytes(file));
    list(layout, listed);

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        new RecordingLog(),
                        layout,
                        Optional.empty(),
                        List.of(),
                        FileDigests.inMemory())
                    .verifyBuilt(List.of(X86_64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "sensor changed after the build listed it (sha256 "
                + now
                + ", the build wrote "
                + listed.sha256()
                + "); run the build goal again.\nThe report is in "
                + layout.verifyReport()
                + ".");
    VerifiedBinary entry = VerifyReport.read(layout.verifyReport()).binaries().get(0);
    assertThat(entry.passed()).isFalse();
    assertThat(entry.sha256()).isEqualTo(now);
  }

  @Test
  void everyFailureIsReportedAtOnceAndTheReportKeepsThePassingOnes() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    list(
        layout,
        built(layout, X86_64_MUSL, "good", ElfBuilder.x86_64()),
        built(
            layout,
            X86_64_MUSL,
            "loader",
            ElfBuilder.x86_64().interpreter("/lib/ld-musl-x86_64.so.1")),
        built(layout, X86_64_MUSL, "arm", ElfBuilder.x86_64().machine(183)));
    RecordingLog log = new RecordingLog();

    assertThatThrownBy(
            () ->
                new VerifyRun(log, layout, Optional.empty(), List.of(), FileDigests.inMemory())
                    .verifyBuilt(List.of(X86_64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith(
            "2 of 3 binaries failed verification:\n- arm is an aarch64 binary, but target"
                + " x86_64-unknown-linux-musl")
        .hasMessageContaining("\n- loader is dynamically linked (interpreter /lib/ld-musl")
        .hasMessageEndingWith(".\nThe report is in " + layout.verifyReport() + ".");
    assertThat(VerifyReport.read(layout.verifyReport()).binaries())
        .extracting(VerifiedBinary::verdict)
        .containsExactly("fail", "pass", "fail");
    assertThat(log.lines)
        .anyMatch(
            line ->
                line.startsWith(
                    "[INFO] loader (x86_64-unknown-linux-musl): fail, dynamic x86-64 EXEC,"))
        .anyMatch(line -> line.startsWith("[INFO] good (x86_64-unknown-linux-musl): pass, static"));
  }

  @Test
  void theVerdictLineNamesStaticPieSymbolsBuildIdAndSize() throws Exception {
    Path pie =
        ElfBuilder.x86_64()
            .type(ElfBuilder.ET_DYN)
            .pie()
            .withSymbolTable()
            .buildId(new byte[] {(byte) 0xab, (byte) 0xcd})
            .writeTo(dir, "pie");
    RecordingLog log = new RecordingLog();

    new VerifyRun(
            log,
            new ArtifactLayout(dir.resolve("out")),
            Optional.empty(),
            List.of(),
            FileDigests.inMemory())
        .verifyFile(pie, X86_64_MUSL);

    assertThat(log.lines.get(0))
        .startsWith(
            "[INFO] pie (x86_64-unknown-linux-musl): pass, static-pie x86-64 DYN, not stripped,"
                + " build-id abcd, "
                + Files.size(pie)
                + " bytes");
  }

  @Test
  void aPassingBinaryWhoseSmokeRunFailsFailsWithItsExitCodeAndOutput() throws Exception {
    Path sensor = realStaticProgram();
    RecordingLog log = new RecordingLog();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        log,
                        layout,
                        Optional.of(new SmokeRun(log, Duration.ofSeconds(60))),
                        List.of("--no-such-option"),
                        FileDigests.inMemory())
                    .verifyFile(sensor, X86_64_MUSL))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith(
            "sensor failed its smoke run: `sensor --no-such-option` exited with code 64"
                + " (natively); its first lines:\n  ");
    assertThat(VerifyReport.read(layout.verifyReport()).passed()).isFalse();
  }

  @Test
  void aPassingBinaryWhoseSmokeRunSucceedsPassesAndWarnsAboutGlibc() throws Exception {
    Path sensor = realStaticProgram();
    RecordingLog log = new RecordingLog();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));

    VerifyReport report =
        new VerifyRun(
                log,
                layout,
                Optional.of(new SmokeRun(log, Duration.ofSeconds(60))),
                List.of("--version"),
                FileDigests.inMemory())
            .verifyFile(sensor, X86_64_MUSL);

    assertThat(report.passed()).isTrue();
    assertThat(log.lines)
        .contains("[INFO] Smoke run `sensor --version` (natively) exited 0")
        .anyMatch(line -> line.startsWith("[WARN] sensor is statically linked with glibc"));
  }

  @Test
  void aFailingBinaryIsNotSmokeRun() throws Exception {
    Path dynamic = ElfBuilder.x86_64().needs("libc.so.6").writeTo(dir, "dyn");
    RecordingLog log = new RecordingLog();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        log,
                        layout,
                        Optional.of(new SmokeRun(log, Duration.ofSeconds(60))),
                        List.of("--version"),
                        FileDigests.inMemory())
                    .verifyFile(dynamic, X86_64_MUSL))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "dyn is dynamically linked (needs libc.so.6); it would fail in a container without"
                + " glibc. Build it with cargo zigbuild --target x86_64-unknown-linux-musl.\nThe"
                + " report is in "
                + layout.verifyReport()
                + ".");
    assertThat(log.lines).noneMatch(line -> line.contains("Smoke run"));
    assertThat(log.lines.get(0))
        .startsWith("[INFO] dyn (x86_64-unknown-linux-musl): fail, dynamic x86-64 EXEC, stripped,");
    assertThat(log.lines).contains("[DEBUG] Wrote " + layout.verifyReport());
  }

  @Test
  void aSkippedSmokeRunLeavesThePassingVerdict() throws Exception {
    Path sensor = ElfBuilder.x86_64().writeTo(dir, "sensor");
    RecordingLog log = new RecordingLog();
    // The host is placed on another machine, with no qemu and no binfmt_misc entry.
    SmokeRun nowhere =
        new SmokeRun(
            log,
            Duration.ofSeconds(60),
            Optional.of(ElfMachine.AARCH64),
            program -> Optional.empty(),
            Files.createDirectories(dir.resolve("binfmt_misc")));

    VerifyReport report =
        new VerifyRun(
                log,
                new ArtifactLayout(dir.resolve("out")),
                Optional.of(nowhere),
                List.of(),
                FileDigests.inMemory())
            .verifyFile(sensor, X86_64_MUSL);

    assertThat(report.passed()).isTrue();
    assertThat(log.lines).anyMatch(line -> line.startsWith("[WARN] Smoke run of sensor skipped"));
  }

  @Test
  void aFileThatIsNotElfGetsAVerdictLineWithoutElfFacts() throws Exception {
    Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    RecordingLog log = new RecordingLog();

    assertThatThrownBy(
            () ->
                new VerifyRun(
                        log,
                        new ArtifactLayout(dir.resolve("out")),
                        Optional.empty(),
                        List.of(),
                        FileDigests.inMemory())
                    .verifyFile(script, X86_64_MUSL))
        .isInstanceOf(PackFailure.class);
    assertThat(log.lines.get(0)).isEqualTo("[INFO] run.sh (x86_64-unknown-linux-musl): fail");
  }

  private Path realStaticProgram() throws Exception {
    assumeTrue(
        SmokeRun.hostMachine(System.getProperty("os.arch")).equals(Optional.of(ElfMachine.X86_64)),
        "the host's ldconfig runs natively only on an x86-64 host");
    assumeTrue(Files.isExecutable(LDCONFIG), "a glibc host has a static ldconfig");
    Path copy = dir.resolve("sensor");
    Files.copy(LDCONFIG, copy);
    return copy;
  }

  /** Writes {@code elf} where the build puts {@code name} for {@code target}, as it lists it. */
  private static BuiltBinary built(
      ArtifactLayout layout, TargetTriple target, String name, ElfBuilder elf) throws Exception {
    Path file = layout.binary(target, name);
    Files.createDirectories(file.getParent());
    byte[] bytes = elf.build();
    Files.write(file, bytes);
    return new BuiltBinary(
        target.name(),
        name,
        layout.root().relativize(file).toString(),
        Sha256.of(bytes),
        bytes.length,
        true);
  }

  private static void list(ArtifactLayout layout, BuiltBinary... binaries) throws Exception {
    Files.createDirectories(layout.root());
    BuiltBinaries.write(layout.builtBinaries(), List.of(binaries));
  }
}
