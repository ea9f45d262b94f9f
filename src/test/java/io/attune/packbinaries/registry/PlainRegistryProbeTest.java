package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loopback registry that answered plain HTTP is not probed for TLS again by the next client in
 * the same JVM (a goal makes several), and one that comes back speaking TLS on the same port is
 * probed afresh. Between client and registry sits a relay that only counts the connections opening
 * with a TLS handshake record, and can be pointed at the TLS registry to play a restart.
 */
class PlainRegistryProbeTest {

  private static final String MISSING = "sha256:" + "0".repeat(64);

  private Relay relay;
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void relay() throws IOException {
    TestEnvironment.requireRegistry();
    relay = new Relay(TestEnvironment.registry());
  }

  @AfterEach
  void close() throws IOException {
    relay.close();
  }

  private HttpRegistryClient client(Credentials credentials, boolean allowInsecure) {
    return new HttpRegistryClient(relay.address(), "library/busybox", credentials, allowInsecure);
  }

  @Test
  void onlyTheFirstClientProbesAPlainLoopbackRegistry() throws IOException {
    assertThat(client(null, false).hasManifest(MISSING)).isFalse();
    assertThat(relay.tlsConnections).hasValue(1);

    for (int i = 0; i < 3; i++) {
      assertThat(client(null, false).hasManifest(MISSING)).isFalse();
    }
    assertThat(relay.tlsConnections).hasValue(1);
    assertThat(relay.connections.get()).isGreaterThanOrEqualTo(5);
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

    relay.upstream = TestEnvironment.secureRegistry(); // "restarted" with TLS
    HttpRegistryClient after = client(credentials, true);
    boolean found =
        Retry.standard(0, Duration.ofSeconds(30), log)
            .run("Checking a manifest", () -> after.hasManifest(MISSING));

    assertThat(found).isFalse();
    assertThat(log.text()).contains("answered plain HTTP with 400").contains("probing again");
    assertThat(relay.tlsConnections.get()).isGreaterThanOrEqualTo(2);
  }

  /** Relays TCP to {@link #upstream}, counting connections whose first byte opens a TLS record. */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ExecutorService pumps = Executors.newCachedThreadPool();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger tlsConnections = new AtomicInteger();
    volatile String upstream;

    Relay(String upstream) throws IOException {
      this.upstream = upstream;
      pumps.execute(this::accept);
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          pumps.execute(() -> relay(client));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void relay(Socket client) {
      try (client) {
        InputStream in = client.getInputStream();
        int first = in.read();
        if (first < 0) {
          return;
        }
        connections.incrementAndGet();
        if (first == 0x16) {
          tlsConnections.incrementAndGet();
        }
        String[] hostPort = upstream.split(":");
        try (Socket registry = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
          OutputStream toRegistry = registry.getOutputStream();
          toRegistry.write(first);
          pumps.execute(() -> pump(registry, client));
          in.transferTo(toRegistry);
          registry.shutdownOutput();
          // The client hung up; let the registry's last answer drain (the pump closes it).
          while (!registry.isClosed()) {
            Thread.sleep(5);
          }
        }
      } catch (IOException | InterruptedException e) {
        // either side went away
      }
    }

    private static void pump(Socket from, Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
        to.shutdownOutput();
        from.close();
      } catch (IOException e) {
        // either side went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      pumps.shutdownNow();
    }
  }
}
