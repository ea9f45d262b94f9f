package io.attune.packbinaries.audit;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.io.Shown;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Streams one layer (a tar, gzip-compressed or not) once, entry by entry, and runs the ELF gate on
 * each regular ELF file under {@code /pack-binaries/}. Nothing is held in memory but one entry's
 * header; a binary is copied to a scratch file, because the ELF reader seeks.
 */
final class LayerScanner {

  static final String ROOT = "/pack-binaries";

  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._+-]{1,200}");

  /** What one layer changes under {@code /pack-binaries/}, in the order a container applies it. */
  record LayerChanges(
      Map<String, AuditedBinary> binaries,
      Set<String> removed,
      Set<String> opaqueDirectories,
      Map<String, String> hardLinks,
      Map<String, String> skipped) {}

  private final AuditLimits limits;
  private final Path scratch;

  LayerScanner(AuditLimits limits, Path scratch) {
    this.limits = limits;
    this.scratch = scratch;
  }

  /**
   * @param blob the layer as downloaded and digest-checked
   * @param where the layer and its platform, for messages
   */
  LayerChanges scan(Path blob, String layerDigest, String where, BinaryInspector inspector)
      throws PackFailure, IOException {
    LayerChanges changes =
        new LayerChanges(
            new LinkedHashMap<>(),
            new LinkedHashSet<>(),
            new LinkedHashSet<>(),
            new LinkedHashMap<>(),
            new LinkedHashMap<>());
    try (InputStream file = new BufferedInputStream(Files.newInputStream(blob));
        TarArchiveInputStream tar = new TarArchiveInputStream(unpacked(file, where))) {
      long entries = 0;
      TarArchiveEntry entry;
      while ((entry = nextEntry(tar, where)) != null) {
        if (++entries > limits.maxEntries()) {
          throw new PackFailure(
              where
                  + " has more than "
                  + limits.maxEntries()
                  + " entries, more than the audit reads.");
        }
        record(entry, tar, changes, layerDigest, where, inspector);
      }
    } catch (UnpackLimitException e) {
      throw new PackFailure(
          where
              + " unpacks to more than "
              + limits.maxUnpackedLayerBytes()
              + " bytes, more than the audit reads; is it a compression bomb?");
    }
    return changes;
  }

  private void record(
      TarArchiveEntry entry,
      TarArchiveInputStream tar,
      LayerChanges changes,
      String layerDigest,
      String where,
      BinaryInspector inspector)
      throws PackFailure, IOException {
    String path = normalize(entry.getName());
    String name = BinaryInspector.fileName(path);
    String parent = path.substring(0, path.lastIndexOf('/'));
    if (name.equals(OPAQUE)) {
      changes.opaqueDirectories().add(parent);
      return;
    }
    if (name.startsWith(WHITEOUT)) {
      changes.removed().add(parent + "/" + name.substring(WHITEOUT.length()));
      return;
    }
    if (entry.isDirectory()) {
      return;
    }
    // Anything but a directory hides what the layers below had at this path.
    changes.removed().add(path);
    if (!path.startsWith(ROOT + "/")) {
      return;
    }
    changes.binaries().remove(path);
    changes.hardLinks().remove(path);
    changes.skipped().remove(path);
    if (entry.isLink()) {
      changes.hardLinks().put(path, normalize(entry.getLinkName()));
    } else if (entry.isSymbolicLink()) {
      changes.skipped().put(path, "symbolic link to " + entry.getLinkName() + ", not followed");
    } else if (!entry.isFile()) {
      changes.skipped().put(path, "not a regular file");
    } else {
      AuditedBinary binary = inspect(entry, tar, path, layerDigest, where, inspector);
      if (binary != null) {
        changes.binaries().put(path, binary);
      } else {
        changes.skipped().put(path, "not ELF");
      }
    }
  }

  /** The gate's verdict on a regular file, or null when it is not ELF. */
  private AuditedBinary inspect(
      TarArchiveEntry entry,
      TarArchiveInputStream tar,
      String path,
      String layerDigest,
      String where,
      BinaryInspector inspector)
      throws PackFailure, IOException {
    byte[] magic = read(tar, 4, where);
    if (magic.length < 4
        || magic[0] != 0x7f
        || magic[1] != 'E'
        || magic[2] != 'L'
        || magic[3] != 'F') {
      return null;
    }
    long size = entry.getSize();
    if (size > limits.maxBinaryBytes()) {
      return AuditedBinary.unreadable(
          path,
          layerDigest,
          size,
          path
              + " is "
              + size
              + " bytes, more than the audit reads ("
              + limits.maxBinaryBytes()
              + ").");
    }
    Path copy = scratch.resolve(safeName(path));
    MessageDigest digest = Sha256.newDigest();
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(copy), digest)) {
      out.write(magic);
      copy(tar, out, where);
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    try {
      return inspector.inspect(path, copy, sha256, size, layerDigest);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /** The layer's tar stream, gunzipped when it starts with gzip's magic, bounded either way. */
  private InputStream unpacked(InputStream file, String where) throws PackFailure, IOException {
    file.mark(2);
    int first = file.read();
    int second = file.read();
    file.reset();
    InputStream tar = file;
    if (first == 0x1f && second == 0x8b) {
      try {
        tar = new GzipCompressorInputStream(file, true);
      } catch (IOException e) {
        throw malformed(where, e);
      }
    } else if (first == 0x28 && second == 0xb5) {
      throw new PackFailure(
          where + " is zstd-compressed; the audit reads gzip-compressed and uncompressed layers.");
    }
    return new LimitedInputStream(tar, limits.maxUnpackedLayerBytes());
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String where)
      throws PackFailure {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(where, e);
    }
  }

  private static byte[] read(InputStream in, int length, String where) throws PackFailure {
    try {
      return in.readNBytes(length);
    } catch (IOException e) {
      throw malformed(where, e);
    }
  }

  private static void copy(InputStream in, OutputStream out, String where)
      throws PackFailure, IOException {
    byte[] buffer = new byte[64 * 1024];
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw malformed(where, e);
      }
      if (n < 0) {
        return;
      }
      out.write(buffer, 0, n);
    }
  }

  private static PackFailure malformed(String where, Exception e) {
    return new PackFailure(
        where
            + " is not a readable tar layer ("
            + Shown.cut(String.valueOf(e.getMessage()), 80)
            + "); push the image again, or rebuild it.",
        e);
  }

  /**
   * A tar name as an absolute path in the image: {@code ./a//b/} and {@code /a/b} are {@code /a/b};
   * {@code ..} never climbs above the root.
   */
  static String normalize(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** A scratch file name from a path in the image, which the ELF reader's messages show. */
  private static String safeName(String path) {
    String name = BinaryInspector.fileName(path);
    return SAFE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..")
        ? name
        : "binary";
  }

  /**
   * Thrown when a layer unpacks to more than its budget; unchecked, so the tar reader passes it.
   */
  static final class UnpackLimitException extends RuntimeException {
    UnpackLimitException() {
      super("unpack limit reached");
    }
  }

  /** Counts what is read through it and stops at the limit. */
  private static final class LimitedInputStream extends FilterInputStream {
    private long remaining;

    LimitedInputStream(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipping still unpacks; read through so the bytes count.
      byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
      int read = read(buffer, 0, buffer.length);
      return Math.max(read, 0);
    }

    private void count(long n) {
      remaining -= n;
      if (remaining < 0) {
        throw new UnpackLimitException();
      }
    }
  }
}
