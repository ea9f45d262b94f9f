package io.attune.packbinaries.image;

import io.attune.packbinaries.BuildLog;
import java.util.List;

/** Keeps every line, warnings and debug lines marked, as the user would read them. */
final class CollectingLog implements BuildLog {

  private final List<String> lines;

  CollectingLog(List<String> lines) {
    this.lines = lines;
  }

  @Override
  public void info(String message) {
    lines.add(message);
  }

  @Override
  public void warn(String message) {
    lines.add("WARN " + message);
  }

  @Override
  public void debug(String message) {
    lines.add("DEBUG " + message);
  }
}
