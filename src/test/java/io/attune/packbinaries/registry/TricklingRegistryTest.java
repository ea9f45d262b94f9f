package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that sends its headers and then its body one byte at a time, in front of the real
 * registry: every body read stops within the read-inactivity limit when the bytes stop, and within
 * the step's time when they keep trickling, with a message naming the URL. Before these limits, one
 * byte every 5 s held {@code verify -Dpack.image} for good.
 */
class TricklingRegistryTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String repository;
  private String digest;
  private byte[] content;

  @BeforeEach
  void aBlobInTheRegistry() throws IOException {
    TestEnvironment.requireRegistry();
    repository = Fixtures.freshRepository("trickle");
    content = new byte[4096];
    new Random(5).nextBytes(content);
    digest = "sha256:" + Sha256.of(content);
    try (HttpRegistryClient direct =
        new HttpRegistryClient(TestEnvironment.registry(), repository, null, false)) {
      direct.pushBlob(digest, content);
    }
  }

  private static FaultProxy trickling(Duration every) throws IOException {
    return new FaultProxy(
            TestEnvironment.registry(),
            r ->
                r.method().equals("GET") && r.path().contains("/blobs/")
                    ? FaultProxy.Action.TRICKLE
                    : FaultProxy.Action.FORWARD)
        .trickleEvery(every);
  }

  @Test
  void aBodyThatFallsSilentFailsWithinTheIdleLimitNamingItsUrl() throws Exception {
    try (FaultProxy proxy = trickling(Duration.ofSeconds(30));
        RegistryConnections goal =
            new RegistryConnections(
                new BodyWatchdog(Duration.ofSeconds(2), Duration.ofMillis(100)));
        HttpRegistryClient client =
            new HttpRegistryClient(goal, proxy.address(), repository, null, false)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.blob(digest))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("http://" + proxy.address() + "/v2/" + repository + "/blobs/")
          .hasMessageContaining("sent no byte of its body for 2 s (the limit is 2 s)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      long downloadStart = System.nanoTime();
      assertThatThrownBy(() -> client.downloadBlob(digest, content.length, temp.resolve("blob")))
          .hasMessageContaining("/blobs/" + digest)
          .hasMessageContaining("sent no byte of its body");
      assertThat(Duration.ofNanos(System.nanoTime() - downloadStart))
          .isLessThan(Duration.ofSeconds(5));
      assertThat(temp.resolve("blob")).doesNotExist();
    }
  }

  @Test
  void aBodyThatKeepsTricklingEndsWithItsStepNamingItsUrl() throws Exception {
    try (FaultProxy proxy = trickling(Duration.ofMillis(200));
        RegistryConnections goal = new RegistryConnections();
        HttpRegistryClient client =
            new HttpRegistryClient(goal, proxy.address(), repository, null, false)) {
      RegistryAccess access =
          new RegistryAccess(goal, false, false, 0, Duration.ofSeconds(3), null, Map.of());
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> access.retry(log).run("Reading blob " + digest, () -> client.blob(digest)))
          .isInstanceOf(Retry.StepFailedException.class)
          .hasMessageContaining("Reading blob " + digest + " failed after 1 attempt in")
          .hasMessageContaining("http://" + proxy.address() + "/v2/" + repository + "/blobs/")
          .hasMessageContaining("was still sending its body when the step's time ran out");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("trickle at 1 byte / 200 ms, step time 3 s: failed after " + took);
      assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));
    }
  }

  @Test
  void theAuditOfAnImageOnATricklingRegistryEndsWithinItsStepTime() throws Exception {
    String base = TestEnvironment.baseImage().replaceAll("^[^/]+/", "");
    try (FaultProxy proxy =
        new FaultProxy(
                TestEnvironment.registry(),
                r ->
                    r.method().equals("GET") && r.path().contains("/manifests/")
                        ? FaultProxy.Action.TRICKLE
                        : FaultProxy.Action.FORWARD)
            .trickleEvery(Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  new ImageAudit(log)
                      .run(
                          new ImageAudit.Request(
                              proxy.address() + "/" + base,
                              new RegistryAccess(
                                  new RegistryConnections(),
                                  false,
                                  false,
                                  0,
                                  Duration.ofSeconds(4),
                                  null,
                                  Map.of("DOCKER_CONFIG", temp.toString())),
                              temp.resolve("report.json"))))
          .hasMessageContaining("http://" + proxy.address() + "/v2/")
          .hasMessageContaining("was still sending its body when the step's time ran out");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("audit, trickle at 1 byte / s, step time 4 s: failed after " + took);
      assertThat(took).isLessThan(Duration.ofSeconds(7));
      assertThat(Files.exists(temp.resolve("report.json"))).isFalse();
    }
  }

  @Test
  void theWatchdogThreadEndsWithTheGoal() throws Exception {
    try (FaultProxy proxy = trickling(Duration.ofMillis(100))) {
      // Other tests' goals may still have theirs for a moment: this goal's is the one it adds.
      Set<Thread> before = watchdogThreads();
      RegistryConnections goal = new RegistryConnections();
      HttpRegistryClient client =
          new HttpRegistryClient(goal, proxy.address(), repository, null, false);
      Thread reader =
          new Thread(
              () -> {
                try {
                  client.blob(digest);
                } catch (IOException expected) {
                  // ended by the goal's close
                }
              });
      reader.start();
      Thread.sleep(500);
      Set<Thread> ours = watchdogThreads();
      ours.removeAll(before);
      assertThat(ours).isNotEmpty();
      goal.close();
      reader.join(5000);
      assertThat(reader.isAlive()).isFalse();
      for (Thread thread : ours) {
        thread.join(300); // less than the second an idle watchdog lingers
      }
      assertThat(ours).noneMatch(Thread::isAlive);
    }
  }

  private static Set<Thread> watchdogThreads() {
    Set<Thread> threads = new HashSet<>();
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("pack-registry-body-watchdog") && t.isAlive())
        .forEach(threads::add);
    return threads;
  }
}
