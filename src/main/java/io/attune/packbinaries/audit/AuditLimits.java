package io.attune.packbinaries.audit;

import java.time.Duration;

/**
 * How much of a published image the audit reads before it gives up: an image is hostile input, so
 * every count and size it declares, and every byte it unpacks to, has a ceiling, and so has the
 * whole audit, in bytes and in time. Each limit, when reached, ends the audit in a failure naming
 * it.
 *
 * @param maxDocumentBytes an index, a manifest or an image config
 * @param maxPlatforms entries of an index
 * @param maxLayers layers of one platform's image
 * @param maxLayerBytes one layer as stored (compressed)
 * @param maxUnpackedLayerBytes one layer unpacked: the guard against a gzip bomb
 * @param maxEntries tar entries of one layer; also the symbolic links one platform's image may
 *     hold, which the audit follows as an extractor would
 * @param maxBinaryBytes one ELF file under /pack-binaries/, which is hashed and read as it streams
 *     past (what the ELF reader reads kept in memory, or the file copied out when its headers point
 *     back)
 * @param maxHeaderRecordBytes one tar header record (a PAX extended header, a GNU long name or long
 *     link name), refused before the tar reader holds it in memory
 * @param maxAuditBytes everything one audit downloads and unpacks, summed over all layers and
 *     platforms
 * @param maxAuditTime one audit, from its first request to its verdict
 */
public record AuditLimits(
    long maxDocumentBytes,
    int maxPlatforms,
    int maxLayers,
    long maxLayerBytes,
    long maxUnpackedLayerBytes,
    long maxEntries,
    long maxBinaryBytes,
    int maxHeaderRecordBytes,
    long maxAuditBytes,
    Duration maxAuditTime) {

  private static final long MIB = 1L << 20;

  /**
   * Far above any init image (a few MB), far below what would exhaust a build machine: documents 4
   * MiB, 64 platforms, 256 layers, a layer 2 GiB stored and 8 GiB unpacked, 500,000 entries, a
   * binary 512 MiB, a header record 64 KiB, 16 GiB downloaded and unpacked in all, 15 minutes.
   */
  public static final AuditLimits DEFAULT =
      new AuditLimits(
          4 * MIB,
          64,
          256,
          2048 * MIB,
          8192 * MIB,
          500_000,
          512 * MIB,
          64 * 1024,
          16384 * MIB,
          Duration.ofMinutes(15));
}
