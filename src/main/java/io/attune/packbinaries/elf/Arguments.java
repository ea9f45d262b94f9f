package io.attune.packbinaries.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Splits a command-line string into arguments, honouring single and double quotes. */
public final class Arguments {

  private Arguments() {}

  /**
   * {@code --once --triggers '[{"id":"t"}]'} gives two arguments; quotes group, and a backslash
   * escapes the next character outside single quotes.
   *
   * @throws IllegalArgumentException on an unclosed quote
   */
  public static List<String> split(String text) {
    List<String> arguments = new ArrayList<>();
    text = Objects.requireNonNullElse(text, "");
    StringBuilder current = new StringBuilder();
    boolean inArgument = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '\\' && i + 1 < text.length()) {
        current.append(text.charAt(++i));
        inArgument = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inArgument = true;
      } else if (Character.isWhitespace(c)) {
        if (inArgument) {
          arguments.add(current.toString());
          current.setLength(0);
          inArgument = false;
        }
      } else {
        current.append(c);
        inArgument = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " in: " + text);
    }
    if (inArgument) {
      arguments.add(current.toString());
    }
    return arguments;
  }
}
