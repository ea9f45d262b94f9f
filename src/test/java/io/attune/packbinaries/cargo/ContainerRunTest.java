package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerRunTest {

  private static final Path WORKSPACE = Path.of("/home/dev/attune/packs/core");

  private ContainerRun run() {
    return new ContainerRun("builder:1")
        .user(new HostUser(1000, 1000), false)
        .mount(WORKSPACE)
        .mount(WORKSPACE.resolve("target/pack-binaries/.cargo-target"))
        .mount(Path.of("/home/dev/attune/packs/target/pack-binaries/.cargo-target"))
        .workingDirectory(WORKSPACE)
        .cacheVolume("pack-binaries-cargo-home-1000")
        .environment(Set.of("SQLX_OFFLINE", "API_TOKEN"));
  }

  @Test
  void runsAsTheUserWithTheWorkspaceAtItsOwnPathAndNoPrivileges() {
    List<String> args = run().arguments();

    assertThat(args).startsWith("run", "--rm", "-i");
    assertThat(args).containsSequence("--user", "1000:1000");
    assertThat(args)
        .containsSequence("--mount", "type=bind,source=" + WORKSPACE + ",target=" + WORKSPACE);
    // A directory inside the workspace is mounted with it, not twice.
    assertThat(args.stream().filter(a -> a.startsWith("type=bind"))).hasSize(2);
    assertThat(args)
        .containsSequence(
            "--mount", "type=volume,source=pack-binaries-cargo-home-1000,target=/cargo-home");
    assertThat(args).containsSequence("-e", "HOME=/tmp");
    assertThat(args).containsSequence("-w", WORKSPACE.toString());
    assertThat(args).endsWith("--entrypoint", "/bin/sh", "builder:1");
    assertThat(args).doesNotContain("--privileged", "--network");
  }

  @Test
  void environmentIsPassedByNameSoValuesNeverShow() {
    List<String> args = run().arguments();

    assertThat(args).containsSequence("-e", "API_TOKEN").containsSequence("-e", "SQLX_OFFLINE");
    assertThat(String.join(" ", args)).doesNotContain("API_TOKEN=");
  }

  @Test
  void offlineMeansNoNetwork() {
    assertThat(run().offline(true).arguments()).containsSequence("--network", "none");
  }

  @Test
  void rootlessPodmanKeepsTheUsersId() {
    assertThat(run().user(new HostUser(1000, 1000), true).arguments()).contains("--userns=keep-id");
    assertThat(run().user(new HostUser(0, 0), true).arguments()).doesNotContain("--userns=keep-id");
  }
}
