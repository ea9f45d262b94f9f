package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registry that answers every request with 429 and {@code Retry-After: 0} (the FaultProxy's
 * TOO_MANY_REQUESTS, in front of the real registry) is asked again at the backoff's pace: a handful
 * of requests in 4 s, not hundreds.
 */
class RetryAfterRegistryTest {

  @Test
  void retryAfterZeroDoesNotTurnTheRetryIntoABusyLoop() throws Exception {
    TestEnvironment.requireRegistry();
    RecordingLog log = new RecordingLog();
    String repository = Fixtures.freshRepository("retry-after");
    try (FaultProxy proxy =
            new FaultProxy(
                TestEnvironment.registry(),
                r ->
                    r.path().contains("/manifests/")
                        ? FaultProxy.Action.TOO_MANY_REQUESTS
                        : FaultProxy.Action.FORWARD);
        RegistryConnections goal = new RegistryConnections();
        HttpRegistryClient client =
            new HttpRegistryClient(goal, proxy.address(), repository, null, false)) {
      RegistryAccess access =
          new RegistryAccess(goal, false, false, 0, Duration.ofSeconds(4), null, Map.of());
      assertThatThrownBy(() -> access.retry(log).run("Reading 1.0", () -> client.manifest("1.0")))
          .isInstanceOf(Retry.StepFailedException.class)
          .hasMessageContaining("HTTP 429");
      long warnings = log.lines.stream().filter(l -> l.startsWith("[WARN] ")).count();
      System.out.println(
          "429 with Retry-After: 0 for 4 s: "
              + proxy.faults()
              + " requests, "
              + warnings
              + " WARN");
      assertThat(proxy.faults()).isBetween(3, 12);
      assertThat(warnings).isEqualTo(proxy.faults() - 1);
    }
  }
}
