package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.testing.RecordingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a smoke run picks its launcher (natively, qemu on PATH, binfmt_misc, or none) and what it
 * reports. The "binaries" are real shell scripts run as real processes; only the PATH lookup and
 * the binfmt_misc directory are placed in a temporary directory, so every launcher can be chosen on
 * one host. The run on real ELF binaries under qemu is in {@link RealBinariesTest}.
 */
class SmokeRunTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final RecordingLog log = new RecordingLog();
  private final List<String> lookedUp = new ArrayList<>();

  @Test
  void aBinaryForThisHostRunsNativelyWithoutLookingForQemu() throws Exception {
    Path probe = script("probe", "echo \"args: $*\"", "exit 0");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of(), dir)
            .run(probe, ElfMachine.X86_64, List.of("--version"))
            .orElseThrow();

    assertThat(result.how()).isEqualTo("natively");
    assertThat(result.commandLine()).isEqualTo("probe --version");
    assertThat(result.succeeded()).isTrue();
    assertThat(result.firstLines()).containsExactly("args: --version");
    assertThat(lookedUp).isEmpty();
    assertThat(log.lines)
        .containsExactly(
            "[INFO] Smoke run `probe --version` (natively) exited 0", "[INFO]   args: --version");
  }

  @Test
  void keepsAndLogsOnlyTheFirstTenLines() throws Exception {
    Path chatty =
        script("chatty", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $i\"; done");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of(), dir)
            .run(chatty, ElfMachine.X86_64, List.of())
            .orElseThrow();

    List<String> firstTen = new ArrayList<>();
    for (int i = 1; i <= SmokeRun.FIRST_LINES; i++) {
      firstTen.add("line " + i);
    }
    assertThat(result.firstLines()).isEqualTo(firstTen);
    assertThat(result.commandLine()).isEqualTo("chatty");
    assertThat(log.lines).hasSize(1 + SmokeRun.FIRST_LINES).endsWith("[INFO]   line 10");
  }

  @Test
  void aFailedRunKeepsItsExitCodeAndOutputAndLogsNothing() throws Exception {
    Path crashing = script("crashing", "echo 'thread main panicked' >&2", "exit 3");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of(), dir)
            .run(crashing, ElfMachine.X86_64, List.of("--once"))
            .orElseThrow();

    assertThat(result.succeeded()).isFalse();
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.timedOut()).isFalse();
    assertThat(result.firstLines()).containsExactly("thread main panicked");
    assertThat(result.failureReason("crashing"))
        .isEqualTo(
            "crashing failed its smoke run: `crashing --once` exited with code 3 (natively); its"
                + " first lines:\n  thread main panicked");
    assertThat(log.lines).isEmpty();
  }

  @Test
  void aRunThatDoesNotEndIsStoppedAtTheLimit() throws Exception {
    Path hanging = script("hanging", "echo started", "sleep 60");

    SmokeRun.Result result =
        new SmokeRun(log, Duration.ofSeconds(1), Optional.of(ElfMachine.X86_64), this::none, dir)
            .run(hanging, ElfMachine.X86_64, List.of())
            .orElseThrow();

    assertThat(result.timedOut()).isTrue();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failureReason("hanging")).contains("did not finish within the time limit");
    assertThat(log.lines).isEmpty();
  }

  @Test
  void anotherArchitectureRunsUnderQemuStaticFromPathFirst() throws Exception {
    Path binary = script("sensor", "echo \"sensor ran with $*\"");
    Path qemuStatic = launcherScript("qemu-aarch64-static");
    Path qemu = launcherScript("qemu-aarch64");

    SmokeRun.Result result =
        smokeRun(
                ElfMachine.X86_64,
                Map.of("qemu-aarch64-static", qemuStatic, "qemu-aarch64", qemu),
                dir)
            .run(binary, ElfMachine.AARCH64, List.of("--version"))
            .orElseThrow();

    assertThat(result.how()).isEqualTo("under qemu-aarch64-static");
    assertThat(result.firstLines())
        .containsExactly(
            "qemu-aarch64-static given " + binary.toAbsolutePath() + " --version",
            "sensor ran with --version");
    assertThat(lookedUp).containsExactly("qemu-aarch64-static");
    assertThat(log.lines)
        .first()
        .isEqualTo("[INFO] Smoke run `sensor --version` (under qemu-aarch64-static) exited 0");
  }

  @Test
  void fallsBackToPlainQemuFromPath() throws Exception {
    Path binary = script("sensor", "echo ran");
    Path qemu = launcherScript("qemu-riscv64");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of("qemu-riscv64", qemu), dir)
            .run(binary, ElfMachine.RISCV64, List.of())
            .orElseThrow();

    assertThat(result.how()).isEqualTo("under qemu-riscv64");
    assertThat(result.firstLines()).containsExactly("qemu-riscv64 given " + binary, "ran");
    assertThat(lookedUp).containsExactly("qemu-riscv64-static", "qemu-riscv64");
  }

  @Test
  void withoutQemuOnPathAnEnabledBinfmtEntryRunsTheBinaryDirectly() throws Exception {
    Path binary = script("sensor", "echo ran directly");
    Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\noffset 0\n");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of(), binfmt)
            .run(binary, ElfMachine.AARCH64, List.of())
            .orElseThrow();

    assertThat(result.how()).isEqualTo("through binfmt_misc qemu-aarch64");
    assertThat(result.firstLines()).containsExactly("ran directly");
    assertThat(lookedUp).containsExactly("qemu-aarch64-static", "qemu-aarch64");
  }

  @Test
  void aDisabledBinfmtEntryIsNoLauncher() throws Exception {
    Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n");

    assertSkippedWithAWarning(binfmt);
  }

  @Test
  void anUnreadableBinfmtEntryIsNoLauncher() throws Exception {
    Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
    // A directory in the entry's place: readable, yet reading its lines fails.
    Files.createDirectories(binfmt.resolve("qemu-aarch64"));

    assertSkippedWithAWarning(binfmt);
  }

  @Test
  void anEntryForAnotherArchitectureIsNoLauncher() throws Exception {
    Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
    Files.writeString(binfmt.resolve("qemu-arm"), "enabled\n");

    assertSkippedWithAWarning(binfmt);
  }

  @Test
  void anUnknownHostIsNamedByItsOsArchInTheWarning() throws Exception {
    Path binary = script("sensor", "echo should not run");

    Optional<SmokeRun.Result> result =
        new SmokeRun(log, LIMIT, Optional.empty(), this::none, dir)
            .run(binary, ElfMachine.S390X, List.of());

    assertThat(result).isEmpty();
    assertThat(log.lines)
        .containsExactly(
            "[WARN] Smoke run of sensor skipped: it is "
                + ElfMachine.S390X.displayName()
                + " and this host is "
                + System.getProperty("os.arch")
                + ", and neither qemu-s390x-static nor a binfmt_misc entry qemu-s390x is there."
                + " Install qemu-user-static to run it.");
  }

  @Test
  void aLauncherThatCannotStartIsAFailedRunNamingWhy() throws Exception {
    Path binary = script("sensor", "echo should not run");
    Path gone = dir.resolve("gone/qemu-aarch64-static");

    SmokeRun.Result result =
        smokeRun(ElfMachine.X86_64, Map.of("qemu-aarch64-static", gone), dir)
            .run(binary, ElfMachine.AARCH64, List.of("--version"))
            .orElseThrow();

    assertThat(result.succeeded()).isFalse();
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.timedOut()).isFalse();
    assertThat(result.firstLines()).isEmpty();
    assertThat(result.how()).startsWith("under qemu-aarch64-static, could not start: ");
    assertThat(result.failureReason("sensor"))
        .startsWith("sensor failed its smoke run: `sensor --version` exited with code -1 (under")
        .endsWith(", with no output.");
    assertThat(log.lines).isEmpty();
  }

  private void assertSkippedWithAWarning(Path binfmt) throws Exception {
    Path binary = script("sensor", "echo should not run");

    Optional<SmokeRun.Result> result =
        smokeRun(ElfMachine.X86_64, Map.of(), binfmt).run(binary, ElfMachine.AARCH64, List.of());

    assertThat(result).isEmpty();
    assertThat(log.lines)
        .containsExactly(
            "[WARN] Smoke run of sensor skipped: it is aarch64 and this host is x86-64, and neither"
                + " qemu-aarch64-static nor a binfmt_misc entry qemu-aarch64 is there. Install"
                + " qemu-user-static to run it.");
  }

  /** A smoke run on {@code host} whose PATH holds just {@code programs}. */
  private SmokeRun smokeRun(ElfMachine host, Map<String, Path> programs, Path binfmt) {
    Function<String, Optional<Path>> lookup =
        program -> {
          lookedUp.add(program);
          return Optional.ofNullable(programs.get(program));
        };
    return new SmokeRun(log, LIMIT, Optional.of(host), lookup, binfmt);
  }

  private Optional<Path> none(String program) {
    lookedUp.add(program);
    return Optional.empty();
  }

  /** Stands in for qemu-user: says what it was given, then runs it as qemu would. */
  private Path launcherScript(String name) throws IOException {
    return script(name, "echo \"" + name + " given $*\"", "exec \"$@\"");
  }

  private Path script(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
