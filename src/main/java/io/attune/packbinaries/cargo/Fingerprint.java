package io.attune.packbinaries.cargo;

import io.attune.packbinaries.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A digest of everything a build's result depends on: its input files, the toolchain's exact
 * version (the builder image's ID), and every parameter. Equal fingerprints mean the build would
 * produce the same binaries, so it can be skipped.
 *
 * <p>The input files are those cargo's dep-info lists (see {@link DepInfo}) plus the files that
 * steer cargo itself (manifests, Cargo.lock, build scripts, cargo config, toolchain pins), so a log
 * file or an editor's backup beside the sources changes nothing. Without dep-info, every file of
 * the workspace counts.
 */
public final class Fingerprint {

  /** Bump when the build steps or the digest change, so older results are rebuilt. */
  private static final String FORMAT = "pack-binaries build fingerprint 2";

  /** File names cargo reads on its own, whatever the sources include. */
  private static final Set<String> CARGO_FILES =
      Set.of("Cargo.toml", "Cargo.lock", "build.rs", "rust-toolchain", "rust-toolchain.toml");

  /** Cargo's configuration, read from a {@code .cargo} directory ("config" is the older name). */
  private static final Set<String> CARGO_CONFIGS = Set.of("config.toml", "config");

  private Fingerprint() {}

  /**
   * The digest of the workspace's files: each one's path and content. Skips {@code .git}, every
   * {@code target} directory and {@code excluded} (the plugin's own outputs, so writing them does
   * not make the next build stale).
   */
  public static String sources(Path workspace, List<Path> excluded) throws IOException {
    return digest(walk(workspace, excluded, file -> true));
  }

  /**
   * The digest of {@code listed} (the dep-info's files; those outside the workspace are left out:
   * registry crates are pinned by Cargo.lock, the standard library by the toolchain) and of the
   * workspace's own cargo files. A listed file that is gone counts as changed.
   */
  public static String inputs(Path workspace, List<Path> excluded, Collection<String> listed)
      throws IOException {
    Map<String, String> files = walk(workspace, excluded, Fingerprint::isCargoFile);
    for (String relative : listed) {
      Path file = workspace.resolve(relative);
      files.put(relative, Files.isRegularFile(file) ? Sha256.of(file) : "missing");
    }
    return digest(files);
  }

  /**
   * The workspace-relative paths of the dep-info's files that lie inside the workspace, outside
   * {@code excluded}, sorted.
   */
  public static List<String> withinWorkspace(
      Path workspace, List<Path> excluded, Collection<Path> files) {
    Path root = workspace.toAbsolutePath().normalize();
    return files.stream()
        .map(f -> f.toAbsolutePath().normalize())
        .filter(f -> f.startsWith(root) && !f.equals(root))
        .filter(f -> excluded.stream().noneMatch(f::startsWith))
        .map(f -> relative(root, f))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * Whether a package of the workspace has a build script: one that declares no {@code
   * rerun-if-changed} makes cargo watch its whole package, which dep-info does not list.
   */
  public static boolean hasBuildScript(Path workspace, List<Path> excluded) throws IOException {
    return !walk(workspace, excluded, f -> f.getFileName().toString().equals("build.rs")).isEmpty();
  }

  private static boolean isCargoFile(Path file) {
    String name = file.getFileName().toString();
    return CARGO_FILES.contains(name)
        || CARGO_CONFIGS.contains(name) && file.endsWith(Path.of(".cargo", name));
  }

  private static Map<String, String> walk(
      Path workspace, List<Path> excluded, Predicate<Path> wanted) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Files.walkFileTree(
        workspace,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean skip =
                !dir.equals(workspace)
                    && (dir.endsWith(".git")
                        || dir.endsWith("target")
                        || excluded.stream().anyMatch(dir::equals));
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile() && wanted.test(file)) {
              files.put(relative(workspace, file), Sha256.of(file));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }

  private static String relative(Path workspace, Path file) {
    return workspace.relativize(file).toString().replace('\\', '/');
  }

  private static String digest(Map<String, String> files) {
    MessageDigest digest = Sha256.newDigest();
    new TreeMap<>(files)
        .forEach(
            // The NUL ends the path (a path holds none), the line break the entry.
            (path, sha) ->
                digest.update((path + "\0" + sha + "\n").getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The fingerprint of one target's build. */
  public static String of(
      String sources,
      String toolchain,
      List<String> command,
      Map<String, String> environment,
      List<String> binaries) {
    List<String> parts = new ArrayList<>();
    parts.add(FORMAT);
    parts.add("sources " + sources);
    parts.add("toolchain " + toolchain);
    parts.add("command " + String.join("\u0001", command));
    // Values only enter the digest, never a file: they may be secrets.
    new TreeMap<>(environment).forEach((name, value) -> parts.add("env " + name + "=" + value));
    parts.add(
        "binaries " + (binaries.isEmpty() ? "(all bin targets)" : String.join(",", binaries)));
    return Sha256.of(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
  }
}
