package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.BuildTimestamp;
import io.attune.packbinaries.PackFailure;
import java.time.Instant;
import java.util.Map;

/**
 * The time the SBOM records: {@code SOURCE_DATE_EPOCH} (the reproducible-builds convention) when
 * set, else Maven's {@code project.build.outputTimestamp}, else the epoch; never the clock.
 */
public final class ReproducibleTime {

  public static final String SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

  private ReproducibleTime() {}

  public static Instant resolve(Map<String, String> environment, String outputTimestamp)
      throws PackFailure {
    String epoch = environment.get(SOURCE_DATE_EPOCH);
    if (epoch != null && !epoch.isBlank()) {
      if (!epoch.trim().matches("[0-9]{1,12}")) {
        throw new PackFailure(
            "SOURCE_DATE_EPOCH='"
                + epoch
                + "' is not a number of seconds since the epoch; set it to one (git log -1"
                + " --format=%ct) or unset it");
      }
      return Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
    }
    return BuildTimestamp.parse(outputTimestamp);
  }
}
