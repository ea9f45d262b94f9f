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
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Streams one layer (a tar, gzip-compressed or not) once, entry by entry, hands each entry to a
 * {@link Sink} in order (a {@link PlatformFiles} applies them as an extractor would), and runs the
 * ELF gate on each regular ELF file under {@code /pack-binaries/}. Nothing is held in memory but
 * one entry's header (a {@link TarHeaderGuard} caps header records before the tar reader holds
 * them). The layer itself reaches no disk: it can be the registry's body as it arrives. A binary is
 * hashed as it passes, and the ranges the ELF reader will read (headers, segments they point at,
 * the section headers at the end) are kept in memory on the way ({@link CapturedElf}), so each of
 * its bytes is read once and none is written; a binary whose headers point back at bytes already
 * passed fails the scan with {@link NeedsCopy}, and a {@link #copying} scanner, which copies each
 * binary to a scratch file, reads the layer again.
 */
final class LayerScanner {

  static final String ROOT = "/pack-binaries";

  static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._+-]{1,200}");

  /**
   * A limit of the audit reached (entries, unpacked bytes, the audit's bytes or time): the scan
   * stopped there, whatever the rest of the layer holds.
   */
  static final class LimitReached extends PackFailure {
    LimitReached(String message) {
      super(message);
    }
  }

  /** Where the scanner's entries go, in the layer's order. */
  @FunctionalInterface
  interface Sink {
    void accept(PlatformFiles.Change change) throws PackFailure;
  }

  /**
   * A binary whose headers point the ELF reader at bytes that were not kept as they streamed past:
   * the layer must be read again by a scanner that {@link #copying copies} its binaries.
   */
  static final class NeedsCopy extends PackFailure {
    NeedsCopy(String message) {
      super(message);
    }
  }

  private final AuditLimits limits;
  private final Path scratch;
  private final AuditBudget budget;
  private final boolean copyBinaries;

  LayerScanner(AuditLimits limits, Path scratch) {
    this(limits, scratch, new AuditBudget(limits));
  }

  LayerScanner(AuditLimits limits, Path scratch, AuditBudget budget) {
    this(limits, scratch, budget, false);
  }

  private LayerScanner(AuditLimits limits, Path scratch, AuditBudget budget, boolean copy) {
    this.limits = limits;
    this.scratch = scratch;
    this.budget = budget;
    this.copyBinaries = copy;
  }

  /** This scanner, but copying each binary to a scratch file for the ELF reader. */
  LayerScanner copying() {
    return new LayerScanner(limits, scratch, budget, true);
  }

  /**
   * @param blob the layer as a file
   * @param where the layer and its platform, for messages
   */
  void scan(Path blob, String layerDigest, String where, BinaryInspector inspector, Sink sink)
      throws PackFailure, IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(blob))) {
      scan(file, layerDigest, where, inspector, sink);
    }
  }

  /**
   * Scans the layer {@code file} gives, which stays open: a caller streaming it from a registry
   * reads the rest afterwards to check its digest.
   */
  void scan(
      InputStream file, String layerDigest, String where, BinaryInspector inspector, Sink sink)
      throws PackFailure, IOException {
    InputStream open =
        new FilterInputStream(file) {
          @Override
          public void close() {
            // the caller's to close
          }
        };
    InputStream buffered = new BufferedInputStream(open, 64 * 1024);
    try (TarHeaderGuard guard =
            new TarHeaderGuard(unpacked(buffered, where), limits.maxHeaderRecordBytes());
        TarArchiveInputStream tar = new TarArchiveInputStream(guard)) {
      long entries = 0;
      TarArchiveEntry entry;
      while ((entry = nextEntry(tar, where)) != null) {
        if (++entries > limits.maxEntries()) {
          throw new LimitReached(
              where
                  + " has more than "
                  + limits.maxEntries()
                  + " entries, more than the audit reads (AuditLimits.maxEntries).");
        }
        check(entry, guard, entries, where);
        sink.accept(change(entry, tar, layerDigest, where, inspector));
      }
    } catch (UnpackLimitException e) {
      throw new LimitReached(
          where
              + " unpacks to more than "
              + limits.maxUnpackedLayerBytes()
              + " bytes, more than the audit reads (AuditLimits.maxUnpackedLayerBytes); is it a"
              + " compression bomb?");
    } catch (TarHeaderGuard.Refused e) {
      throw new PackFailure(where + " holds " + e.getMessage() + "; the audit refuses it.");
    } catch (AuditBudget.Exceeded e) {
      throw new LimitReached(e.failure(where).getMessage());
    }
  }

  /** The tar reader's entry agrees with the headers the guard read, and is not sparse. */
  private static void check(TarArchiveEntry entry, TarHeaderGuard guard, long n, String where)
      throws PackFailure {
    String name = "'" + Shown.printable(entry.getName(), 200) + "'";
    if (entry.isSparse()) {
      throw new PackFailure(
          where
              + " holds a sparse entry "
              + name
              + ", which unpacks to more than it stores;"
              + " the audit refuses it.");
    }
    if (guard.entries() != n || guard.lastEntrySize() != entry.getSize()) {
      throw new PackFailure(
          where
              + ": the tar reader and the audit's header check read the entry "
              + name
              + " differently; the audit refuses the layer.");
    }
    if (entry.isDirectory() && entry.getSize() != 0) {
      throw new PackFailure(
          where
              + " holds the entry "
              + name
              + ", a directory that declares "
              + entry.getSize()
              + " bytes of data; extractors disagree on where its next entry starts, and the audit"
              + " refuses it.");
    }
  }

  private PlatformFiles.Change change(
      TarArchiveEntry entry,
      TarArchiveInputStream tar,
      String layerDigest,
      String where,
      BinaryInspector inspector)
      throws PackFailure, IOException {
    String raw = entry.getName();
    String path = normalize(raw);
    if (PlatformFiles.inRoot(path) && UNPRINTABLE.matcher(path).find()) {
      throw new PackFailure(
          where
              + " holds the entry '"
              + Shown.printable(raw, 200)
              + "', whose name has control characters; the audit refuses names it cannot show.");
    }
    String name = BinaryInspector.fileName(path);
    String parent = PlatformFiles.parent(path);
    if (name.equals(OPAQUE)) {
      return new PlatformFiles.Opaque(raw, parent);
    }
    if (name.startsWith(WHITEOUT)) {
      String removed = name.substring(WHITEOUT.length());
      return new PlatformFiles.Whiteout(raw, (parent.equals("/") ? "" : parent) + "/" + removed);
    }
    if (entry.isDirectory()) {
      return new PlatformFiles.Directory(raw, path);
    }
    if (entry.isLink()) {
      return new PlatformFiles.HardLink(raw, path, normalize(entry.getLinkName()));
    }
    if (entry.isSymbolicLink()) {
      return new PlatformFiles.SymbolicLink(raw, path, entry.getLinkName());
    }
    byte type = entry.getLinkFlag();
    if (!entry.isFile()
        || (type != TarArchiveEntry.LF_NORMAL && type != TarArchiveEntry.LF_OLDNORM)) {
      // commons-compress calls FIFOs and devices files too; extractors write regular files of
      // type '0' (or NUL) only.
      return new PlatformFiles.Special(raw, path);
    }
    if (!PlatformFiles.inRoot(path)) {
      return new PlatformFiles.File(raw, path, null, "outside " + ROOT);
    }
    AuditedBinary binary = inspect(entry, tar, path, layerDigest, where, inspector);
    return new PlatformFiles.File(raw, path, binary, binary == null ? "not ELF" : null);
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
    MessageDigest digest = Sha256.newDigest();
    // Hashed as it passes; kept in memory where the ELF reader will read (or, copying, on disk).
    CapturedElf captured = copyBinaries ? null : new CapturedElf(size);
    Path copy = copyBinaries ? scratch.resolve(safeName(path)) : null;
    long written;
    try (OutputStream out =
        new DigestOutputStream(
            captured != null ? captured.sink() : Files.newOutputStream(copy), digest)) {
      out.write(magic);
      written = magic.length + copy(tar, out, size - magic.length, where);
    }
    if (written != size) {
      if (copy != null) {
        Files.deleteIfExists(copy);
      }
      throw new PackFailure(
          where
              + ": the entry '"
              + Shown.printable(entry.getName(), 200)
              + "' declares "
              + size
              + " bytes and holds "
              + written
              + "; the audit refuses the layer.");
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (captured == null) {
      try {
        return inspector.inspect(path, copy, sha256, size, layerDigest);
      } finally {
        Files.deleteIfExists(copy);
      }
    }
    try {
      return inspector.inspect(path, safeName(path), captured.channel(), sha256, size, layerDigest);
    } catch (CapturedElf.NotKept e) {
      throw new NeedsCopy(
          where
              + ": the headers of "
              + Shown.printable(path, 200)
              + " point at bytes that had passed before anything pointed at them ("
              + e.getMessage()
              + "); the layer is read again with its binaries copied to disk");
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
    return new LimitedInputStream(tar, limits.maxUnpackedLayerBytes(), budget);
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

  /** Copies at most {@code limit} bytes, and one more if there is one: returns what it copied. */
  private static long copy(InputStream in, OutputStream out, long limit, String where)
      throws PackFailure, IOException {
    byte[] buffer = new byte[64 * 1024];
    long copied = 0;
    while (copied <= limit) {
      int n;
      try {
        n = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1 - copied));
      } catch (IOException e) {
        throw malformed(where, e);
      }
      if (n < 0) {
        return copied;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static PackFailure malformed(String where, Exception e) {
    return new PackFailure(
        where
            + " is not a readable tar layer ("
            + Shown.printable(String.valueOf(e.getMessage()), 80)
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
    // normalize() leaves no "." or ".." to be a name.
    return SAFE_NAME.matcher(name).matches() ? name : "binary";
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
    private final AuditBudget budget;

    LimitedInputStream(InputStream in, long limit, AuditBudget budget) {
      super(in);
      this.remaining = limit;
      this.budget = budget;
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
      budget.spend(n);
    }
  }
}
