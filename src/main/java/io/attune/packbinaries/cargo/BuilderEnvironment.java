package io.attune.packbinaries.cargo;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The extra environment cargo runs with, from {@code NAME=value} entries. {@code SQLX_OFFLINE=true}
 * is set unless given: a builder container has no database to check queries against.
 */
public final class BuilderEnvironment {

  private BuilderEnvironment() {}

  public static Map<String, String> parse(List<String> entries) throws PackFailure {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("SQLX_OFFLINE", "true");
    for (String entry : entries == null ? List.<String>of() : entries) {
      int equals = entry.indexOf('=');
      String name = equals < 0 ? "" : entry.substring(0, equals).trim();
      if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        // The value may be a secret: never echo it.
        throw new PackFailure(
            PropertyNames.BUILDER_ENVIRONMENT
                + " entry '"
                + (equals < 0 ? entry : entry.substring(0, equals) + "=…")
                + "' is not NAME=value with a name of letters, digits and _; write e.g."
                + " SQLX_OFFLINE=true");
      }
      environment.put(name, entry.substring(equals + 1));
    }
    return Collections.unmodifiableMap(environment);
  }
}
