package io.attune.packbinaries.image;

import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Path;

/**
 * A verified binary to put into the image of its target's platform.
 *
 * @param target its target triple
 * @param name its file name in the image
 * @param file where it is on disk
 * @param sha256 lowercase hex digest, checked against the file and the verify report
 * @param pack the pack the build listed it under, or null for the image goal's {@code
 *     pack.image.pack}
 */
public record ImageBinary(TargetTriple target, String name, Path file, String sha256, String pack) {

  /** A binary of the image goal's pack. */
  public ImageBinary(TargetTriple target, String name, Path file, String sha256) {
    this(target, name, file, sha256, null);
  }
}
