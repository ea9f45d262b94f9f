package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.registry.LoopbackHost;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes jib's log and progress events into our log as plain lines: jib's lifecycle messages as
 * info, its warnings as warnings, the rest as debug. Progress goes to debug only: in batch mode its
 * lines are noise, and the image goal says itself when each platform is done.
 */
final class JibEvents {

  /**
   * jib's fallbacks to unverified HTTPS and then to HTTP: expected for a registry on this machine,
   * which serves plain HTTP, so only worth a warning for any other host.
   */
  private static final Pattern INSECURE_FALLBACK =
      Pattern.compile(
          "Cannot verify server at (\\S+)\\. Attempting again with no TLS verification\\."
              + "|Failed to connect to (\\S+) over HTTPS\\. Attempting again with HTTP.*");

  private final BuildLog log;
  private final String prefix;
  private double done;
  private int quartersReported;

  JibEvents(BuildLog log, String prefix) {
    this.log = log;
    this.prefix = prefix;
  }

  /** Adds the handlers to {@code containerizer}; {@code label} names the image in each line. */
  static Containerizer route(Containerizer containerizer, BuildLog log, String label) {
    JibEvents events = new JibEvents(log, "[" + label + "] ");
    return containerizer
        .addEventHandler(LogEvent.class, events::onLog)
        .addEventHandler(ProgressEvent.class, events::onProgress);
  }

  void onLog(LogEvent event) {
    if (event.getMessage().isBlank()) {
      return;
    }
    String message = prefix + event.getMessage();
    if (isLoopbackFallback(event.getMessage())) {
      log.debug(message);
      return;
    }
    switch (event.getLevel()) {
      // jib reports its failures as exceptions too; an error here is only worth a warning,
      // so the user does not read the same failure twice.
      case ERROR, WARN -> log.warn(message);
      case LIFECYCLE -> log.info(message);
      default -> log.debug(message);
    }
  }

  static boolean isLoopbackFallback(String message) {
    Matcher fallback = INSECURE_FALLBACK.matcher(message);
    if (!fallback.matches()) {
      return false;
    }
    String url = fallback.group(1) != null ? fallback.group(1) : fallback.group(2);
    return LoopbackHost.isUrl(url);
  }

  // jib sends progress from several threads.
  private synchronized void onProgress(ProgressEvent event) {
    long units = event.getAllocation().getAllocationUnits();
    if (units > 0) {
      done += event.getUnits() * event.getAllocation().getFractionOfRoot() / units;
    }
    int quarters = (int) Math.floor(Math.min(done, 1.0) * 4 + 1e-9);
    if (quarters > quartersReported) {
      quartersReported = quarters;
      log.debug(prefix + "jib: " + quarters * 25 + "% done");
    }
  }
}
