package io.attune.packbinaries.cargo;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cargo command line, written as a template so a project can swap the builder: {@code cargo
 * zigbuild --release --target {target}} by default, {@code cargo build --release --target {target}}
 * with a cross toolchain image.
 *
 * <p>Placeholders: {@code {target}} (required) and {@code {profile}} inside any word; {@code
 * {package}} ({@code --package p}, for a pack's {@code <cargoPackage>}), {@code {binaries}} ({@code
 * --bin a --bin b}), {@code {features}} ({@code --features a,b}) and {@code {offline}} ({@code
 * --offline}) as words of their own. The last four are appended when the template does not place
 * them, so the plugin always builds exactly the binaries it collects.
 */
public final class CommandTemplate {

  public static final String DEFAULT = "cargo zigbuild --release --target {target}";

  private static final List<String> PLACEHOLDERS =
      List.of("{target}", "{profile}", "{package}", "{binaries}", "{features}", "{offline}");
  private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\{[^}\\s]*}");

  private final List<String> words;

  private CommandTemplate(List<String> words) {
    this.words = words;
  }

  /**
   * Checks the template against the profile.
   *
   * @throws PackFailure naming what is wrong with it
   */
  public static CommandTemplate parse(String template, String profile) throws PackFailure {
    String text = template == null || template.isBlank() ? DEFAULT : template.trim();
    List<String> words = Arrays.asList(text.split("\\s+"));
    Matcher unknown = ANY_PLACEHOLDER.matcher(text);
    while (unknown.find()) {
      if (!PLACEHOLDERS.contains(unknown.group())) {
        throw new PackFailure(
            PropertyNames.BUILDER_COMMAND
                + " '"
                + text
                + "' has an unknown placeholder "
                + unknown.group()
                + "; the known ones are "
                + String.join(", ", PLACEHOLDERS));
      }
    }
    if (!text.contains("{target}")) {
      throw new PackFailure(
          PropertyNames.BUILDER_COMMAND
              + " '"
              + text
              + "' has no {target}, so cargo would build for the builder's own CPU; write it like"
              + " '"
              + DEFAULT
              + "'");
    }
    if (!BuildRequest.DEFAULT_PROFILE.equals(profile) && !text.contains("{profile}")) {
      throw new PackFailure(
          PropertyNames.CARGO_PROFILE
              + " is '"
              + profile
              + "' but "
              + PropertyNames.BUILDER_COMMAND
              + " '"
              + text
              + "' does not use {profile}; set "
              + PropertyNames.BUILDER_COMMAND
              + " to e.g."
              + " 'cargo zigbuild --profile {profile} --target {target}'");
    }
    return new CommandTemplate(List.copyOf(words));
  }

  /** The command's words for one target, for every member of the workspace. */
  public List<String> render(
      TargetTriple target,
      String profile,
      List<String> binaries,
      List<String> features,
      boolean offline) {
    return render(target, profile, null, binaries, features, offline);
  }

  /** The command's words for one target and cargo package ({@code -p}; null for none). */
  public List<String> render(
      TargetTriple target,
      String profile,
      String cargoPackage,
      List<String> binaries,
      List<String> features,
      boolean offline) {
    List<String> packageWords =
        cargoPackage == null ? List.of() : List.of("--package", cargoPackage);
    List<String> binaryWords = new ArrayList<>();
    for (String binary : binaries) {
      binaryWords.add("--bin");
      binaryWords.add(binary);
    }
    List<String> featureWords =
        features.isEmpty() ? List.of() : List.of("--features", String.join(",", features));
    List<String> offlineWords = offline ? List.of("--offline") : List.of();

    List<String> command = new ArrayList<>();
    for (String word : words) {
      switch (word) {
        case "{package}" -> command.addAll(packageWords);
        case "{binaries}" -> command.addAll(binaryWords);
        case "{features}" -> command.addAll(featureWords);
        case "{offline}" -> command.addAll(offlineWords);
        default ->
            command.add(word.replace("{target}", target.name()).replace("{profile}", profile));
      }
    }
    if (!words.contains("{package}")) {
      command.addAll(packageWords);
    }
    if (!words.contains("{binaries}")) {
      command.addAll(binaryWords);
    }
    if (!words.contains("{features}")) {
      command.addAll(featureWords);
    }
    if (!words.contains("{offline}")) {
      command.addAll(offlineWords);
    }
    return command;
  }

  /** The words joined for a POSIX shell, each quoted when it needs it. */
  public static String shellLine(List<String> words) {
    List<String> quoted = new ArrayList<>();
    for (String word : words) {
      quoted.add(shellQuote(word));
    }
    return String.join(" ", quoted);
  }

  public static String shellQuote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./,=:+@%-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\"'\"'") + "'";
  }
}
