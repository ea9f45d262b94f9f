package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.testing.RecordingLog;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * Retry and the Retry-After header it honours (both in the mutation group "parsers", whose tests
 * are this class). A fake clock advances exactly by each wait, so the time bound is exact.
 */
class RetryTest {

  private final List<Duration> waits = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final RecordingLog log = new RecordingLog();

  private Retry retry(int maxAttempts, Duration timeout, Duration initial, Duration max) {
    return new Retry(
        maxAttempts,
        timeout,
        initial,
        max,
        wait -> {
          waits.add(wait);
          clock.addAndGet(wait.toNanos());
        },
        clock::get,
        log);
  }

  private static Retry.Step<String> failing(AtomicInteger calls, IOException failure) {
    return () -> {
      calls.incrementAndGet();
      throw failure;
    };
  }

  @Test
  void retriesLostConnections429And5xxThenSucceeds() throws Exception {
    Retry retry =
        new Retry(4, Duration.ofMillis(200), Duration.ofSeconds(1), waits::add, BuildLog.SILENT);
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
    assertThat(calls).hasValue(4);
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(waits.get(2)).as("Retry-After is honoured").isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void keepsTryingUntilTheTimeIsUpThenNamesTheStepTheAttemptsAndTheTime() {
    Retry retry = retry(0, Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMillis(1));
    AtomicInteger calls = new AtomicInteger();

    // Every answer asks for 3 s: attempts at 0, 3, 6, 9 and, after the 1 s that is left, at 10.
    assertThatThrownBy(
            () ->
                retry.run(
                    "Pushing blob sha256:abc… of linux/arm64 to r/x",
                    failing(
                        calls,
                        new RegistryException(503, "HTTP 503 from r", Duration.ofSeconds(3)))))
        .isInstanceOf(Retry.StepFailedException.class)
        .hasMessage(
            "Pushing blob sha256:abc… of linux/arm64 to r/x failed after 5 attempts in 10.0 s"
                + " (pack.push.retryTimeout is 10.0 s): HTTP 503 from r")
        .hasCauseInstanceOf(RegistryException.class);
    assertThat(calls).hasValue(5);
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(1));
    assertThat(log.lines)
        .first()
        .isEqualTo(
            "[WARN] Pushing blob sha256:abc… of linux/arm64 to r/x: HTTP 503 from r; retrying in"
                + " 3000 ms (attempt 2, 10.0 s left of 10.0 s)");
    assertThat(log.lines.get(3)).endsWith("retrying in 1000 ms (attempt 5, 1.0 s left of 10.0 s)");
  }

