package io.attune.packbinaries.testing;

import io.attune.packbinaries.BuildLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every line the core logs, prefixed as Maven prints it ({@code [INFO] }, {@code [WARN] },
 * {@code [DEBUG] }), so tests assert on what the user would read. Safe for concurrent loggers.
 */
public final class RecordingLog implements BuildLog {

  public final List<String> lines;

  public RecordingLog() {
    this(new ArrayList<>());
  }

  /** Records into {@code lines}, a list the test already holds. */
  public RecordingLog(List<String> lines) {
    this.lines = Collections.synchronizedList(lines);
  }

  @Override
  public void info(String message) {
    lines.add("[INFO] " + message);
  }

  @Override
  public void warn(String message) {
    lines.add("[WARN] " + message);
  }

  @Override
  public void debug(String message) {
    lines.add("[DEBUG] " + message);
  }

  public String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
