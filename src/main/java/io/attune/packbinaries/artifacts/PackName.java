package io.attune.packbinaries.artifacts;

import io.attune.packbinaries.PackFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A pack's name: the directory {@code /pack-binaries/<pack>/sensors/} of the init image and {@code
 * <pack>/} of the packs volume, so one path segment of safe characters: letters, digits, {@code _}
 * and {@code -}, starting with a letter or digit, at most 64 of them. No dot, so never {@code .},
 * {@code ..} or a hidden directory.
 */
public final class PackName {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private PackName() {}

  public static boolean isValid(String name) {
    return name != null && SAFE.matcher(name).matches();
  }

  /** Checks the pack name a setting gives, e.g. {@code pack.image.pack}. */
  public static void check(String name, String setting) throws PackFailure {
    if (!isValid(name)) {
      throw new PackFailure(
          setting
              + " is '"
              + name
              + "', which is not a pack name: one path segment of letters, digits, _ and -,"
              + " starting with a letter or digit, at most 64 (the default is core)");
    }
  }

  /**
   * Checks every name, then that no two are the same (ignoring case: a volume on a case-insensitive
   * file system would hold both in one directory); one message names every problem.
   */
  public static void checkAll(List<String> names) throws PackFailure {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (String name : names) {
      if (name == null || name.isBlank()) {
        problems.add("a <pack> has no <name>");
      } else if (!isValid(name)) {
        problems.add(
            "'"
                + name
                + "' is not a pack name: one path segment of letters, digits, _ and -, starting"
                + " with a letter or digit, at most 64");
      } else {
        byKey.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(name);
      }
    }
    for (List<String> same : byKey.values()) {
      if (same.size() > 1) {
        problems.add(
            same.size()
                + " packs are named "
                + String.join(", ", same.stream().distinct().toList())
                + ", and all would write their binaries to /pack-binaries/"
                + same.get(0)
                + "/sensors/");
      }
    }
    if (!problems.isEmpty()) {
      throw new PackFailure(
          "<packs> is not usable: "
              + String.join("; ", problems)
              + ". Give each <pack> a <name> of its own, as its directory under packs/ is"
              + " called.");
    }
  }
}
