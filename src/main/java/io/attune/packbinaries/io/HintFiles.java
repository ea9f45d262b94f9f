package io.attune.packbinaries.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Files a goal keeps for the next run only as a hint (registries known to speak plain HTTP, files'
 * digests by stamp): read with a size limit and written atomically, and neither ever fails a goal.
 * What went wrong goes to {@code debug}, and the goal does without the hint.
 */
public final class HintFiles {

  private HintFiles() {}

  /** The file's text; empty when it is missing, unreadable or larger than {@code maxBytes}. */
  public static Optional<String> read(Path file, int maxBytes, Consumer<String> debug) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (NoSuchFileException missing) {
      return Optional.empty();
    } catch (IOException e) {
      debug.accept("Not reading " + file + ": " + e.getMessage());
      return Optional.empty();
    }
    if (bytes.length > maxBytes) {
      debug.accept("Not reading " + file + ": larger than " + maxBytes + " bytes");
      return Optional.empty();
    }
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }

  /** Replaces the file with {@code text} atomically; a failure only costs the next run's hint. */
  public static void write(Path file, String text, Consumer<String> debug) {
    try {
      AtomicFiles.writeString(file, text);
    } catch (IOException e) {
      debug.accept("Could not write " + file + ": " + e.getMessage());
    }
  }
}
