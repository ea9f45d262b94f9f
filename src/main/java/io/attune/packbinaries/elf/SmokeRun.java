package io.attune.packbinaries.elf;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs a verified binary once with harmless arguments (such as {@code --version}) to prove it
 * starts: natively when it is for this host's machine, otherwise through qemu-user, found on PATH
 * or registered with the kernel's binfmt_misc. Without either it warns and skips.
 */
public final class SmokeRun {

  /** How many of the first output lines are logged and quoted in a failure. */
  public static final int FIRST_LINES = 10;

  private final BuildLog log;
  private final Duration timeout;
  private final Optional<ElfMachine> host;
  private final Function<String, Optional<Path>> onPath;
  private final Path binfmtDirectory;

  public SmokeRun(BuildLog log, Duration timeout) {
    this(
        log,
        timeout,
        hostMachine(System.getProperty("os.arch", "")),
        ProcessRunner::onPath,
        Path.of("/proc/sys/fs/binfmt_misc"));
  }

  /** For tests that place the host elsewhere; everything it runs is still real. */
  SmokeRun(
      BuildLog log,
      Duration timeout,
      Optional<ElfMachine> host,
      Function<String, Optional<Path>> onPath,
      Path binfmtDirectory) {
    this.log = log;
    this.timeout = timeout;
    this.host = host;
    this.onPath = onPath;
    this.binfmtDirectory = binfmtDirectory;
  }

  /** How one run ended. */
  public record Result(
      String commandLine, String how, int exitCode, boolean timedOut, List<String> firstLines) {

    public boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }

    /** Why the run fails the build, as a verdict reason. */
    public String failureReason(String name) {
      String ending =
          timedOut ? "did not finish within the time limit" : "exited with code " + exitCode;
      return name
          + " failed its smoke run: `"
          + commandLine
          + "` "
          + ending
          + " ("
          + how
          + ")"
          + (firstLines.isEmpty()
              ? ", with no output."
              : "; its first lines:\n  " + String.join("\n  ", firstLines));
    }
  }

  private record Launcher(List<String> prefix, String how) {}

  /**
   * Runs {@code binary} with {@code arguments}; empty when it cannot run on this host.
   *
   * @param machine the binary's architecture, which the static check has confirmed
   */
  public Optional<Result> run(Path binary, ElfMachine machine, List<String> arguments)
      throws IOException, InterruptedException {
    String name = binary.getFileName().toString();
    Optional<Launcher> launcher = launcher(machine);
    if (launcher.isEmpty()) {
      log.warn(
          "Smoke run of "
              + name
              + " skipped: it is "
              + machine.displayName()
              + " and this host is "
              + host.map(ElfMachine::displayName).orElse(System.getProperty("os.arch"))
              + ", and neither qemu-"
              + qemuName(machine)
              + "-static nor a binfmt_misc entry qemu-"
              + qemuName(machine)
              + " is there. Install qemu-user-static to run it.");
      return Optional.empty();
    }
    List<String> command = new ArrayList<>(launcher.get().prefix());
    command.add(binary.toAbsolutePath().toString());
    command.addAll(arguments);
    String commandLine = String.join(" ", name, String.join(" ", arguments)).strip();
    List<String> firstLines = new ArrayList<>();
    ProcessRunner runner =
        new ProcessRunner(
                line -> {
                  synchronized (firstLines) {
                    if (firstLines.size() < FIRST_LINES) {
                      firstLines.add(line);
                    }
                  }
                })
            .withTimeout(timeout);
    ProcessRunner.Result ended;
    try {
      ended = runner.run(command);
    } catch (IOException e) {
      return Optional.of(
          new Result(
              commandLine,
              launcher.get().how() + ", could not start: " + e.getMessage(),
              -1,
              false,
              List.of()));
    }
    Result result;
    synchronized (firstLines) {
      result =
          new Result(
              commandLine, launcher.get().how(), ended.exitCode(), ended.timedOut(), firstLines);
    }
    if (result.succeeded()) {
      log.info("Smoke run `" + commandLine + "` (" + result.how() + ") exited 0");
      result.firstLines().forEach(line -> log.info("  " + line));
    }
    return Optional.of(result);
  }

  private Optional<Launcher> launcher(ElfMachine machine) {
    if (host.isPresent() && host.get() == machine) {
      return Optional.of(new Launcher(List.of(), "natively"));
    }
    String qemu = "qemu-" + qemuName(machine);
    for (String program : List.of(qemu + "-static", qemu)) {
      Optional<Path> found = onPath.apply(program);
      if (found.isPresent()) {
        return Optional.of(new Launcher(List.of(found.get().toString()), "under " + program));
      }
    }
    Path registration = binfmtDirectory.resolve(qemu);
    try {
      if (Files.readAllLines(registration).stream().anyMatch("enabled"::equals)) {
        return Optional.of(new Launcher(List.of(), "through binfmt_misc " + qemu));
      }
    } catch (IOException e) {
      // A missing or unreadable registration is the same as none.
    }
    return Optional.empty();
  }

  /** The architecture part of qemu-user's program names. */
  static String qemuName(ElfMachine machine) {
    return switch (machine) {
      case X86_64 -> "x86_64";
      case AARCH64 -> "aarch64";
      case ARM -> "arm";
      case RISCV64 -> "riscv64";
      case S390X -> "s390x";
      case PPC64LE -> "ppc64le";
      case I386 -> "i386";
    };
  }

  /** The machine this JVM runs on, from {@code os.arch}. */
  static Optional<ElfMachine> hostMachine(String osArch) {
    return Optional.ofNullable(
        switch (osArch) {
          case "amd64", "x86_64" -> ElfMachine.X86_64;
          case "aarch64", "arm64" -> ElfMachine.AARCH64;
          case "arm" -> ElfMachine.ARM;
          case "riscv64" -> ElfMachine.RISCV64;
          case "s390x" -> ElfMachine.S390X;
          case "ppc64le" -> ElfMachine.PPC64LE;
          case "x86", "i386" -> ElfMachine.I386;
          default -> null;
        });
  }
}
