package io.attune.packbinaries.audit;

import io.attune.packbinaries.io.Shown;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the 512-byte tar header blocks of a decompressed layer as they pass to the tar reader, and
 * refuses what would let the layer grow inside or below it, or let two extractors read different
 * entries from the same bytes, before the tar reader sees the block: a header record (PAX extended
 * header, GNU long name or long link name) over the cap, which the tar reader would hold in memory
 * whole; any sparse entry (old GNU 'S', or PAX's GNU.sparse keys), which unpacks to more than it
 * stores; an entry of a type that has no data (links, directories, devices, FIFOs) that declares
 * some, which Go's tar reader (containerd's) skips as nothing and commons-compress as data; global
 * PAX records that rename or resize later entries, which commons-compress applies and Go does not;
 * and two records of one kind for one entry, which the two readers resolve in opposite orders.
 *
 * <p>It keeps the size of each entry it read from the headers (PAX 'size' included) so that the
 * scanner can check that it and the tar reader agree, entry by entry.
 */
final class TarHeaderGuard extends FilterInputStream {

  private static final int BLOCK = 512;
  private static final int NAME_LENGTH = 100;
  private static final int SIZE_OFFSET = 124;
  private static final int SIZE_LENGTH = 12;
  private static final int TYPE_OFFSET = 156;

  private enum State {
    HEADER,
    BODY,
    SKIP,
    END
  }

  private final int maxRecordBytes;
  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private State state = State.HEADER;
  private long skip;
  private long bodyLeft;
  private long bodyPadding;
  private byte bodyType;
  private ByteArrayOutputStream body;
  private Long paxSize;
  private boolean pendingPax;
  private boolean pendingLongName;
  private boolean pendingLongLink;
  private long entries;
  private long lastEntrySize = -1;

