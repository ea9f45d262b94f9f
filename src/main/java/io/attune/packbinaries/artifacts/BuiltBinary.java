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
 */
public record BuiltBinary(
    String target, String name, String path, String sha256, long size, boolean stripped) {}
