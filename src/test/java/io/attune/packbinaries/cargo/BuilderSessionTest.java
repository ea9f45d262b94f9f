package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One builder container running several steps, against the real engine and builder image. */
class BuilderSessionTest {

  @TempDir Path dir;

  private static List<String> docker(ContainerRun run) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(run.arguments());
    return command;
  }

  private static boolean containerExists(String name) throws Exception {
    List<String> names = new ArrayList<>();
    new ProcessRunner(names::add)
        .run(List.of("docker", "ps", "-a", "--filter", "name=^" + name + "$", "--format", "x"));
    return !names.isEmpty();
  }

  @Test
  void stepsRunOneAfterAnotherInOneContainerEachWithItsOwnExitCodeAndLines() throws Exception {
    TestEnvironment.requireDocker();
    String name = "pack-binaries-session-test-" + ProcessHandle.current().pid();
    ContainerRun run =
        new ContainerRun(TestEnvironment.builderImage())
            .name(name)
            .mount(dir)
            .workingDirectory(dir)
            .environment(Set.of("PACK_SESSION_TEST"));
    BuilderSession session =
        BuilderSession.start(docker(run), Map.of("PACK_SESSION_TEST", "from the client"));

    List<String> first = new ArrayList<>();
    ProcessRunner.Result failed =
        session.run(
            "echo \"$PACK_SESSION_TEST\"\necho to stderr >&2\nfalse\necho not reached", first::add);
    List<String> second = new ArrayList<>();
    ProcessRunner.Result next = session.run("pwd", second::add);

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(first).containsExactly("from the client", "to stderr");
    assertThat(failed.tail()).containsExactly("from the client", "to stderr");
    // set -e ended the first step, not the container: the second step ran in it.
    assertThat(next.exitCode()).isZero();
    assertThat(second).containsExactly(dir.toString());
    assertThat(session.isRunning()).isTrue();
    assertThat(containerExists(name)).isTrue();

    assertThat(session.close()).isTrue();
    assertThat(containerExists(name)).isFalse();
  }

  @Test
  void aContainerTheEngineCannotStartEndsTheSessionWithTheEnginesExitCode() throws Exception {
    TestEnvironment.requireDocker();
    ContainerRun run =
        new ContainerRun(TestEnvironment.builderImage()).mount(dir.resolve("does-not-exist"));
    BuilderSession session = BuilderSession.start(docker(run), Map.of());

    ProcessRunner.Result result = session.run("echo never", line -> {});

    assertThat(result.exitCode()).isEqualTo(125);
    assertThat(String.join("\n", result.tail())).contains("does-not-exist");
    assertThat(session.isRunning()).isFalse();
    assertThat(session.close()).isTrue();
  }
}
