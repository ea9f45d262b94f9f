package io.attune.packbinaries.compose;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Shown;
import java.util.Map;

/**
 * Compose's variable interpolation, as its specification writes it: {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset), {@code ${VAR:+x}} (set
 * and not empty), {@code ${VAR+x}} (set), {@code ${VAR:?message}}, {@code ${VAR?message}}, defaults
 * and messages that hold further variables, and {@code $$} for a literal {@code $}. Anything else
 * after a {@code $} is refused with Compose's own message, as {@code docker compose} refuses it.
 */
final class Interpolation {

  /** Deeper nesting than any real default; a bound, so hostile input cannot exhaust the stack. */
  static final int MAX_NESTING = 32;

  // ASCII only, as Compose's [_a-z][_a-z0-9]* (case-insensitive).
  private static final String NAME_START = "_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String NAME_PART = NAME_START + "0123456789";

  private final Map<String, String> environment;
  private final String file;
  private final String key;
  private final String template;

  private Interpolation(Map<String, String> environment, String file, String key, String template) {
    this.environment = environment;
    this.file = file;
    this.key = key;
    this.template = template;
  }

  /**
   * {@code template} with every variable replaced.
   *
   * @param file the compose file, and {@code key} the value's path in it, for messages
   */
  static String resolve(String template, Map<String, String> environment, String file, String key)
      throws PackFailure {
    return new Interpolation(environment, file, key, template).resolve(template, 0);
  }

  private String resolve(String text, int nesting) throws PackFailure {
    if (nesting > MAX_NESTING) {
      throw invalid();
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
        int close = closingBrace(text, i);
        if (close == -1) {
          throw invalid();
        }
        out.append(braced(text.substring(i + 2, close), nesting));
        i = close + 1;
      } else {
        int end = nameEnd(text, i + 1);
        if (end == i + 1) {
          throw invalid();
        }
        String value = environment.get(text.substring(i + 1, end));
        out.append(value == null ? "" : value);
        i = end;
      }
    }
    return out.toString();
  }

  /** The '}' that closes the "${" at {@code open}, counting the "${" nested inside it. */
  private static int closingBrace(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      if (text.startsWith("${", i)) {
        depth++;
        i++;
      } else if (text.charAt(i) == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Where the variable name that starts at {@code start} ends: [A-Za-z_][A-Za-z0-9_]*. */
  private static int nameEnd(String text, int start) {
    if (start >= text.length() || !isNameStart(text.charAt(start))) {
      return start;
    }
    int end = start + 1;
    while (end < text.length() && isNamePart(text.charAt(end))) {
      end++;
    }
    return end;
  }

  private static boolean isNameStart(char c) {
    return NAME_START.indexOf(c) >= 0;
  }

  private static boolean isNamePart(char c) {
    return NAME_PART.indexOf(c) >= 0;
  }

  private String braced(String body, int nesting) throws PackFailure {
    int nameEnd = nameEnd(body, 0);
    if (nameEnd == 0) {
      throw invalid();
    }
    String name = body.substring(0, nameEnd);
    String value = environment.get(name);
    if (nameEnd == body.length()) {
      return value == null ? "" : value;
    }
    boolean colon = body.charAt(nameEnd) == ':';
    int operatorAt = colon ? nameEnd + 1 : nameEnd;
    if (operatorAt >= body.length() || "-+?".indexOf(body.charAt(operatorAt)) < 0) {
      throw invalid();
    }
    char operator = body.charAt(operatorAt);
    String argument = resolve(body.substring(operatorAt + 1), nesting + 1);
    boolean set = value != null && !(colon && value.isEmpty());
    switch (operator) {
      case '-':
        return set ? value : argument;
      case '+':
        return set ? argument : "";
      default:
        if (!set) {
          throw new PackFailure(
              file
                  + ": "
                  + key
                  + ": required variable "
                  + name
                  + " is missing a value: "
                  + argument);
        }
        return value;
    }
  }

  private PackFailure invalid() {
    return new PackFailure(
        file
            + ": invalid interpolation format for "
            + key
            + ": \""
            + Shown.cut(template, 200)
            + "\". You may need to escape any $ with another $.");
  }
}
