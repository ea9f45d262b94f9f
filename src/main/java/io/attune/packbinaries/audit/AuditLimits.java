package io.attune.packbinaries.audit;

/**
 * How much of a published image the audit reads before it gives up: an image is hostile input, so
 * every count and size it declares, and every byte it unpacks to, has a ceiling.
 *
 * @param maxDocumentBytes an index, a manifest or an image config
 * @param maxPlatforms entries of an index
 * @param maxLayers layers of one platform's image
 * @param maxLayerBytes one layer as stored (compressed)
 * @param maxUnpackedLayerBytes one layer unpacked: the guard against a gzip bomb
 * @param maxEntries tar entries of one layer
 * @param maxBinaryBytes one file under /pack-binaries/, which is copied out to be read
 */
public record AuditLimits(
    long maxDocumentBytes,
    int maxPlatforms,
    int maxLayers,
    long maxLayerBytes,
    long maxUnpackedLayerBytes,
    long maxEntries,
    long maxBinaryBytes) {

  private static final long MIB = 1L << 20;

  /** Far above any init image (a few MB), far below what would exhaust a build machine. */
  public static final AuditLimits DEFAULT =
      new AuditLimits(4 * MIB, 64, 256, 2048 * MIB, 8192 * MIB, 500_000, 512 * MIB);
}
