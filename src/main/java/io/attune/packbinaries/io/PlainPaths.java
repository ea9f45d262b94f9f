package io.attune.packbinaries.io;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * What a path read from one of our own files may be. The files are ours, but anyone can edit them,
 * and a path that names somewhere else (or that this system cannot even spell, as one with a NUL)
 * must be refused where it is read, not fail later as an unchecked exception.
 */
public final class PlainPaths {

  private PlainPaths() {}

  /** A path this system can spell (on Linux: no NUL character). */
  public static boolean isPath(String path) {
    return parse(path) != null;
  }

  /** A relative path inside its directory: nothing absolute, nothing through "..", normalized. */
  public static boolean isInside(String relative) {
    Path path = parse(relative);
    return path != null
        && !relative.isEmpty()
        && !path.isAbsolute()
        && path.normalize().toString().equals(relative)
        && !path.startsWith("..");
  }

  /** One file name inside its directory: {@link #isInside} with a single name. */
  public static boolean isFileName(String name) {
    return isInside(name) && Path.of(name).getNameCount() == 1;
  }

  private static Path parse(String path) {
    try {
      return Path.of(path);
    } catch (InvalidPathException unspellable) {
      return null;
    }
  }
}
