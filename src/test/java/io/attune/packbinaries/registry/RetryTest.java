package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.BuildLog;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

  private final List<Duration> waits = new ArrayList<>();
  private final Retry retry =
      new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(1), waits::add, BuildLog.SILENT);

  @Test
  void retriesLostConnections429And5xxThenSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry.run(
            "step",
            () ->
                switch (calls.incrementAndGet()) {
                  case 1 -> throw new ConnectException("Connection refused");
                  case 2 -> throw new RegistryException(503, "HTTP 503");
                  case 3 -> throw new RegistryException(429, "HTTP 429", Duration.ofSeconds(2));
                  default -> "done";
                });

    assertThat(result).isEqualTo("done");
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(waits.get(2)).as("Retry-After is honoured").isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void givesUpAfterTheLastAttemptNamingTheStep() {
    assertThatThrownBy(
            () ->
                retry.run(
                    "Pushing blob sha256:abc… of linux/arm64 to r/x",
                    () -> {
                      throw new RegistryException(503, "HTTP 503 from r");
                    }))
        .isInstanceOf(Retry.StepFailedException.class)
        .hasMessage(
            "Pushing blob sha256:abc… of linux/arm64 to r/x failed after 4 attempts: HTTP 503 from r");
    assertThat(waits)
        .hasSize(3)
        .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(1)));
  }

  @Test
  void neverRetriesOther4xx() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    "step",
                    () -> {
                      calls.incrementAndGet();
                      throw new RegistryException(401, "HTTP 401");
                    }))
        .isInstanceOf(RegistryException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void anyIoErrorButAHandshakeIsTransient() {
    assertThat(Retry.isTransient(new IOException("reset"))).isTrue();
    assertThat(Retry.isTransient(new javax.net.ssl.SSLHandshakeException("PKIX"))).isFalse();
  }
}
