package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that cannot be reached: a host name that does not resolve fails the push at once, with
 * one message naming the host; a refused connection (a registry restarting) is retried until the
 * retry timeout.
 */
class UnreachableRegistryTest {

  // RFC 6761: no name under .invalid ever resolves.
  private static final String UNKNOWN_HOST = "pack-registry.invalid";

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private Path layout;

  @BeforeEach
  void layout() throws Exception {
    layout = Fixtures.busyboxLayout(temp.resolve("layout"));
  }

  private ImagePush.Request push(String image, Duration retryTimeout) {
    return new ImagePush.Request(
        layout,
        image,
        List.of("1.0"),
        List.of("1.0"),
        new RegistryAccess(
            new RegistryConnections(),
            false,
            false,
            0,
            retryTimeout,
            null,
            Map.of("DOCKER_CONFIG", temp.toString())),
        null,
        false,
        temp.resolve("image.json"),
        null,
        false);
  }

  @Test
  void anUnknownHostFailsAtOnceNamingTheHost() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                new ImagePush(log, FileDigests.inMemory())
                    .run(push(UNKNOWN_HOST + ":5000/attune/init", Retry.DEFAULT_TIMEOUT)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "the host " + UNKNOWN_HOST + " (of https://" + UNKNOWN_HOST + ":5000)")
        .hasMessageContaining("cannot be resolved")
        .hasMessageContaining("getent hosts " + UNKNOWN_HOST);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("unknown host: failed after " + took.toMillis() + " ms");
    // Far below the two minutes it used to retry for; a slow resolver may take a few seconds.
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    assertThat(log.text()).doesNotContain("retrying");
  }

  @Test
  void aRefusedConnectionIsStillRetriedUntilTheTimeout() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                new ImagePush(log, FileDigests.inMemory())
                    .run(push("127.0.0.1:" + closedPort + "/attune/init", Duration.ofSeconds(2))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(PropertyNames.PUSH_RETRY_TIMEOUT + " is 2.0 s");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(log.text()).contains("retrying in");
  }
}
