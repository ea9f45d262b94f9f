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
 */
public record ImageBinary(TargetTriple target, String name, Path file, String sha256) {}
