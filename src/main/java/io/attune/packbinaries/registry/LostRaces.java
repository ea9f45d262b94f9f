package io.attune.packbinaries.registry;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import java.io.IOException;

/**
 * Manifest and tag PUTs that may lose a race: while another push of the same content is committing
 * it, distribution answers 400 naming a blob or manifest unknown ({@link
 * RegistryException#isLostRace}). Such a PUT is tried again after a repair that checks what it
 * names and sends what is really missing.
 */
public final class LostRaces {

  /** How often a PUT that lost a race is tried, in all. */
  public static final int ATTEMPTS = 6;

  /** Registry work a PUT or its repair runs. */
  @FunctionalInterface
  public interface Work {
    void run() throws PackFailure, IOException, InterruptedException;
  }

  private LostRaces() {}

  /**
   * Runs {@code put}; when it lost a race, runs {@code repair} and tries again, at most {@link
   * #ATTEMPTS} times in all. Any other failure, and the last lost race, is thrown as it came.
   *
   * @param what what the PUT writes, for the log: "the index", "tag 1.2.0"
   */
  public static void put(String what, Work put, Work repair, BuildLog log)
      throws PackFailure, IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        put.run();
        return;
      } catch (IOException e) {
        if (attempt == ATTEMPTS || !RegistryException.isLostRace(e)) {
          throw e;
        }
        log.info(
            "The registry did not know what "
                + what
                + " names yet (another push of it at once?); checking and trying again");
        repair.run();
      }
    }
  }
}
