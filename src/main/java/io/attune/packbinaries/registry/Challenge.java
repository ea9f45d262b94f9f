package io.attune.packbinaries.registry;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code WWW-Authenticate} challenge: its scheme (Basic, Bearer) and its parameters. */
record Challenge(String scheme, Map<String, String> parameters) {

  private static final Pattern PARAMETER =
      Pattern.compile("([A-Za-z0-9_-]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,\"]+))");

  static Challenge parse(String header) {
    String text = header == null ? "" : header.trim();
    String[] parts = text.split("\\s+", 2);
    Map<String, String> parameters = new HashMap<>();
    if (parts.length == 2) {
      Matcher matcher = PARAMETER.matcher(parts[1]);
      while (matcher.find()) {
        String value =
            matcher.group(2) != null
                ? matcher.group(2).replaceAll("\\\\(.)", "$1")
                : matcher.group(3);
        parameters.put(matcher.group(1).toLowerCase(Locale.ROOT), value);
      }
    }
    return new Challenge(parts[0], Map.copyOf(parameters));
  }

  boolean is(String name) {
    return scheme.equalsIgnoreCase(name);
  }

  String parameter(String name) {
    return parameters.get(name);
  }
}
