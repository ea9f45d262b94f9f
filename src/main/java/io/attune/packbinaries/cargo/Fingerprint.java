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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of everything a build's result depends on: the workspace's files (Cargo.lock included),
 * the toolchain's exact version (the builder image's ID), and every parameter. Equal fingerprints
 * mean the build would produce the same binaries, so it can be skipped.
 */
public final class Fingerprint {

  /** Bump when the build steps change, so older results are rebuilt. */
  private static final String FORMAT = "pack-binaries build fingerprint 1";

  private Fingerprint() {}

  /**
   * The digest of the workspace's files: each one's path and content. Skips {@code .git}, every
   * {@code target} directory and {@code excluded} (the plugin's own outputs, so writing them does
   * not make the next build stale).
   */
  public static String sources(Path workspace, List<Path> excluded) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Files.walkFileTree(
        workspace,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean skip =
                !dir.equals(workspace)
                    && (name.equals(".git")
                        || name.equals("target")
                        || excluded.stream().anyMatch(dir::equals));
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              String relative = workspace.relativize(file).toString().replace('\\', '/');
              files.put(relative, Sha256.of(file));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    MessageDigest digest = Sha256.newDigest();
    files.forEach(
        (path, sha) -> {
          digest.update(path.getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          digest.update(sha.getBytes(StandardCharsets.UTF_8));
          digest.update((byte) '\n');
        });
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
