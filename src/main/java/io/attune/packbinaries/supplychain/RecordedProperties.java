package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PropertyNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of the invocation's {@code pack.*} properties a published provenance may hold, by allowlist:
 * the provenance once copied every {@code pack.*} property but those with a secret-like name, and
 * published {@code pack.builder.environment=CARGO_REGISTRIES_CORP_TOKEN=…} and a {@code
 * pack.builder.command} holding {@code --config registries.corp.token=…}.
 *
 * <ul>
 *   <li>{@link #VALUES}: what decides the build and the image (targets, binaries, features,
 *       profile, toolchain, builder image, container engine, manifest, base image, format, image
 *       labels, repository, tags, SBOM, audit), recorded as they are;
 *   <li>{@code pack.builder.environment}: the variable names only, never a value;
 *   <li>{@code pack.builder.command} (and every cargo command the build record holds): the words,
 *       with every value that could carry a credential replaced by {@link #REDACTED} (see {@link
 *       #command});
 *   <li>anything else (signing, passphrase, registry access, output paths, a property a later
 *       version adds): not recorded at all, not even its name.
 * </ul>
 */
public final class RecordedProperties {

  /** What a redacted value reads as. */
  public static final String REDACTED = "[redacted]";

  /** The properties recorded with their values: none of them can hold a secret. */
  static final Set<String> VALUES =
      Set.of(
          PropertyNames.TARGET,
          PropertyNames.TARGETS,
          PropertyNames.CARGO_MANIFEST,
          PropertyNames.BINARIES,
          PropertyNames.CARGO_FEATURES,
          PropertyNames.CARGO_PROFILE,
          PropertyNames.TOOLCHAIN,
          PropertyNames.BUILDER_IMAGE,
          PropertyNames.CONTAINER_ENGINE,
          PropertyNames.IMAGE_BASE,
          PropertyNames.IMAGE_FORMAT,
          PropertyNames.IMAGE_PACK,
          PropertyNames.IMAGE_REVISION,
          PropertyNames.IMAGE_SOURCE,
          PropertyNames.IMAGE,
          PropertyNames.IMAGE_TAGS,
          PropertyNames.SBOM,
          PropertyNames.PUSH_AUDIT);

  private static final Pattern VARIABLE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)=.*");

  /** Flags whose value is never a secret, kept as written. */
  private static final Set<String> PLAIN_FLAGS =
      Set.of(
          "--target",
          "--profile",
          "--features",
          "-F",
          "--bin",
          "--example",
          "--package",
          "-p",
          "--manifest-path",
          "--jobs",
          "-j",
          "--color",
          "--message-format",
          "--target-dir");

  /** A flag or key whose name says its value may be a credential. */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(token|passw|pwd|secret|key|credential|auth|pass).*");

  /** {@code scheme://user:password@}: the user information of a URL. */
  private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@");

  private RecordedProperties() {}

  /** The properties a provenance (and the push's fingerprint of it) records, sorted. */
  public static Map<String, String> of(Map<String, String> properties) {
    Map<String, String> kept = new TreeMap<>();
    properties.forEach(
        (name, value) -> {
          if (value == null) {
            return;
          }
          if (VALUES.contains(name)) {
            kept.put(name, value);
          } else if (name.equals(PropertyNames.BUILDER_ENVIRONMENT)) {
            kept.put(name, String.join(",", variableNames(value)));
          } else if (name.equals(PropertyNames.BUILDER_COMMAND)) {
            kept.put(name, command(value));
          }
        });
    return kept;
  }

  /**
   * The names of {@code NAME=value} entries (comma separated, as Maven splits a list property); a
   * piece that is no such entry (a value's own comma, a typo) gives nothing.
   */
  static List<String> variableNames(String entries) {
    List<String> names = new ArrayList<>();
    for (String entry : entries.split(",")) {
      Matcher variable = VARIABLE.matcher(entry);
      if (variable.matches()) {
        names.add(variable.group(1));
      }
    }
    return names;
  }

  /**
   * A command line with no value that could carry a credential: the value of every {@code --config}
   * (cargo's {@code KEY=VALUE} or a file) and of every flag or {@code NAME=} whose name says token,
   * password, secret, key, credential or auth; the value of every {@code NAME=value} word (an
   * environment assignment or a flag's inline value) but those of flags known to be plain ({@code
   * --target=…}, {@code --features=…}); and the user information of any URL. Program, subcommand
   * and plain flags are kept, so the statement still says how the build ran.
   */
  public static String command(String line) {
    String[] words = line.trim().split("\\s+");
    List<String> kept = new ArrayList<>(words.length);
    boolean redactNext = false;
    for (String word : words) {
      String shown = USER_INFO.matcher(word).replaceAll("$1" + REDACTED + "@");
      if (redactNext) {
        int equals = shown.indexOf('=');
        kept.add(equals < 0 ? REDACTED : shown.substring(0, equals + 1) + REDACTED);
        redactNext = false;
        continue;
      }
      int equals = shown.indexOf('=');
      if (equals >= 0) {
        String name = shown.substring(0, equals);
        kept.add(PLAIN_FLAGS.contains(name) ? shown : name + "=" + REDACTED);
        continue;
      }
      if (shown.startsWith("-")
          && (shown.equals("--config") || SECRET_NAME.matcher(shown).matches())) {
        redactNext = true;
      }
      kept.add(shown);
    }
    return String.join(" ", kept);
  }
}