  TarHeaderGuard(InputStream in, int maxRecordBytes) {
    super(in);
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Entries (not header records) whose header block has passed. */
  long entries() {
    return entries;
  }

  /** The data size the last entry's headers declare, PAX 'size' included; -1 before any. */
  long lastEntrySize() {
    return lastEntrySize;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      see(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      see(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must be seen too: read them.
    byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void see(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      switch (state) {
        case HEADER -> {
          int n = Math.min(BLOCK - headerFill, end - i);
          System.arraycopy(bytes, i, header, headerFill, n);
          headerFill += n;
          i += n;
          if (headerFill == BLOCK) {
            headerFill = 0;
            onHeader();
          }
        }
        case BODY -> {
          int n = (int) Math.min(bodyLeft, end - i);
          body.write(bytes, i, n);
          bodyLeft -= n;
          i += n;
          if (bodyLeft == 0) {
            onBody();
          }
        }
        case SKIP -> {
          int n = (int) Math.min(skip, end - i);
          skip -= n;
          i += n;
          if (skip == 0) {
            state = State.HEADER;
          }
        }
        case END -> i = end;
      }
    }
  }

  private void onHeader() {
    if (allZero(header)) {
      // Both readers stop at the first zero block (Go fails unless a second one follows).
      state = State.END;
      return;
    }
    byte type = header[TYPE_OFFSET];
    long size = size(header);
    switch (type) {
      case 'x', 'g', 'L', 'K' -> record(type, size);
      case 'X' -> refuse("a Solaris extended header ('X'), which extractors read differently");
      case 'S' -> refuse("a sparse entry " + name() + ", which unpacks to more than it stores");
      default -> entry(type, size);
    }
  }

  private void record(byte type, long size) {
    if (size > maxRecordBytes) {
      refuse(
          "a header record ('"
              + (char) type
              + "') of "
              + size
              + " bytes, more than the audit reads ("
              + maxRecordBytes
              + ", AuditLimits.maxHeaderRecordBytes)");
    }
    boolean twice =
        switch (type) {
          case 'x' -> pendingPax;
          case 'L' -> pendingLongName;
          case 'K' -> pendingLongLink;
          default -> false;
        };
    if (twice) {
      refuse("two header records ('" + (char) type + "') for one entry");
    }
    bodyType = type;
    body = new ByteArrayOutputStream((int) size);
    bodyLeft = size;
    bodyPadding = padding(size);
    // An empty body completes with the next byte, as any other.
    state = State.BODY;
  }

  private void onBody() {
    byte[] content = body.toByteArray();
    body = null;
    switch (bodyType) {
      case 'x' -> {
        pendingPax = true;
        pax(content, false);
      }
      case 'g' -> pax(content, true);
      case 'L' -> pendingLongName = true;
      default -> pendingLongLink = true;
    }
    if (pendingPax && pendingLongName) {
      refuse("both a PAX header and a GNU long name for one entry");
    }
    skipThen(bodyPadding);
  }

  private void entry(byte type, long size) {
    long declared = paxSize != null ? paxSize : size;
    boolean headerOnly = type >= '1' && type <= '6';
    if (headerOnly && declared != 0) {
      refuse(
          "the entry "
              + name()
              + " of type '"
              + (char) type
              + "' declares "
              + declared
              + " bytes of data, which a link, directory or device has not; extractors disagree"
              + " on where its next entry starts");
    }
    entries++;
    lastEntrySize = declared;
    paxSize = null;
    pendingPax = false;
    pendingLongName = false;
    pendingLongLink = false;
    skipThen(declared + padding(declared));
  }

  /** Skips {@code n} bytes, then reads a header; nothing to skip ends with the next byte. */
  private void skipThen(long n) {
    skip = n;
    state = State.SKIP;
  }

  /** PAX records "length key=value\n", as commons-compress reads them. */
  private void pax(byte[] content, boolean global) {
    int i = 0;
    while (i < content.length) {
      int lengthEnd = i;
      while (lengthEnd < content.length && content[lengthEnd] >= '0' && content[lengthEnd] <= '9') {
        lengthEnd++;
      }
      if (lengthEnd == i || lengthEnd >= content.length || content[lengthEnd] != ' ') {
        if (allZero(content, i)) {
          return;
        }
        refuse("a malformed PAX header record");
      }
      long length =
          Long.parseLong(
              new String(content, i, Math.min(lengthEnd - i, 18), StandardCharsets.US_ASCII));
      if (lengthEnd - i > 18 || length <= lengthEnd - i + 1 || i + length > content.length) {
        refuse("a malformed PAX header record");
      }
      int recordEnd = (int) (i + length);
      int keyStart = lengthEnd + 1;
      int equals = keyStart;
      while (equals < recordEnd && content[equals] != '=') {
        equals++;
      }
      if (equals >= recordEnd || content[recordEnd - 1] != '\n') {
        refuse("a malformed PAX header record");
      }
      String key = new String(content, keyStart, equals - keyStart, StandardCharsets.UTF_8);
      String value =
          new String(content, equals + 1, recordEnd - 1 - (equals + 1), StandardCharsets.UTF_8);
      paxKey(key, value, global);
      i = recordEnd;
    }
  }

  private void paxKey(String key, String value, boolean global) {
    if (key.startsWith("GNU.sparse.")
        || key.startsWith("SCHILY.realsize")
        || key.equals("SCHILY.filetype")) {
      refuse(
          "a sparse entry (PAX "
              + Shown.printable(key, 40)
              + "), which unpacks to more than it"
              + " stores");
    }
    if (global && (key.equals("size") || key.equals("path") || key.equals("linkpath"))) {
      refuse(
          "a global PAX header setting '"
              + key
              + "' for every later entry, which extractors apply differently");
    }
    if (!global && key.equals("size")) {
      if (value.isEmpty()) {
        paxSize = null;
        return;
      }
      try {
        long size = Long.parseLong(value);
        if (size < 0) {
          throw new NumberFormatException();
        }
        paxSize = size;
      } catch (NumberFormatException e) {
        refuse("a PAX size that is not a size (" + Shown.printable(value, 40) + ")");
      }
    }
  }

  /** The size field: octal digits (spaces and NULs around them), or base-256 when 0x80 leads. */
  static long size(byte[] block) {
    if ((block[SIZE_OFFSET] & 0x80) != 0) {
      if (block[SIZE_OFFSET] != (byte) 0x80) {
        throw new Refused("a negative or oversized base-256 entry size");
      }
      long value = 0;
      for (int i = SIZE_OFFSET + 1; i < SIZE_OFFSET + SIZE_LENGTH; i++) {
        if (value > (Long.MAX_VALUE >> 8)) {
          throw new Refused("an entry size over 2^63");
        }
        value = (value << 8) | (block[i] & 0xff);
      }
      return value;
    }
    int start = SIZE_OFFSET;
    int end = SIZE_OFFSET + SIZE_LENGTH;
    while (start < end && block[start] == ' ') {
      start++;
    }
    while (end > start && (block[end - 1] == 0 || block[end - 1] == ' ')) {
      end--;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      byte b = block[i];
      if (b < '0' || b > '7') {
        throw new Refused("a tar header whose size field is not octal");
      }
      value = (value << 3) + (b - '0');
    }
    return value;
  }

  private static long padding(long size) {
    long rest = size % BLOCK;
    return rest == 0 ? 0 : BLOCK - rest;
  }

  private String name() {
    int end = 0;
    while (end < NAME_LENGTH && header[end] != 0) {
      end++;
    }
    return "'" + Shown.printable(new String(header, 0, end, StandardCharsets.UTF_8), 120) + "'";
  }

  private static boolean allZero(byte[] bytes) {
    return allZero(bytes, 0);
  }

  private static boolean allZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static void refuse(String what) {
    throw new Refused(what);
  }

  /** A header the audit refuses; unchecked, so it passes through the tar reader. */
  static final class Refused extends RuntimeException {
    Refused(String what) {
      super(what, null, false, false);
    }
  }
}