  @Test
  void aStepStoppedByAnInterruptIsNotRetriedNorLoggedAsRetrying() {
    AtomicInteger calls = new AtomicInteger();
    Retry retry = retry(0, Duration.ofHours(1), Duration.ofMillis(1), Duration.ofMillis(1));
    try {
      assertThatThrownBy(
              () ->
                  retry.run(
                      "step",
                      () -> {
                        calls.incrementAndGet();
                        // What the HTTP client's send does when its thread is interrupted.
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                      }))
          .isInstanceOf(IOException.class)
          .hasMessage("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).as("still interrupted").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
    assertThat(log.lines).isEmpty();
  }

  @Test
  void aTimeoutOfZeroMeansOneAttempt() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(0, Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(1))
                    .run("step", failing(calls, new IOException("reset"))))
        .isInstanceOf(Retry.StepFailedException.class)
        .hasMessage(
            "step failed after 1 attempt in 0.0 s (pack.push.retryTimeout is 0.0 s): reset");
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void anAttemptLimitStopsBeforeTheTimeDoes() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(3, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofSeconds(1))
                    .run("step", failing(calls, new RegistryException(502, "HTTP 502"))))
        .isInstanceOf(Retry.StepFailedException.class)
        .hasMessage("step failed after 3 attempts: HTTP 502");
    assertThat(calls).hasValue(3);
    assertThat(waits).hasSize(2);
    assertThat(log.lines.get(1)).contains("(attempt 3 of 3, ");
  }

  @Test
  void oneAttemptIsSaidInTheSingular() {
    assertThatThrownBy(
            () ->
                retry(1, Duration.ofHours(1), Duration.ofMillis(1), Duration.ofMillis(1))
                    .run("step", failing(new AtomicInteger(), new IOException(""))))
        .hasMessage("step failed after 1 attempt: IOException");
  }

  @Test
  void aFailureWithoutAMessageIsNamedByItsType() {
    assertThatThrownBy(
            () ->
                retry(1, Duration.ofHours(1), Duration.ofMillis(1), Duration.ofMillis(1))
                    .run("step", failing(new AtomicInteger(), new ConnectException())))
        .hasMessage("step failed after 1 attempt: ConnectException");
  }

  @Test
  void theStandardRetryReallyWaits() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    String result =
        Retry.standard(2, BuildLog.SILENT)
            .run(
                "step",
                () -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IOException("reset");
                  }
                  return "done";
                });
    assertThat(result).isEqualTo("done");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void neverRetriesOther4xxNorAHandshakeNorAnOversizedResponse() {
    for (IOException permanent :
        List.of(
            new RegistryException(401, "HTTP 401"),
            new SSLHandshakeException("PKIX"),
            new ResponseTooLargeException(URI.create("https://r/v2/x"), "a manifest", 4 << 20))) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  retry(5, Duration.ofHours(1), Duration.ofMillis(1), Duration.ofMillis(1))
                      .run("step", failing(calls, permanent)))
          .isSameAs(permanent);
      assertThat(calls).hasValue(1);
    }
    assertThat(waits).isEmpty();
  }

  @Test
  void whatIsTransient() {
    assertThat(Retry.isTransient(new IOException("reset"))).isTrue();
    assertThat(Retry.isTransient(new RegistryException(500, "x"))).isTrue();
    assertThat(Retry.isTransient(new RegistryException(429, "x"))).isTrue();
    assertThat(Retry.isTransient(new RegistryException(404, "x"))).isFalse();
    assertThat(Retry.isTransient(new SSLHandshakeException("PKIX"))).isFalse();
    assertThat(Retry.isTransient(new java.net.UnknownHostException("r.invalid"))).isFalse();
    assertThat(
            Retry.isTransient(
                new UnknownHostFailure(
                    URI.create("https://r.invalid/v2/"), new java.net.ConnectException())))
        .isFalse();
    assertThat(Retry.isTransient(new java.net.ConnectException("Connection refused"))).isTrue();
    assertThat(
            Retry.isTransient(
                new Retry.StepFailedException("inner step gave up", new IOException("x"))))
        .isFalse();
  }

  @Test
  void backoffDoublesFromTheInitialWaitUpToTheCapWithJitterInTheUpperHalf() {
    Retry retry = retry(0, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofMillis(1000));
    IOException reset = new IOException("reset");
    for (int i = 0; i < 50; i++) {
      assertThat(retry.backoff(1, reset)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(retry.backoff(2, reset)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(retry.backoff(3, reset)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(retry.backoff(5, reset))
          .isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(retry.backoff(64, reset))
          .isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
  }

  @Test
  void aRetryAfterShorterThanTheBackoffWaitsTheBackoffAndALongerOneIsHonoured() {
    Retry retry = retry(0, Duration.ofHours(1), Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 50; i++) {
      assertThat(retry.backoff(3, new RegistryException(503, "x", Duration.ZERO)))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(retry.backoff(5, new RegistryException(429, "x", Duration.ofMillis(100))))
          .isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(retry.backoff(1, new RegistryException(429, "x", Duration.ofSeconds(7))))
          .isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void a503WithRetryAfterZeroIsRetriedAtTheBackoffsPaceNotInALoop() {
    // What a registry did: 503 with Retry-After: 0 on every request, for 16 s. It got 323
    // requests and 322 WARN lines; now as many as the backoff allows (200 ms doubling to 5 s).
    Retry retry =
        new Retry(
            0,
            Duration.ofSeconds(16),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            wait -> {
              waits.add(wait);
              clock.addAndGet(wait.toNanos());
            },
            clock::get,
            log);
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    "step", failing(calls, new RegistryException(503, "HTTP 503", Duration.ZERO))))
        .isInstanceOf(Retry.StepFailedException.class);
    assertThat(calls.get()).isBetween(6, 12);
    assertThat(log.lines.stream().filter(l -> l.startsWith("[WARN] "))).hasSize(calls.get() - 1);
    assertThat(waits).allSatisfy(wait -> assertThat(wait).isPositive());
  }

  @Test
  void theExponentStopsGrowingAtTwenty() {
    Retry retry = retry(0, Duration.ofHours(1), Duration.ofMillis(1), Duration.ofDays(1));
    for (int i = 0; i < 50; i++) {
      assertThat(retry.backoff(40, new IOException()))
          .isBetween(Duration.ofMillis(1 << 19), Duration.ofMillis(1 << 20));
    }
  }

  @Test
  void jitterReachesBothEndsOfItsRange() {
    Retry retry = retry(0, Duration.ofHours(1), Duration.ofMillis(4), Duration.ofMillis(4));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      seen.add(retry.backoff(1, new IOException()).toMillis());
    }
    assertThat(seen).containsExactlyInAnyOrder(2L, 3L, 4L);
  }

  @Test
  void theStandardRetryStartsAt200MsAndWaitsAtMost5s() {
    Retry retry = Retry.standard(0, BuildLog.SILENT);
    for (int i = 0; i < 50; i++) {
      assertThat(retry.backoff(1, new IOException()))
          .isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(retry.backoff(30, new IOException()))
          .isBetween(Duration.ofMillis(2500), Duration.ofMillis(5000));
    }
    assertThat(Retry.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void theStandardRetryGivesUpAtItsTimeout() {
    Retry retry = Retry.standard(0, Duration.ZERO, BuildLog.SILENT);
    assertThatThrownBy(() -> retry.run("step", failing(new AtomicInteger(), new IOException("x"))))
        .hasMessageContaining("failed after 1 attempt in");
  }

  @Test
  void rejectsANegativeLimitOrTimeout() {
    assertThatThrownBy(
            () -> retry(-1, Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must not be negative, was -1");
    assertThatThrownBy(
            () -> retry(0, Duration.ofSeconds(-1), Duration.ofMillis(1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must not be negative, was PT-1S");
  }

  @Test
  void parsesTheTimeoutPropertyInSecondsUnitsOrIso8601() throws Exception {
    assertThat(Retry.parseTimeout("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(Retry.parseTimeout(" 90s ")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Retry.parseTimeout("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Retry.parseTimeout("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Retry.parseTimeout("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Retry.parseTimeout("3 M")).isEqualTo(Duration.ofMinutes(3));
    assertThat(Retry.parseTimeout("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Retry.parseTimeout("pt0s")).isEqualTo(Duration.ZERO);
    for (String bad : new String[] {"soon", "-PT1M", "-5", "", "5d"}) {
      assertThatThrownBy(() -> Retry.parseTimeout(bad))
          .isInstanceOf(PackFailure.class)
          .hasMessage(
              "pack.push.retryTimeout="
                  + bad
                  + " is not a duration; write seconds (120), a number with a unit (90s, 2m,"
                  + " 500ms) or ISO-8601 (PT2M)");
    }
    assertThatThrownBy(() -> Retry.parseTimeout(null)).isInstanceOf(PackFailure.class);
  }

  // ---- Retry-After (RFC 9110 section 10.2.3)

  private static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

  private static Optional<Duration> retryAfter(String value) {
    return RetryAfterHeader.parse(value, NOW);
  }

  @Test
  void retryAfterInSecondsIsClampedToTheCap() {
    assertThat(retryAfter("0")).contains(Duration.ZERO);
    assertThat(retryAfter(" 30 ")).contains(Duration.ofSeconds(30));
    assertThat(retryAfter("60")).contains(Duration.ofSeconds(60));
    assertThat(retryAfter("61")).contains(RetryAfterHeader.CAP);
    assertThat(retryAfter("999999999999999999")).contains(RetryAfterHeader.CAP);
    assertThat(retryAfter("9999999999999999999999")).contains(RetryAfterHeader.CAP);
    assertThat(RetryAfterHeader.CAP).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aRetryAfterThatIsNeitherSecondsNorADateIsNoHint() {
    assertThat(retryAfter("-1")).isEmpty();
    assertThat(retryAfter("1.5")).isEmpty();
    assertThat(retryAfter("")).isEmpty();
    assertThat(retryAfter(null)).isEmpty();
    assertThat(retryAfter("soon")).isEmpty();
    assertThat(retryAfter("Sun, 29 Foo 2026 05:00:20 GMT")).isEmpty();
    assertThat(retryAfter("Sun, 31 Feb 2026 05:00:20 GMT")).isEmpty();
    assertThat(retryAfter("Sun, 29 Nov 2026 05:00:20 CET")).isEmpty();
  }

  @Test
  void retryAfterAsAnHttpDateInEachOfItsThreeForms() {
    assertThat(retryAfter("Sun, 29 Nov 2026 05:00:20 GMT")).contains(Duration.ofSeconds(20));
    assertThat(retryAfter("Sunday, 29-Nov-26 05:00:21 GMT")).contains(Duration.ofSeconds(21));
    assertThat(retryAfter("Sun Nov 29 05:00:22 2026")).contains(Duration.ofSeconds(22));
    assertThat(
            RetryAfterHeader.parse(
                "Fri Nov  6 08:49:37 1998", Instant.parse("1998-11-06T08:49:00Z")))
        .contains(Duration.ofSeconds(37));
  }

  @Test
  void aDateInThePastMeansNowAndOneFarAheadIsCapped() {
    assertThat(retryAfter("Sun, 29 Nov 2026 04:59:00 GMT")).contains(Duration.ZERO);
    assertThat(retryAfter("Mon, 30 Nov 2026 05:00:00 GMT")).contains(RetryAfterHeader.CAP);
  }

  @Test
  void aTwoDigitYearMoreThan50YearsAheadIsInThePastCentury() {
    assertThat(RetryAfterHeader.twoDigitYear(26, 2026)).isEqualTo(2026);
    assertThat(RetryAfterHeader.twoDigitYear(76, 2026)).isEqualTo(2076);
    assertThat(RetryAfterHeader.twoDigitYear(77, 2026)).isEqualTo(1977);
    assertThat(RetryAfterHeader.twoDigitYear(0, 2099)).isEqualTo(2000);
    assertThat(RetryAfterHeader.twoDigitYear(50, 2099)).isEqualTo(2050);
  }
}
