package io.attune.packbinaries.platform;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which targets one run builds for. A command-line {@code -Dpack.target} or {@code -Dpack.targets}
 * wins over the POM (as in jib), so one project builds for any target on demand; {@code
 * -Dpack.targets=all} means every target the POM lists. In order:
 *
 * <ol>
 *   <li>{@code -Dpack.target} on the command line;
 *   <li>{@code -Dpack.targets} on the command line ({@code all}: the POM's list);
 *   <li>the POM's {@code <targets>};
 *   <li>the POM's {@code <target>};
 *   <li>{@link TargetTriple#DEFAULT}.
 * </ol>
 *
 * @param commandLineTarget {@code -Dpack.target}, or null
 * @param commandLineTargets {@code -Dpack.targets}, or null
 * @param pomTargets the POM's {@code <targets>} (entries may be comma separated), or null
 * @param pomTarget the POM's {@code <target>}, or null
 */
public record TargetSelection(
    String commandLineTarget,
    String commandLineTargets,
    List<String> pomTargets,
    String pomTarget) {

  /** The selected targets, each once, in the order given. */
  public List<TargetTriple> targets() throws PackFailure {
    List<String> configured = new ArrayList<>();
    if (pomTargets != null) {
      pomTargets.stream().flatMap(t -> split(t).stream()).forEach(configured::add);
    }
    configured.remove("all");
    List<String> names;
    if (!isBlank(commandLineTarget)) {
      names = List.of(commandLineTarget.trim());
    } else if (!isBlank(commandLineTargets)) {
      names = commandLineTargets.trim().equals("all") ? configured : split(commandLineTargets);
      if (names.isEmpty()) {
        throw new PackFailure(
            "-D"
                + PropertyNames.TARGETS
                + "=all, but the project configures no <targets>; list them in the plugin's"
                + " configuration, or name them: -D"
                + PropertyNames.TARGETS
                + "="
                + TargetTriple.DEFAULT.name()
                + ",aarch64-unknown-linux-musl");
      }
    } else if (!configured.isEmpty()) {
      names = configured;
    } else if (!isBlank(pomTarget)) {
      names = List.of(pomTarget.trim());
    } else {
      names = List.of(TargetTriple.DEFAULT.name());
    }
    Set<TargetTriple> triples = new LinkedHashSet<>();
    for (String name : names) {
      triples.add(TargetTriple.of(name));
    }
    return List.copyOf(triples);
  }

  /** A comma-separated list as its trimmed, non-empty entries. */
  public static List<String> split(String text) {
    if (text == null) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
