package io.attune.packbinaries.cargo;

import io.attune.packbinaries.process.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One builder container for a whole build goal: a shell reading its steps (cargo metadata, then
 * each target's cargo and strip) from standard input, so the engine starts a container once instead
 * of once per step (about a second each). Each step runs in a subshell with {@code set -e} and ends
 * with a marker line carrying its exit code; the step's other lines go to its consumer.
 */
final class BuilderSession {

  static final String EXIT_MARKER = StripStep.MARKER + "exit ";

  /** What the reader thread hands over: a line, or the end of the container's output. */
  private record Line(String text) {}

  private static final Line END = new Line(null);

  private final List<String> command;
  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
  private boolean ended;
  private boolean inputEnded;

  private BuilderSession(List<String> command, Process process) {
    this.command = command;
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader output =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = output.readLine()) != null; ) {
                  lines.add(new Line(line));
                }
              } catch (IOException ignored) {
                // The stream closes when the container ends; its exit code tells the story.
              } finally {
                lines.add(END);
              }
            },
            "builder container output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code command} ({@code docker run -i … /bin/sh}) with {@code environment} added to the
   * client's, for its {@code -e NAME} options to pass on.
   */
  static BuilderSession start(List<String> command, Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("error=2")) {
        throw new ProcessRunner.CommandNotFoundException(command.get(0), e);
      }
      throw e;
    }
    BuilderSession session = new BuilderSession(command, process);
    // One stream, so a step's own lines and its exit marker arrive in the order written.
    session.send("exec 2>&1\n");
    return session;
  }

  /**
   * Runs {@code script} in a subshell of the container and waits for it. When the container ends
   * first (the engine could not start it, or it was killed), the result carries the engine's exit
   * code and the session is over.
   */
  ProcessRunner.Result run(String script, Consumer<String> output)
      throws IOException, InterruptedException {
    if (ended || inputEnded) {
      throw new IOException("The builder container has already ended");
    }
    send("(\nset -e\n" + script + "\n) </dev/null\necho \"" + EXIT_MARKER + "$?\"\n");
    Deque<String> tail = new ArrayDeque<>();
    while (true) {
      Line line = lines.take();
      if (line == END) {
        ended = true;
        process.waitFor();
        return new ProcessRunner.Result(command, process.exitValue(), false, List.copyOf(tail));
      }
      Optional<Integer> exitCode = exitCode(line.text());
      if (exitCode.isPresent()) {
        return new ProcessRunner.Result(command, exitCode.get(), false, List.copyOf(tail));
      }
      tail.addLast(line.text());
      if (tail.size() > ProcessRunner.TAIL_LINES) {
        tail.removeFirst();
      }
      output.accept(line.text());
    }
  }

  static Optional<Integer> exitCode(String line) {
    if (!line.startsWith(EXIT_MARKER)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(line.substring(EXIT_MARKER.length()).trim()));
    } catch (NumberFormatException notOurs) {
      return Optional.empty();
    }
  }

  private void send(String text) throws IOException {
    try {
      stdin.write(text.getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException brokenPipe) {
      // The container is gone; the next read sees the end and its exit code.
    }
  }

  boolean isRunning() {
    return !ended && !inputEnded;
  }

  /**
   * Lets the shell end after its last step, which ends and removes the container while the goal
   * goes on; {@link #close} then waits for that.
   */
  void endInput() {
    inputEnded = true;
    try {
      stdin.close();
    } catch (IOException alreadyClosed) {
      // Then the container has ended already.
    }
  }

  /**
   * Lets the shell end, which ends and removes the container; waits a little for that.
   *
   * @return false when the engine's client had to be killed, so the container may still be there
   */
  boolean close() throws InterruptedException {
    endInput();
    if (process.waitFor(30, TimeUnit.SECONDS)) {
      return true;
    }
    kill();
    return false;
  }

  /** Stops the engine's client at once; the caller removes the container by name. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
