package io.attune.packbinaries.cargo;

import io.attune.packbinaries.process.ProcessRunner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Several steps run at once by one shell of the builder container, each in a subshell of its own
 * (with {@code set -e}); each of its lines is tagged with the step's index, so it reaches that
 * step's consumer, and its exit code comes on a marker line of its own. The shell prints whole
 * lines with one write each, so two steps' lines never mix.
 */
final class ConcurrentSteps implements Consumer<String> {

  private final List<Consumer<String>> outputs;
  private final Consumer<String> untagged;
  private final int[] exitCodes;
  private final List<Deque<String>> tails = new ArrayList<>();

  /**
   * @param outputs each step's consumer, in the steps' order
   * @param untagged receives a line of no step (the shell's own complaint, say)
   */
  ConcurrentSteps(List<? extends Consumer<String>> outputs, Consumer<String> untagged) {
    this.outputs = List.copyOf(outputs);
    this.untagged = untagged;
    this.exitCodes = new int[outputs.size()];
    Arrays.fill(exitCodes, -1);
    outputs.forEach(o -> tails.add(new ArrayDeque<>()));
  }

  /** The shell script that runs {@code steps} at once and waits for all of them. */
  static String script(List<String> steps) {
    StringBuilder script =
        new StringBuilder(
            "pb_tag() { while IFS= read -r pb_line || [ -n \"$pb_line\" ]; do"
                + " printf '%s\\t%s\\n' \"$1\" \"$pb_line\"; done; }\n");
    for (int i = 0; i < steps.size(); i++) {
      script
          .append("( set +e\n( set -e\n")
          .append(steps.get(i))
          .append("\n) </dev/null 2>&1\necho \"")
          .append(BuilderSession.EXIT_MARKER)
          .append("$?\" ) | pb_tag ")
          .append(i)
          .append(" &\n");
    }
    return script.append("wait\n").toString();
  }

  @Override
  public void accept(String line) {
    int tab = line.indexOf('\t');
    int step = tab > 0 && tab < 4 ? index(line.substring(0, tab)) : -1;
    if (step < 0 || step >= outputs.size()) {
      untagged.accept(line);
      return;
    }
    String text = line.substring(tab + 1);
    Optional<Integer> exitCode = BuilderSession.exitCode(text);
    if (exitCode.isPresent()) {
      exitCodes[step] = exitCode.get();
      return;
    }
    Deque<String> tail = tails.get(step);
    tail.addLast(text);
    if (tail.size() > ProcessRunner.TAIL_LINES) {
      tail.removeFirst();
    }
    outputs.get(step).accept(text);
  }

  private static int index(String tag) {
    try {
      return Integer.parseInt(tag);
    } catch (NumberFormatException notATag) {
      return -1;
    }
  }

  /** Step {@code step}'s outcome: -1 as its exit code when it never reported one. */
  ProcessRunner.Result result(int step, List<String> command) {
    return new ProcessRunner.Result(command, exitCodes[step], false, List.copyOf(tails.get(step)));
  }
}
