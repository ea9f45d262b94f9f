package io.attune.packbinaries.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs an external command (docker, podman, cargo, qemu), streaming each line of its output to a
 * consumer as it comes, and keeping the last lines for error messages.
 */
public final class ProcessRunner {

  /** How many of the last output lines a result keeps, for error messages. */
  public static final int TAIL_LINES = 30;

  private final Consumer<String> lineSink;
  private Path workingDirectory;
  private Map<String, String> environment = Map.of();
  private Duration timeout;

  public ProcessRunner(Consumer<String> lineSink) {
    this.lineSink = lineSink;
  }

  public ProcessRunner in(Path directory) {
    this.workingDirectory = directory;
    return this;
  }

  /** Variables added to the inherited environment. */
  public ProcessRunner withEnvironment(Map<String, String> variables) {
    this.environment = Map.copyOf(variables);
    return this;
  }

  public ProcessRunner withTimeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /**
   * Runs the command to its end.
   *
   * @throws CommandNotFoundException when the program does not exist
   * @throws IOException on other failures to start or read it
   */
  public Result run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("error=2")) {
        throw new CommandNotFoundException(command.get(0), e);
      }
      throw e;
    }
    Deque<String> tail = new ArrayDeque<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                      tail.removeFirst();
                    }
                  }
                  lineSink.accept(line);
                }
              } catch (IOException ignored) {
                // The stream closes when the process dies; the exit code reports the failure.
              }
            },
            "output of " + command.get(0));
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    if (timeout == null) {
      process.waitFor();
      finished = true;
    } else {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
    List<String> lastLines;
    synchronized (tail) {
      lastLines = new ArrayList<>(tail);
    }
    return new Result(command, finished ? process.exitValue() : -1, !finished, lastLines);
  }

  /** Finds a program on PATH, as a shell would. */
  public static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (java.nio.file.Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  /** How a command ended. */
  public record Result(List<String> command, int exitCode, boolean timedOut, List<String> tail) {

    public boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }

    /** The last lines of output, indented, for an error message. */
    public String tailText() {
      return tail.isEmpty() ? "  (no output)" : "  " + String.join("\n  ", tail);
    }
  }

  /** The program to run is not installed or not on PATH. */
  public static final class CommandNotFoundException extends IOException {
    private final String program;

    public CommandNotFoundException(String program, IOException cause) {
      super(program + " was not found on PATH", cause);
      this.program = program;
    }

    public String program() {
      return program;
    }
  }
}
