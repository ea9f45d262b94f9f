package io.attune.packbinaries.cargo;

import io.attune.packbinaries.io.PlainPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cargo's dep-info file beside each binary ({@code <binary>.d}): a Makefile rule naming every file
 * the binary was compiled from, including the files build scripts declare with {@code
 * rerun-if-changed}. It is how cargo itself knows what a rebuild depends on.
 */
final class DepInfo {

  /** Larger than any real dep-info; a file beyond it is not one. */
  private static final long MAX_BYTES = 16L * 1024 * 1024;

  private DepInfo() {}

  /**
   * The files listed in {@code file}, resolved against {@code base} when relative; empty when the
   * file is missing, too large or has no rule, so the caller falls back to hashing everything.
   */
  static Optional<List<Path>> read(Path file, Path base) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
      return Optional.empty();
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), base);
  }

  /** The prerequisites of every rule in {@code text}; empty when there is no rule at all. */
  static Optional<List<Path>> parse(String text, Path base) {
    Set<Path> files = new LinkedHashSet<>();
    boolean sawRule = false;
    for (String line : text.replace("\\\n", " ").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> words = words(line);
      int colon = words.indexOf(":");
      if (colon < 0) {
        continue;
      }
      sawRule = true;
      for (String word : words.subList(colon + 1, words.size())) {
        if (!PlainPaths.isPath(word)) {
          return Optional.empty(); // not cargo's: the whole workspace counts instead
        }
        files.add(base.resolve(word).normalize());
      }
    }
    return sawRule ? Optional.of(List.copyOf(files)) : Optional.empty();
  }

  /**
   * The line's words, with {@code "\ "} and {@code "\\"} unescaped and the rule's colon (a colon
   * ending a word) returned as a word of its own.
   */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\'
          && i + 1 < line.length()
          && (line.charAt(i + 1) == ' ' || line.charAt(i + 1) == '\\')) {
        word.append(line.charAt(++i));
      } else if (c == ' ' || c == '\t') {
        endWord(words, word);
      } else if (c == ':'
          && (i + 1 == line.length() || line.charAt(i + 1) == ' ')
          && !words.contains(":")) {
        endWord(words, word);
        words.add(":");
      } else {
        word.append(c);
      }
    }
    endWord(words, word);
    return words;
  }

  private static void endWord(List<String> words, StringBuilder word) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }
}
