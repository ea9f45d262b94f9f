package io.attune.packbinaries.image;

import io.attune.packbinaries.oci.ManifestFormat;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What every platform's init image shares.
 *
 * @param baseImage the multi-platform base, by tag or digest, e.g. {@code busybox:1.36}
 * @param pack the pack whose sensors the image carries: {@code /pack-binaries/<pack>/sensors/}
 * @param version the project version: a label, an index annotation and the layout's ref name
 * @param revision the source revision for the label, or null
 * @param source the source URL for the label, or null
 * @param creationTime the image's creation time and every file's time
 * @param format OCI or Docker media types
 * @param localName the name {@code docker load} gives the per-architecture images
 * @param allowInsecureRegistries whether the base may be pulled over plain HTTP
 * @param offline whether to use only jib's cache of the base image
 * @param baseLayersCache jib's cache of base image layers, or null for jib's default
 */
public record InitImageSettings(
    String baseImage,
    String pack,
    String version,
    String revision,
    String source,
    Instant creationTime,
    ManifestFormat format,
    String localName,
    boolean allowInsecureRegistries,
    boolean offline,
    Path baseLayersCache) {

  /**
   * The base when none is configured: a busybox-style image of every platform the plugin builds.
   */
  public static final String DEFAULT_BASE = "busybox:1.36";

  /** The pack {@code binary} goes to: its own, or, for a binary of no pack, {@link #pack}. */
  public String packOf(ImageBinary binary) {
    return binary.pack() != null ? binary.pack() : pack;
  }
}
