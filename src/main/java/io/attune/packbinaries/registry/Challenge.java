package io.attune.packbinaries.registry;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A {@code WWW-Authenticate} challenge: its scheme (Basic, Bearer) and its parameters. */
record Challenge(String scheme, Map<String, String> parameters) {

  /**
   * The scheme, then {@code name=value} or {@code name="quoted \"value\""} parameters. Scanned by
   * hand, in one pass: a regular expression with an alternation inside a repeat recurses once per
   * character in java.util.regex, and a registry's header of a few thousand characters overflowed
   * the stack.
   */
  static Challenge parse(String header) {
    String text = header == null ? "" : header.trim();
    String[] parts = text.split("\\s+", 2);
    Map<String, String> parameters = new HashMap<>();
    String rest = parts.length == 2 ? parts[1] : "";
    int i = 0;
    while (i < rest.length()) {
      if (!isNameChar(rest.charAt(i))) {
        i++;
        continue;
      }
      int nameStart = i;
      while (i < rest.length() && isNameChar(rest.charAt(i))) {
        i++;
      }
      String name = rest.substring(nameStart, i);
      if (i >= rest.length() || rest.charAt(i) != '=') {
        continue;
      }
      i++;
      StringBuilder value = new StringBuilder();
      if (i < rest.length() && rest.charAt(i) == '"') {
        i++;
        while (i < rest.length() && rest.charAt(i) != '"') {
          if (rest.charAt(i) == '\\' && i + 1 < rest.length()) {
            i++;
          }
          value.append(rest.charAt(i++));
        }
        if (i >= rest.length()) {
          break; // an unclosed quote: nothing after it can be read as parameters
        }
        i++;
      } else {
        while (i < rest.length() && !isBareEnd(rest.charAt(i))) {
          value.append(rest.charAt(i++));
        }
        if (value.isEmpty()) {
          continue;
        }
      }
      parameters.put(name.toLowerCase(Locale.ROOT), value.toString());
    }
    return new Challenge(parts[0], Map.copyOf(parameters));
  }

  private static boolean isNameChar(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '_'
        || c == '-';
  }

  private static boolean isBareEnd(char c) {
    return Character.isWhitespace(c) || c == ',' || c == '"';
  }

  boolean is(String name) {
    return scheme.equalsIgnoreCase(name);
  }

  String parameter(String name) {
    return parameters.get(name);
  }
}
