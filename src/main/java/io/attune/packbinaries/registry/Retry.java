package io.attune.packbinaries.registry;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * Retries around one registry step (a request, or one upload session), with exponential backoff and
 * jitter, bounded by time: a registry restart takes seconds, and a fixed handful of attempts within
 * two seconds turned such a blip into a failed release. Retries lost connections, 429 and 5xx (jib
 * alone does not retry 5xx); never other 4xx, a TLS handshake failure or a host name that does not
 * resolve, which come back the same every time. An optional attempt limit ({@code
 * pack.push.retries}) stops earlier.
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

  /**
   * How long one step may take, retries and the response bodies it reads included, unless {@code
   * pack.push.retryTimeout} says otherwise (a request in flight at the end is answered within its
   * own timeout; a body being read is cut off within a second).
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");

  private final int maxAttempts;
  private final Duration timeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final BuildLog log;
  // Whose response bodies this retry's steps read, so a step still reading one stops in time.
  private final BodyWatchdog bodies;

  /** At most {@code maxAttempts} attempts within {@link #DEFAULT_TIMEOUT}. */
  public Retry(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      BuildLog log) {
    this(maxAttempts, DEFAULT_TIMEOUT, initialBackoff, maxBackoff, sleeper, System::nanoTime, log);
  }

  /**
   * @param maxAttempts attempts per step; 0 for no limit but the time
   * @param timeout how long one step may keep retrying, from its first attempt
   * @param nanoTime the clock ({@link System#nanoTime}; tests pass one the sleeper advances)
   */
  public Retry(
      int maxAttempts,
      Duration timeout,
      Duration initialBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      LongSupplier nanoTime,
      BuildLog log) {
    this(maxAttempts, timeout, initialBackoff, maxBackoff, sleeper, nanoTime, log, null);
  }

  private Retry(
      int maxAttempts,
      Duration timeout,
      Duration initialBackoff,
      Duration maxBackoff,
      Sleeper sleeper,
      LongSupplier nanoTime,
      BuildLog log,
      BodyWatchdog bodies) {
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must not be negative, was " + maxAttempts);
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    this.maxAttempts = maxAttempts;
    this.timeout = timeout;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.log = log;
    this.bodies = bodies;
  }

  /**
   * This retry, whose steps also end while a response body of {@code connections} is still being
   * read when the step's time is up: the timeout bounds the whole step, not only its retries.
   */
  Retry stoppingBodiesOf(RegistryConnections connections) {
    return new Retry(
        maxAttempts,
        timeout,
        initialBackoff,
        maxBackoff,
        sleeper,
        nanoTime,
        log,
        connections.bodies());
  }

  public static Retry standard(int maxAttempts, BuildLog log) {
    return standard(maxAttempts, DEFAULT_TIMEOUT, log);
  }

  /**
   * Backoff from 200 ms doubling to 5 s: a registry that comes back is noticed within seconds.
   *
   * @param maxAttempts 0 for no limit but the time
   */
  public static Retry standard(int maxAttempts, Duration timeout, BuildLog log) {
    return new Retry(
        maxAttempts,
        timeout,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        d -> Thread.sleep(d.toMillis()),
        System::nanoTime,
        log);
  }

  /**
   * {@code pack.push.retryTimeout}: an ISO-8601 duration ({@code PT2M}) or a number with an
   * optional unit ({@code 90}, {@code 90s}, {@code 500ms}, {@code 2m}, {@code 1h}; seconds when
   * none).
   */
  public static Duration parseTimeout(String text) throws PackFailure {
    String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher simple = SIMPLE_DURATION.matcher(trimmed);
    if (simple.matches()) {
      long amount = Long.parseLong(simple.group(1));
      String unit = simple.group(2) == null ? "s" : simple.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
    try {
      Duration parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      if (!parsed.isNegative()) {
        return parsed;
      }
    } catch (DateTimeParseException notIso) {
      // the message below says what is accepted
    }
    throw new PackFailure(
        PropertyNames.PUSH_RETRY_TIMEOUT
            + "="
            + text
            + " is not a duration; write seconds (120), a number with a unit (90s, 2m, 500ms)"
            + " or ISO-8601 (PT2M)");
  }

  /**
   * Runs {@code step} until it succeeds, fails permanently, or runs out of time or attempts; then
   * throws an exception whose message names {@code what} ("Pushing blob … of linux/arm64 to …").
   */
  public <T> T run(String what, Step<T> step) throws IOException, InterruptedException {
    if (bodies == null) {
      return attempts(what, step);
    }
    try (BodyWatchdog.Scope inStep = bodies.duringStep(timeout)) {
      return attempts(what, step);
    }
  }

  private <T> T attempts(String what, Step<T> step) throws IOException, InterruptedException {
    long start = nanoTime.getAsLong();
    for (int attempt = 1; ; attempt++) {
      try {
        return step.run();
      } catch (IOException e) {
        // A stopped step (a sibling failed, or the build was cancelled) is not retried, nor
        // reported as one: the failure that stopped it is what the user reads.
        if (!isTransient(e) || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
        Duration left = timeout.minus(elapsed);
        if (maxAttempts > 0 && attempt >= maxAttempts) {
          throw new StepFailedException(
              what + " failed after " + attempts(attempt) + ": " + describe(e), e);
        }
        if (left.isNegative() || left.isZero()) {
          throw new StepFailedException(
              what
                  + " failed after "
                  + attempts(attempt)
                  + " in "
                  + seconds(elapsed)
                  + " ("
                  + PropertyNames.PUSH_RETRY_TIMEOUT
                  + " is "
                  + seconds(timeout)
                  + "): "
                  + describe(e),
              e);
        }
        Duration wait =
            Duration.ofMillis(Math.min(backoff(attempt, e).toMillis(), left.toMillis()));
        log.warn(
            what
                + ": "
                + describe(e)
                + "; retrying in "
                + wait.toMillis()
                + " ms (attempt "
                + (attempt + 1)
                + (maxAttempts > 0 ? " of " + maxAttempts : "")
                + ", "
                + seconds(left)
                + " left of "
                + seconds(timeout)
                + ")");
        sleeper.sleep(wait);
      }
    }
  }

  static boolean isTransient(IOException e) {
    if (e instanceof Retryable retryable) {
      return retryable.isTransient();
    }
    return !(e instanceof SSLHandshakeException)
        && !(e instanceof UnknownHostException)
        && !(e instanceof StepFailedException);
  }

  /**
   * The exponential backoff, or the server's {@code Retry-After} when it asks for longer: a hint
   * shorter than the backoff (a 503 with {@code Retry-After: 0} made 323 requests in 16 s) waits
   * the backoff.
   */
  Duration backoff(int attempt, IOException e) {
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    // Jitter in [capped/2, capped]: parallel clients do not retry in lockstep.
    Duration backoff =
        Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    if (e instanceof Retryable hinted
        && hinted.retryAfter() != null
        && hinted.retryAfter().compareTo(backoff) > 0) {
      return hinted.retryAfter();
    }
    return backoff;
  }

  private static String attempts(int attempt) {
    return attempt + (attempt == 1 ? " attempt" : " attempts");
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** The last attempt of a step failed; the message names the step. */
  public static final class StepFailedException extends IOException {
    StepFailedException(String message, IOException cause) {
      super(message, cause);
    }
  }
}
