package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.compose.ComposeFile;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push goal's tags against the project's own distributable compose file and the real local
 * registry: what each kind of version writes, and the check that the compose file's default tag is
 * one a release writes, before anything is uploaded.
 */
class ImagePushTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private Path layout;
  private String repository;
  private Path compose;

  @BeforeEach
  void setUp() throws Exception {
    layout = Fixtures.busyboxLayout(temp.resolve("layout"));
    repository = Fixtures.freshRepository("tags");
    // The distributable file as shipped, pulling a repository of this test's own.
    String shipped = Files.readString(Path.of("docker/distributable/docker-compose.yaml"));
    assertThat(shipped).contains("/attune/pack-binaries-init:");
    compose = temp.resolve("docker-compose.yaml");
    Files.writeString(
        compose, shipped.replace("/attune/pack-binaries-init:", "/" + repository + ":"));
  }

  private PushResult push(List<String> tags, List<String> releaseTags) throws Exception {
    return new ImagePush(log, FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                layout,
                TestEnvironment.registry() + "/" + repository,
                tags,
                releaseTags,
                new RegistryAccess(
                    new RegistryConnections(),
                    false,
                    false,
                    3,
                    Retry.DEFAULT_TIMEOUT,
                    null,
                    Map.of("DOCKER_CONFIG", temp.resolve("no-docker-config").toString())),
                compose,
                false,
                temp.resolve("image.json"),
                null,
                false));
  }

  private boolean tagExists(String tag) throws Exception {
    return Fixtures.exitCode(
            "skopeo",
            "inspect",
            "--raw",
            "--tls-verify=false",
            "docker://" + TestEnvironment.registry() + "/" + repository + ":" + tag)
        == 0;
  }

  @Test
  void aReleaseWritesVersionAndLatestAndTheComposeDefaultThenResolves() throws Exception {
    List<String> tags = ReleaseTags.toPush(List.of(), "1.4.0");
    push(tags, ReleaseTags.ofRelease(List.of(), "1.4.0"));

    assertThat(tagExists("1.4.0")).isTrue();
    assertThat(tagExists("latest")).isTrue();
    // What docker-compose pulls with only ATTUNE_REGISTRY set.
    String pulled =
        ComposeFile.read(compose, ComposeFile.INIT_SERVICE)
            .image(Map.of("ATTUNE_REGISTRY", TestEnvironment.registry()));
    assertThat(pulled).endsWith(repository + ":latest");
    assertThat(Fixtures.exitCode("skopeo", "inspect", "--tls-verify=false", "docker://" + pulled))
        .isZero();
    assertThat(log.lines).contains("[INFO] Tags to write: 1.4.0, latest");
  }

  @Test
  void aSnapshotWritesItsVersionOnlyNeverLatest() throws Exception {
    push(
        ReleaseTags.toPush(List.of(), "1.5.0-SNAPSHOT"),
        ReleaseTags.ofRelease(List.of(), "1.5.0-SNAPSHOT"));

    assertThat(tagExists("1.5.0-SNAPSHOT")).isTrue();
    assertThat(tagExists("latest")).isFalse();
  }

  @Test
  void tagsThatLeaveTheComposeDefaultMissingFailBeforeAnyUpload() throws Exception {
    assertThatThrownBy(() -> push(List.of("1.6.0"), List.of("1.6.0")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "with only ATTUNE_REGISTRY set, service init-pack-binaries pulls tag 'latest'")
        .hasMessageContaining("a release push writes only 1.6.0, so tag 'latest' would be missing")
        .hasMessageContaining("Add latest to pack.image.tags");

    // Nothing reached the registry: not even the repository exists.
    assertThat(tagExists("1.6.0")).isFalse();
    assertThat(log.lines).noneMatch(line -> line.startsWith("[INFO] Pushing"));
    assertThat(temp.resolve("image.json")).doesNotExist();
  }

  @Test
  void aDigestPinnedComposeFileNeedsNoTag() throws Exception {
    String pinned = TestEnvironment.registry() + "/" + repository + "@sha256:" + "a".repeat(64);
    ComposeFile.read(compose, ComposeFile.INIT_SERVICE).writeImage(pinned);

    push(List.of("1.7.0"), List.of("1.7.0"));

    assertThat(tagExists("1.7.0")).isTrue();
  }
}
