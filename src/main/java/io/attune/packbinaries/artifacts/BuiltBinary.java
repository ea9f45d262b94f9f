package io.attune.packbinaries.artifacts;

/**
 * One binary the build produced.
 *
 * @param target the Rust target triple it was built for
 * @param name the binary's file name, e.g. {@code attune-core-timer-sensor}
 * @param path its path relative to the output directory, e.g. {@code <triple>/<name>}
 * @param sha256 lowercase hex digest of its content
 * @param size bytes
 * @param stripped whether the build stripped its symbols
 * @param pack the pack it belongs to, from the build's {@code <packs>}; null for a build of one
 *     Cargo workspace, whose binaries go to the image goal's {@code pack.image.pack}
 */
public record BuiltBinary(
    String target,
    String name,
    String path,
    String sha256,
    long size,
    boolean stripped,
    String pack) {

  /** A binary of a build without {@code <packs>}. */
  public BuiltBinary(
      String target, String name, String path, String sha256, long size, boolean stripped) {
    this(target, name, path, sha256, size, stripped, null);
  }

  /** {@code pack/name}, or the name alone without a pack: for messages. */
  public String qualifiedName() {
    return pack == null ? name : pack + "/" + name;
  }
}
