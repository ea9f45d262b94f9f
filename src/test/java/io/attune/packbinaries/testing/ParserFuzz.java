package io.attune.packbinaries.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.PackFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The loop every parser fuzz test runs (see {@link FuzzBudget} for the convention): each case may
 * succeed or end in a PackFailure whose message names the input's file; anything else (an unchecked
 * exception, a PackFailure that names no file) or a case slower than one second is a failure,
 * reported with the seed and case number that replay it.
 */
public final class ParserFuzz {

  /** No verdict may take longer than this, whatever the input. */
  public static final Duration CASE_LIMIT = Duration.ofSeconds(1);

  /** One case: build a hostile input from {@code random}; the verdict it returns is timed. */
  public interface Case {
    Verdict prepare(Random random, int index) throws Exception;
  }

  /** The parser's run on one prepared input. */
  public interface Verdict {
    void run() throws Exception;
  }

  private ParserFuzz() {}

  /** Runs {@code cases} cases; fails listing the first few that went wrong. */
  public static void run(String target, long seed, Random random, int cases, Case body)
      throws Exception {
    List<String> failures = new ArrayList<>();
    Duration slowest = Duration.ZERO;
    int slowestCase = -1;
    int refused = 0;
    warmUp(body);
    for (int i = 0; i < cases; i++) {
      Verdict verdict = body.prepare(random, i);
      long start = System.nanoTime();
      String outcome = null;
      try {
        verdict.run();
      } catch (PackFailure e) {
        refused++;
        outcome = e.getMessage() == null ? "a PackFailure without message" : null;
        if (outcome == null && e.getMessage().contains("\tat ")) {
          outcome = "a PackFailure with a stack trace in its message: " + e.getMessage();
        }
      } catch (Exception | Error e) {
        outcome = e.toString();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (took.compareTo(slowest) > 0) {
        slowest = took;
        slowestCase = i;
      }
      if (outcome == null && took.compareTo(CASE_LIMIT) > 0) {
        outcome = "took " + took.toMillis() + " ms";
      }
      if (outcome != null) {
        failures.add("case " + i + ": " + outcome);
      }
    }
    System.out.println(
        FuzzBudget.summary(target, cases, failures.size(), slowest, seed)
            + ", "
            + refused
            + " refused with a PackFailure, slowest case "
            + slowestCase);
    assertThat(failures).as("%s fuzz, seed %d", target, seed).isEmpty();
  }

  // The first cases load the parser's classes (Jackson, commons-compress, snakeyaml); that is the
  // JVM starting, not a verdict, so a few untimed cases from another seed run first.
  private static void warmUp(Case body) {
    Random random = new Random(1);
    for (int i = 0; i < 5; i++) {
      try {
        body.prepare(random, -1 - i).run();
      } catch (Exception | AssertionError e) {
        // Judged in the timed cases; here only the classes matter.
      }
    }
  }

  /** Asserts a refusal names the file; use inside a case around the parser call. */
  public static void requireNamed(PackFailure failure, String file) throws PackFailure {
    if (!failure.getMessage().contains(file)) {
      throw new AssertionError("the message does not name " + file + ": " + failure.getMessage());
    }
    throw failure;
  }
}
