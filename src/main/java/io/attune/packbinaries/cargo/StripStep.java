package io.attune.packbinaries.cargo;

import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Strips each built binary into a separate directory, keeping cargo's unstripped one for debugging.
 * It tries the target's binutils strip, then llvm-strip, then plain strip (which only understands
 * the builder's own CPU); when none can, the binary is kept unstripped, which costs size but still
 * runs, as the original Dockerfile did.
 *
 * <p>In a container it runs as a shell snippet after cargo, in the same container; it reports each
 * binary on a marker line that {@link #parseMarker} reads back.
 */
public final class StripStep {

  static final String MARKER = "##pack-binaries## ";

  private StripStep() {}

  /** The strip programs to try for that target, best first. */
  public static List<String> tools(TargetTriple target) {
    List<String> tools = new ArrayList<>();
    String prefix =
        switch (target.machine()) {
          case X86_64 -> "x86_64-linux-gnu";
          case AARCH64 -> "aarch64-linux-gnu";
          case ARM -> "arm-linux-gnueabihf";
          case RISCV64 -> "riscv64-linux-gnu";
          case S390X -> "s390x-linux-gnu";
          case PPC64LE -> "powerpc64le-linux-gnu";
          case I386 -> "i686-linux-gnu";
        };
    tools.add(prefix + "-strip");
    tools.add("llvm-strip");
    tools.add("strip");
    return tools;
  }

  /** A POSIX shell snippet that strips {@code binaries} from {@code from} into {@code into}. */
  public static String shellSnippet(
      TargetTriple target, List<String> binaries, Path from, Path into) {
    List<String> quotedBinaries = binaries.stream().map(CommandTemplate::shellQuote).toList();
    return String.join(
        "\n",
        "into=" + CommandTemplate.shellQuote(into.toString()),
        "from=" + CommandTemplate.shellQuote(from.toString()),
        "mkdir -p \"$into\"",
        "for bin in " + String.join(" ", quotedBinaries) + "; do",
        "  if [ ! -f \"$from/$bin\" ]; then echo \"" + MARKER + "missing $bin\"; continue; fi",
        "  rm -f \"$into/$bin\"",
        "  used=",
        "  for tool in " + String.join(" ", tools(target)) + "; do",
        "    if command -v \"$tool\" >/dev/null 2>&1"
            + " && \"$tool\" -o \"$into/$bin\" \"$from/$bin\" 2>/dev/null; then",
        "      used=$tool; break",
        "    fi",
        "  done",
        "  if [ -n \"$used\" ]; then echo \"" + MARKER + "stripped $bin $used\";",
        "  else cp \"$from/$bin\" \"$into/$bin\"; echo \"" + MARKER + "unstripped $bin\"; fi",
        "  chmod 0755 \"$into/$bin\"",
        "done");
  }

  /** What the strip step did with one binary. */
  public record Outcome(String binary, Kind kind, String tool) {}

  public enum Kind {
    STRIPPED,
    UNSTRIPPED,
    MISSING
  }

  /** Reads a marker line of {@link #shellSnippet}, or empty for any other line. */
  public static Optional<Outcome> parseMarker(String line) {
    if (!line.startsWith(MARKER)) {
      return Optional.empty();
    }
    String[] words = line.substring(MARKER.length()).trim().split(" ");
    if (words.length < 2) {
      return Optional.empty();
    }
    return switch (words[0]) {
      case "stripped" ->
          Optional.of(new Outcome(words[1], Kind.STRIPPED, words.length > 2 ? words[2] : "strip"));
      case "unstripped" -> Optional.of(new Outcome(words[1], Kind.UNSTRIPPED, null));
      case "missing" -> Optional.of(new Outcome(words[1], Kind.MISSING, null));
      default -> Optional.empty();
    };
  }
}
