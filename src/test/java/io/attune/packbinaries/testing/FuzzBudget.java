package io.attune.packbinaries.testing;

import java.time.Duration;
import java.util.Random;

/**
 * How many cases a fuzz test runs, and with which seed.
 *
 * <p>The convention for every parser fuzzed in this project (ELF, OCI layout, compose): each fuzz
 * test exists twice. The long variant is tagged {@code @Tag(FuzzBudget.TAG)} ("fuzz"); surefire
 * excludes that tag from {@code make test}, and {@code make fuzz} (pom profile "fuzz") runs only
 * it, with {@link #cases(int) cases(base)} = base × {@code pack.fuzz.scale} (100 in the profile, 1
 * otherwise) and a fresh seed that it prints, so a failure can be replayed with {@code
 * -Dpack.fuzz.seed=N}. The short variant is untagged, runs the same body with {@link #FIXED_SEED}
 * and the base count, and must finish within a few seconds inside {@code make test}. Both draw
 * every random choice from the {@link Random} that {@link #random()} or {@link #fixedRandom()}
 * returns (never from {@code Math.random} or a clock), so a seed replays the same cases. Each run
 * prints a {@link #summary} line with its counts, and every crash it finds becomes a named
 * regression test.
 */
public final class FuzzBudget {

  /** The JUnit tag of the long variants; {@code make fuzz} runs only this group. */
  public static final String TAG = "fuzz";

  /** Multiplies each fuzz test's base case count ({@code make fuzz} sets it to 100). */
  public static final String SCALE_PROPERTY = "pack.fuzz.scale";

  /** Replays one long run: the seed its summary line printed. */
  public static final String SEED_PROPERTY = "pack.fuzz.seed";

  /** The short variants' seed, so {@code make test} sees the same cases on every run. */
  public static final long FIXED_SEED = 0x5eed_e1f0L;

  private FuzzBudget() {}

  /** The scale {@code make fuzz} asked for; 1 when the property is absent (a plain test run). */
  public static int scale() {
    String value = System.getProperty(SCALE_PROPERTY, "");
    if (value.isBlank()) {
      return 1;
    }
    int scale = Integer.parseInt(value.trim());
    if (scale < 1) {
      throw new IllegalArgumentException(SCALE_PROPERTY + " must be at least 1, was " + scale);
    }
    return scale;
  }

  /** The long variant's case count: {@code base} × {@link #scale()}. */
  public static int cases(int base) {
    return Math.multiplyExact(base, scale());
  }

  /** The long variant's seed: {@code pack.fuzz.seed} if given, else a new one. */
  public static long seed() {
    String value = System.getProperty(SEED_PROPERTY, "");
    return value.isBlank() ? new Random().nextLong() : Long.parseLong(value.trim());
  }

  /** A generator for the short variant, always {@link #FIXED_SEED}. */
  public static Random fixedRandom() {
    return new Random(FIXED_SEED);
  }

  /** A generator for the long variant, seeded with {@code seed} (from {@link #seed()}). */
  public static Random random(long seed) {
    return new Random(seed);
  }

  /**
   * The line each run prints (to stdout, so it appears in {@code make fuzz}'s output): what was
   * fuzzed, how many cases, how many failed, the slowest case, and the seed to replay it.
   */
  public static String summary(
      String target, long cases, long failures, Duration slowest, long seed) {
    return String.format(
        "fuzz %s: %d cases, %d failures, slowest %d ms, seed %d (replay: -D%s=%d)",
        target, cases, failures, slowest.toMillis(), seed, SEED_PROPERTY, seed);
  }
}
