package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import java.util.ArrayList;
import java.util.List;

/** Keeps what the core reports, so tests can read it as the user would. */
final class RecordingLog implements BuildLog {

  final List<String> lines = new ArrayList<>();

  @Override
  public synchronized void info(String message) {
    lines.add("INFO " + message);
  }

  @Override
  public synchronized void warn(String message) {
    lines.add("WARN " + message);
  }

  @Override
  public synchronized void debug(String message) {
    lines.add("DEBUG " + message);
  }

  synchronized String text() {
    return String.join("\n", lines);
  }
}
