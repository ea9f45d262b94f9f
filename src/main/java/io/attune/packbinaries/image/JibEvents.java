package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.registry.LoopbackHost;
import java.util.Optional;
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

  /**
   * jib's report of the base image's digest: the digest of the manifest (or index) the base's tag
   * pointed to when jib pulled it, the same digest {@link BaseImageDigest} asks the registry for.
   */
  private static final Pattern BASE_DIGEST =
      Pattern.compile("Using base image with digest: (sha256:[0-9a-f]{64})");

  private final BuildLog log;
  private final String prefix;
  private volatile String baseDigest;
  private double done;
  private int quartersReported;

  JibEvents(BuildLog log, String prefix) {
    this.log = log;
    this.prefix = prefix;
  }

  /** Adds the handlers to {@code containerizer}; {@code label} names the image in each line. */
  static JibEvents route(Containerizer containerizer, BuildLog log, String label) {
    JibEvents events = new JibEvents(log, "[" + label + "] ");
    containerizer
        .addEventHandler(LogEvent.class, events::onLog)
        .addEventHandler(ProgressEvent.class, events::onProgress);
    return events;
  }

  /**
   * The digest jib pulled the base image by, when it pulled it from the registry; empty when it
   * took the base from its cache without asking (offline, or a reference pinned by digest).
   */
  Optional<String> baseDigest() {
    return Optional.ofNullable(baseDigest);
  }

  void onLog(LogEvent event) {
    if (event.getMessage().isBlank()) {
      return;
    }
    Matcher base = BASE_DIGEST.matcher(event.getMessage());
    if (base.matches()) {
      baseDigest = base.group(1);
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
