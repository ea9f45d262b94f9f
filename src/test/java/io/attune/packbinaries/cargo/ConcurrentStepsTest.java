package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps run at once in one builder container, each with its own lines and exit code. */
class ConcurrentStepsTest {

  @TempDir Path dir;

  @Test
  void eachStepGetsItsOwnLinesAndExitCodeAndTheyRunAtOnce() throws Exception {
    TestEnvironment.requireDocker();
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(
        new ContainerRun(TestEnvironment.builderImage())
            .name("pack-binaries-concurrent-test-" + ProcessHandle.current().pid())
            .mount(dir)
            .workingDirectory(dir)
            .arguments());
    BuilderSession session = BuilderSession.start(command, Map.of());
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    List<String> untagged = new ArrayList<>();
    ConcurrentSteps steps = new ConcurrentSteps(List.of(first::add, second::add), untagged::add);
    // Each step waits for the other's file: run one after the other, both would wait forever
    // (the timeout below ends the loop instead). 500 lines each, to mix their output.
    String a = dir.resolve("a").toString();
    String b = dir.resolve("b").toString();
    ProcessRunner.Result all =
        session.run(
            ConcurrentSteps.script(
                List.of(
                    "touch "
                        + a
                        + "; i=0; while [ ! -e "
                        + b
                        + " ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; test -e "
                        + b
                        + "; seq 1 500 | sed 's/^/first line /'",
                    "touch "
                        + b
                        + "; i=0; while [ ! -e "
                        + a
                        + " ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; test -e "
                        + a
                        + "; seq 1 500 | sed 's/^/second line /'; echo to stderr >&2; false;"
                        + " echo not reached")),
            steps);
    session.close();

    assertThat(all.exitCode()).isZero();
    assertThat(untagged).isEmpty();
    assertThat(steps.result(0, List.of("a")).exitCode()).isZero();
    assertThat(first).hasSize(500).allMatch(line -> line.matches("first line \\d+"));
    assertThat(first.get(499)).isEqualTo("first line 500");
    ProcessRunner.Result failed = steps.result(1, List.of("b"));
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(second).hasSize(501).endsWith("to stderr");
    assertThat(second.subList(0, 500)).allMatch(line -> line.matches("second line \\d+"));
    assertThat(failed.tail()).endsWith("second line 500", "to stderr");
    assertThat(Files.exists(dir.resolve("a")) && Files.exists(dir.resolve("b"))).isTrue();
  }

  @Test
  void aLineOfNoStepGoesToTheUntaggedConsumerAndAStepWithoutMarkerHasNoExitCode() {
    List<String> only = new ArrayList<>();
    List<String> untagged = new ArrayList<>();
    ConcurrentSteps steps = new ConcurrentSteps(List.of(only::add), untagged::add);

    steps.accept("sh: 1: syntax error");
    steps.accept("7\tnot a step of these");
    steps.accept("0\tcargo's line\twith a tab");

    assertThat(untagged).containsExactly("sh: 1: syntax error", "7\tnot a step of these");
    assertThat(only).containsExactly("cargo's line\twith a tab");
    assertThat(steps.result(0, List.of("x")).exitCode()).isEqualTo(-1);
  }
}
