package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import io.attune.packbinaries.BuildLog;

/**
 * Routes jib's log and progress events into our log as plain lines: jib's lifecycle messages as
 * info, its warnings as warnings, the rest as debug, and progress as one line per quarter.
 */
final class JibEvents {

  private final BuildLog log;
  private final String prefix;
  private double done;
  private int quartersReported;

  private JibEvents(BuildLog log, String prefix) {
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

  private void onLog(LogEvent event) {
    if (event.getMessage().isBlank()) {
      return;
    }
    String message = prefix + event.getMessage();
    switch (event.getLevel()) {
      // jib reports its failures as exceptions too; an error here is only worth a warning,
      // so the user does not read the same failure twice.
      case ERROR, WARN -> log.warn(message);
      case LIFECYCLE -> log.info(message);
      default -> log.debug(message);
    }
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
      log.info(prefix + "jib: " + quarters * 25 + "% done");
    }
  }
}
