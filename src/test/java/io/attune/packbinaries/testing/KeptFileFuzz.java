package io.attune.packbinaries.testing;

import io.attune.packbinaries.PackFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Hostile copies of a JSON file the goals keep between runs (a state or a report): a sample with
 * its bytes or its JSON values damaged. Each copy must be read, or refused with an IOException (the
 * caller's cue to rebuild or to say which file is broken), never end in an unchecked exception.
 * Follows {@link FuzzBudget}'s convention: a short run with the fixed seed, a long one tagged.
 */
public final class KeptFileFuzz {

  private static final int BASE_CASES = 200;

  /** What a goal does with the file: read it and use what it read. */
  public interface Use {
    void use(Path file) throws IOException;
  }

  private KeptFileFuzz() {}

  /** The short run, inside {@code make test}. */
  public static void run(String target, String sample, Path directory, Use use) throws Exception {
    run(
        target,
        sample,
        directory,
        use,
        FuzzBudget.FIXED_SEED,
        FuzzBudget.fixedRandom(),
        BASE_CASES);
  }

  /** The long run, for a {@code @Tag(FuzzBudget.TAG)} test. */
  public static void longRun(String target, String sample, Path directory, Use use)
      throws Exception {
    long seed = FuzzBudget.seed();
    run(
        target,
        sample,
        directory,
        use,
        seed,
        FuzzBudget.random(seed),
        FuzzBudget.cases(BASE_CASES));
  }

  private static void run(
      String target, String sample, Path directory, Use use, long seed, Random random, int cases)
      throws Exception {
    byte[] original = sample.getBytes(StandardCharsets.UTF_8);
    ParserFuzz.run(
        target,
        seed,
        random,
        cases,
        (r, i) -> {
          byte[] hostile =
              r.nextBoolean() ? FuzzMutations.json(r, original) : FuzzMutations.bytes(r, original);
          Path file = Files.write(directory.resolve("hostile-" + i + ".json"), hostile);
          return () -> {
            try {
              use.use(file);
            } catch (IOException refused) {
              throw new PackFailure(refused.getMessage());
            }
          };
        });
  }
}
