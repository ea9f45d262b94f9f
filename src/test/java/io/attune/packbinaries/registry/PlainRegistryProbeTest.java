package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TcpRelay;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loopback registry that answered plain HTTP is not probed for TLS again by the next client of
 * the same goal (a goal makes several, over its {@link RegistryConnections}), a new goal probes
 * afresh, and one that comes back speaking TLS on the same port is probed again. Between client and
 * registry sits a relay that only counts the connections opening with a TLS handshake record, and
 * can be pointed at the TLS registry to play a restart.
 */
class PlainRegistryProbeTest {

  private static final String MISSING = "sha256:" + "0".repeat(64);

  private TcpRelay relay;
  private final RecordingLog log = new RecordingLog();
  private final RegistryConnections goal = new RegistryConnections();

  @BeforeEach
  void relay() throws IOException {
    TestEnvironment.requireRegistry();
    relay = new TcpRelay(TestEnvironment.registry());
  }

  @AfterEach
  void close() throws IOException {
    goal.close();
    relay.close();
  }

  private HttpRegistryClient client(Credentials credentials, boolean allowInsecure) {
    return new HttpRegistryClient(
        goal, relay.address(), "library/busybox", credentials, allowInsecure);
  }

  @Test
  void onlyTheFirstClientOfAGoalProbesAPlainLoopbackRegistryAndANewGoalProbesAgain()
      throws IOException {
    assertThat(client(null, false).hasManifest(MISSING)).isFalse();
    assertThat(relay.tlsConnections).hasValue(1);

    for (int i = 0; i < 3; i++) {
      assertThat(client(null, false).hasManifest(MISSING)).isFalse();
    }
    assertThat(relay.tlsConnections).hasValue(1);
    assertThat(relay.connections.get()).isGreaterThanOrEqualTo(2);

    try (RegistryConnections nextGoal = new RegistryConnections();
        HttpRegistryClient client =
            new HttpRegistryClient(nextGoal, relay.address(), "library/busybox", null, false)) {
      assertThat(client.hasManifest(MISSING)).isFalse();
    }
    assertThat(relay.tlsConnections).hasValue(2);
  }

  @Test
  void prepareProbesBeforeAnyRequestSoTheClientsMadeAfterItDoNot() throws IOException {
    try (HttpRegistryClient push = client(null, false)) {
      push.prepare();
      assertThat(relay.tlsConnections).hasValue(1);
      assertThat(goal.knownPlain(relay.address())).isTrue();

      // The supply chain's client, made once the push has begun.
      try (HttpRegistryClient documents = client(null, false)) {
        assertThat(documents.hasManifest(MISSING)).isFalse();
      }
      assertThat(push.hasManifest(MISSING)).isFalse();
    }
    assertThat(relay.tlsConnections).hasValue(1);
  }

  @Test
  void prepareAgainstNoRegistryDecidesNothingAndLeavesTheFailureToTheFirstRequest()
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String nothing = "127.0.0.1:" + closed;
    try (HttpRegistryClient client =
        new HttpRegistryClient(goal, nothing, "library/busybox", null, false)) {
      client.prepare();
      assertThat(goal.knownPlain(nothing)).isFalse();
      assertThatThrownBy(() -> client.hasManifest(MISSING)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aRegistryThatComesBackWithTlsOnTheSamePortIsProbedAgain() throws Exception {
    String passwordFile = TestEnvironment.value("PACK_TEST_REGISTRY_PASSWORD_FILE", "");
    TestEnvironment.require(
        !passwordFile.isEmpty() && Files.isRegularFile(Path.of(passwordFile)),
        "The secure registry's password file");
    Credentials credentials =
        new Credentials(
            TestEnvironment.value("PACK_TEST_REGISTRY_USER", "attune"),
            Files.readString(Path.of(passwordFile)).strip(),
            "test");
    assertThat(client(null, true).hasManifest(MISSING)).isFalse();
    assertThat(relay.tlsConnections).hasValue(1);
    assertThat(goal.knownPlain(relay.address())).isTrue();

    relay.restart(TestEnvironment.secureRegistry()); // with TLS, dropping its connections
    HttpRegistryClient after = client(credentials, true);
    boolean found =
        Retry.standard(0, Duration.ofSeconds(30), log)
            .run("Checking a manifest", () -> after.hasManifest(MISSING));

    assertThat(found).isFalse();
    assertThat(log.text()).contains("answered plain HTTP with 400").contains("probing again");
    assertThat(relay.tlsConnections.get()).isGreaterThanOrEqualTo(2);
    assertThat(goal.knownPlain(relay.address())).isFalse();
  }
}
