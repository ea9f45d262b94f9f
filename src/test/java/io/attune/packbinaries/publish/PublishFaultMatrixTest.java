package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.RegistryProcess;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes that must outlast what real registries do: a fifth of all requests failing (503, 429, a
 * dropped connection) in 20 seeded runs, and the registry process stopped in the middle of an
 * upload and started again 15 s later. Retries are bounded by time, not by a small count.
 */
class PublishFaultMatrixTest {

  @TempDir Path temp;
  private LayoutReader.Layout layout;

  @BeforeEach
  void layout() throws Exception {
    layout = new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
  }

  private PushResult push(String registry, String repository, Retry retry, RecordingLog log)
      throws Exception {
    return new Publisher(
            new HttpRegistryClient(registry, repository, null, false),
            ImageReference.parse(registry + "/" + repository),
            retry,
            log,
            "no credentials")
        .push(layout, List.of("1.0"));
  }

  /** No attempt limit, only the time bound; short backoff so 20 pushes take seconds. */
  private static Retry timeBounded(RecordingLog log) {
    return new Retry(
        0,
        Duration.ofSeconds(60),
        Duration.ofMillis(5),
        Duration.ofMillis(100),
        d -> Thread.sleep(d.toMillis()),
        System::nanoTime,
        log);
  }

  @Test
  void twentySeededPushesAtTwentyPercentFaultsAllComplete() throws Exception {
    String registry = TestEnvironment.registry();
    int completed = 0;
    int faults = 0;
    int requests = 0;
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      List<String> kinds = Collections.synchronizedList(new ArrayList<>());
      String repository = Fixtures.freshRepository("matrix-" + seed);
      RecordingLog log = new RecordingLog();
      int[] seen = {0};
      try (FaultProxy proxy =
          new FaultProxy(
              registry,
              request -> {
                synchronized (random) {
                  seen[0]++;
                  if (random.nextInt(100) >= 20) {
                    return FaultProxy.Action.FORWARD;
                  }
                  FaultProxy.Action fault =
                      switch (random.nextInt(3)) {
                        case 0 -> FaultProxy.Action.UNAVAILABLE;
                        case 1 -> FaultProxy.Action.TOO_MANY_REQUESTS;
                        default -> FaultProxy.Action.DROP;
                      };
                  kinds.add(fault.name());
                  return fault;
                }
              })) {
        PushResult result = push(proxy.address(), repository, timeBounded(log), log);

        assertThat(result.platforms()).hasSize(2);
        faults += proxy.faults();
      }
      requests += seen[0];
      // What a user checks: the tag is the local index, byte for byte, in the real registry.
      assertThat(
              new HttpRegistryClient(registry, repository, null, false).manifest("1.0").content())
          .as("seed " + seed)
          .isEqualTo(layout.indexBytes());
      completed++;
    }
    System.out.printf(
        "fault matrix: %d of 20 pushes completed; %d faults injected in %d requests (%.1f%%)%n",
        completed, faults, requests, 100.0 * faults / requests);
    assertThat(completed).isEqualTo(20);
    assertThat((double) faults / requests).isBetween(0.12, 0.28);
  }

  @Test
  void anUploadSentOnToNoHttpUrlFailsOnceNamingItAndTagsNothing() throws Exception {
    String registry = TestEnvironment.registry();
    String repository = Fixtures.freshRepository("misdirected");
    RecordingLog log = new RecordingLog();
    try (FaultProxy proxy =
        new FaultProxy(
            registry,
            request ->
                request.method().equals("POST")
                    ? FaultProxy.Action.MISDIRECT
                    : FaultProxy.Action.FORWARD)) {
      assertThatThrownBy(() -> push(proxy.address(), repository, timeBounded(log), log))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageStartingWith("Pushing blob sha256:")
          .hasMessageContaining("sent its client on to '" + FaultProxy.MISDIRECTED_TO + "'")
          .hasMessageContaining("is misconfigured");
      // Not a transient failure: no retry.
      assertThat(log.text()).doesNotContain("retrying");
    }
    assertThat(new HttpRegistryClient(registry, repository, null, false).manifestDigest("1.0"))
        .isEmpty();
  }

  @Test
  void aRegistryStoppedMidUploadAndStarted15SecondsLaterStillGetsThePush() throws Exception {
    RecordingLog log = new RecordingLog();
    String repository = Fixtures.freshRepository("outage");
    List<String> writes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicReference<Exception> restartFailure = new AtomicReference<>();
    try (RegistryProcess registry = new RegistryProcess(temp.resolve("registry"))) {
      Thread restart =
          new Thread(
              () -> {
                try {
                  Thread.sleep(15_000);
                  registry.start();
                } catch (Exception e) {
                  restartFailure.set(e);
                }
              });
      long start = System.nanoTime();
      try (FaultProxy proxy =
          new FaultProxy(
              registry.address(),
              request -> {
                if (request.method().equals("PUT")) {
                  writes.add(request.path());
                }
                // The first blob upload's PUT: the registry dies under it, and comes back in 15 s.
                if (request.method().equals("PUT")
                    && request.path().contains("/blobs/uploads/")
                    && stopped.compareAndSet(false, true)) {
                  try {
                    registry.stop();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  restart.start();
                }
                return FaultProxy.Action.FORWARD;
              })) {
        PushResult result = push(proxy.address(), repository, Retry.standard(0, log), log);

        assertThat(result.platforms()).hasSize(2);
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      restart.join();
      assertThat(restartFailure.get()).isNull();
      System.out.printf("outage: the push completed after %d s%n", seconds);
      assertThat(stopped).isTrue();
      assertThat(seconds).isGreaterThanOrEqualTo(15);
      // The log shows the waits, and the tag is the last thing written.
      assertThat(log.text()).contains("retrying in", "left of 120.0 s");
      assertThat(writes.get(writes.size() - 1)).endsWith("/manifests/1.0");
      assertThat(writes.stream().filter(w -> w.endsWith("/manifests/1.0"))).hasSize(1);
      assertThat(
              new HttpRegistryClient(registry.address(), repository, null, false)
                  .manifest("1.0")
                  .content())
          .isEqualTo(layout.indexBytes());
    }
  }
}
