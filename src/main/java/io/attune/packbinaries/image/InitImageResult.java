package io.attune.packbinaries.image;

import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.target.Platform;
import java.nio.file.Path;
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
 */
public record InitImageResult(
    Descriptor index,
    List<PlatformManifest> images,
    Map<Platform, Path> platformTarballs,
    Path layout,
    Path layoutArchive) {}
