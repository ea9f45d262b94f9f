package io.attune.packbinaries;

/**
 * Where core classes report progress. The Maven goals route it into Maven's log; tests collect it.
 * Core classes report facts and warnings here and throw exceptions for failures, never both.
 */
public interface BuildLog {

  void info(String message);

  void warn(String message);

  void debug(String message);

  /** A log that drops everything, for callers that only want the result. */
  BuildLog SILENT =
      new BuildLog() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}

        @Override
        public void debug(String message) {}
      };
}
