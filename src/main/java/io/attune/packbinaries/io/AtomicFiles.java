package io.attune.packbinaries.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Writes files so that a reader sees either the old content or the new, never a partial file: the
 * content goes to a temporary file beside the destination, which is then renamed over it.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  public static void write(Path destination, byte[] content) throws IOException {
    Path temp = temporaryBeside(destination);
    try {
      Files.write(temp, content);
      moveIntoPlace(temp, destination);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  public static void writeString(Path destination, String content) throws IOException {
    write(destination, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Copies {@code source} over {@code destination}, keeping its executable bit. */
  public static void copy(Path source, Path destination) throws IOException {
    Path temp = temporaryBeside(destination);
    try {
      Files.copy(
          source, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      moveIntoPlace(temp, destination);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * As {@link #copy}, reading {@code source} once: returns the sha256 of the bytes copied, so the
   * copy need not be read again to be hashed.
   */
  public static String copyHashed(Path source, Path destination) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    Path temp = temporaryBeside(destination);
    try {
      try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest)) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(source));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: no executable bit to keep.
      }
      moveIntoPlace(temp, destination);
    } finally {
      Files.deleteIfExists(temp);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Writes what {@code content} yields, then renames it into place. */
  public static void write(Path destination, InputStream content) throws IOException {
    Path temp = temporaryBeside(destination);
    try (content) {
      Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
      moveIntoPlace(temp, destination);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A writer callback, for content produced by a library that wants a path to write to. */
  @FunctionalInterface
  public interface PathWriter {
    void writeTo(Path temporary) throws IOException;
  }

  /** Lets {@code writer} fill a temporary file, then renames it over {@code destination}. */
  public static void write(Path destination, PathWriter writer) throws IOException {
    Path temp = temporaryBeside(destination);
    try {
      writer.writeTo(temp);
      moveIntoPlace(temp, destination);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Path temporaryBeside(Path destination) throws IOException {
    Path parent = destination.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + destination.getFileName() + ".", ".partial");
    // Temporary files start private (0600); the finished file is an ordinary readable one.
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the default permissions are fine.
    }
    return temp;
  }

  private static void moveIntoPlace(Path temp, Path destination) throws IOException {
    try {
      Files.move(
          temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
