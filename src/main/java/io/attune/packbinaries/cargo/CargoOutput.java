package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receives the builder's output line by line: shows cargo's lines in the log with the target as
 * prefix, so two targets' lines can be told apart, and keeps the strip step's markers and the time
 * cargo reports.
 */
final class CargoOutput implements Consumer<String> {

  private static final Pattern FINISHED =
      Pattern.compile("^\\s*Finished .* in ([0-9.]+)(m?s)\\s*$");
  private static final Pattern MINUTES =
      Pattern.compile("^\\s*Finished .* in (\\d+)m (\\d+)s\\s*$");

  private final String prefix;
  private final BuildLog log;
  private final List<StripStep.Outcome> strip = new ArrayList<>();
  private volatile double cargoSeconds = -1;

  CargoOutput(TargetTriple target, BuildLog log) {
    this.prefix = "[" + target.name() + "] ";
    this.log = log;
  }

  @Override
  public void accept(String line) {
    var marker = StripStep.parseMarker(line);
    if (marker.isPresent()) {
      synchronized (strip) {
        strip.add(marker.get());
      }
      return;
    }
    log.info(prefix + line);
    Matcher finished = FINISHED.matcher(line);
    if (finished.matches()) {
      double value = Double.parseDouble(finished.group(1));
      cargoSeconds = finished.group(2).equals("ms") ? value / 1000 : value;
    }
    Matcher minutes = MINUTES.matcher(line);
    if (minutes.matches()) {
      cargoSeconds = Integer.parseInt(minutes.group(1)) * 60 + Integer.parseInt(minutes.group(2));
    }
  }

  List<StripStep.Outcome> strip() {
    synchronized (strip) {
      return List.copyOf(strip);
    }
  }

  double cargoSeconds() {
    return cargoSeconds;
  }
}
