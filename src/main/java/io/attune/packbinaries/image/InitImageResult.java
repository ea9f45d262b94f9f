package io.attune.packbinaries.image;

import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.Platform;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the image goal produced.
 *
 * @param index the descriptor of the multi-platform index in the layout
 * @param images each platform's manifest, sorted by platform
 * @param platformTarballs each platform's docker-loadable tarball
 * @param layout the OCI layout directory
 * @param layoutArchive the layout as one tar archive
 * @param baseDigest the digest of the base image (its index, for a multi-platform base) that every
 *     platform was built from, as jib pulled it; null when jib took it from its cache unasked
 * @param archiveDigests the sha256 of each archive (tarballs and layout archive), by file name,
 *     taken as they were written
 */
public record InitImageResult(
    Descriptor index,
    List<PlatformManifest> images,
    Map<Platform, Path> platformTarballs,
    Path layout,
    Path layoutArchive,
    String baseDigest,
    Map<String, String> archiveDigests) {

  /** The same result with every path under {@code from} moved under {@code to}. */
  InitImageResult relocated(Path from, Path to) {
    Map<Platform, Path> tarballs = new LinkedHashMap<>();
    platformTarballs.forEach((platform, path) -> tarballs.put(platform, move(path, from, to)));
    return new InitImageResult(
        index,
        images,
        tarballs,
        move(layout, from, to),
        move(layoutArchive, from, to),
        baseDigest,
        archiveDigests);
  }

  private static Path move(Path path, Path from, Path to) {
    return to.resolve(from.relativize(path));
  }
}
