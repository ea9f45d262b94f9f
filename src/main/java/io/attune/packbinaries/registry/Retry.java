package io.attune.packbinaries.registry;

import io.attune.packbinaries.BuildLog;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;

/**
 * Bounded retries with exponential backoff and jitter around one registry step. Retries lost
 * connections, 429 and 5xx (jib alone does not retry 5xx); never other 4xx, nor a TLS handshake
 * failure, which come back the same every time.
 */
public final class Retry {

  /** One step: a request or a few that are safe to repeat. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws IOException;
  }

  /** How to wait; tests pass one that does not. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;
  private final BuildLog log;

  public Retry(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      BuildLog log) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
    this.log = log;
  }

  public static Retry standard(int maxAttempts, BuildLog log) {
    return new Retry(
        maxAttempts,
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        d -> Thread.sleep(d.toMillis()),
        log);
  }

  /**
   * Runs {@code step} until it succeeds, fails permanently, or runs out of attempts; then throws an
   * exception whose message names {@code what} ("Pushing blob … of linux/arm64 to …").
   */
  public <T> T run(String what, Step<T> step) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.run();
      } catch (IOException e) {
        if (!isTransient(e)) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          throw new StepFailedException(
              what
                  + " failed after "
                  + attempt
                  + (attempt == 1 ? " attempt: " : " attempts: ")
                  + describe(e),
              e);
        }
        Duration wait = backoff(attempt, e);
        log.warn(
            what
                + ": "
                + describe(e)
                + "; retrying in "
                + wait.toMillis()
                + " ms (attempt "
                + (attempt + 1)
                + " of "
                + maxAttempts
                + ")");
        sleeper.sleep(wait);
      }
    }
  }

  static boolean isTransient(IOException e) {
    if (e instanceof RegistryException registry) {
      return registry.isTransient();
    }
    return !(e instanceof SSLHandshakeException) && !(e instanceof StepFailedException);
  }

  private Duration backoff(int attempt, IOException e) {
    if (e instanceof RetryAfter hinted
        && hinted.retryAfter() != null
        && hinted.retryAfter().compareTo(MAX_RETRY_AFTER) <= 0) {
      return hinted.retryAfter();
    }
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    // Full jitter in [capped/2, capped]: parallel clients do not retry in lockstep.
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** A 429 or 503 that said how long to wait. */
  public interface RetryAfter {
    Duration retryAfter();
  }

  /** The last attempt of a step failed; the message names the step. */
  public static final class StepFailedException extends IOException {
    StepFailedException(String message, IOException cause) {
      super(message, cause);
    }
  }
}
