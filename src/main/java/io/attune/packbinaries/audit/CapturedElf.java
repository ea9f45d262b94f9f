package io.attune.packbinaries.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one ELF file that the ELF reader will ask for, kept in memory as the file streams
 * past once, so that a binary in a layer needs no copy on disk. The reader reads the ELF header,
 * the program headers, the interpreter path, the dynamic segment and the library names it points
 * at, the notes, and the section headers at the end: this follows the same pointers as the bytes
 * arrive (the first {@link #PREFIX} bytes, then what the headers in them point at further on, then
 * what the dynamic segment points at) and keeps each range whole.
 *
 * <p>It only plans; {@link io.attune.packbinaries.elf.ElfReader} still reads and judges the file,
 * through {@link #channel()}. A read of bytes that were not kept (they lay behind the stream before
 * anything pointed at them, or a table is larger than the reader reads) throws {@link NotKept}: the
 * caller then copies the binary to a file instead. Keeps at most {@link #MAX_KEPT} bytes.
 */
final class CapturedElf {

  /** Read first: the ELF header and, in any binary a linker writes, the program headers. */
  static final int PREFIX = 64 * 1024;

  /** A range longer than this the ELF reader refuses unread (its MAX_TABLE). */
  static final long MAX_RANGE = 1L << 20;

  /** All ranges together. */
  static final long MAX_KEPT = 8L << 20;

  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final int PT_NOTE = 4;
  private static final int PT_LOAD = 1;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_SONAME = 14;
  private static final int MAX_NAME = 4096;

  /** A range of the file being filled or kept. */
  private static final class Range {
    final long start;
    final byte[] bytes;
    final Kind kind;
    int filled;

    Range(long start, int length, Kind kind) {
      this.start = start;
      this.bytes = new byte[length];
      this.kind = kind;
    }

    long end() {
      return start + bytes.length;
    }
  }

  private enum Kind {
    PREFIX,
    PROGRAM_HEADERS,
    DYNAMIC,
    OTHER
  }

  private record Segment(long type, long offset, long vaddr, long filesz) {}

  private final long size;
  private final List<Range> filling = new ArrayList<>();
  private final List<Range> kept = new ArrayList<>();
  private long position;
  private long keptBytes;
  private boolean is64;
  private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
  private List<Segment> segments = List.of();

  /** For a file of {@code size} bytes, about to stream from its first byte. */
  CapturedElf(long size) {
    this(size, PREFIX);
  }

  /** Tests pass a shorter prefix. */
  CapturedElf(long size, int prefix) {
    this.size = size;
    want(0, Math.min(size, prefix), Kind.PREFIX);
  }

  /**
   * The next {@code length} bytes of the file. A range that what these bytes complete points at may
   * start in them: it is filled from them too.
   */
  void write(byte[] buffer, int offset, int length) {
    long from = position;
    long to = position + length;
    for (boolean more = true; more; ) {
      more = false;
      for (int i = 0; i < filling.size(); i++) {
        Range range = filling.get(i);
        long start = Math.max(from, range.start + range.filled);
        long end = Math.min(to, range.end());
        if (start < end) {
          System.arraycopy(
              buffer,
              offset + (int) (start - from),
              range.bytes,
              (int) (start - range.start),
              (int) (end - start));
          range.filled = (int) (end - range.start);
        }
        if (range.filled == range.bytes.length) {
          filling.remove(i--);
          kept.add(range);
          completed(range);
          more = true;
        }
      }
    }
    position = to;
  }

  /** {@link #write} as an output stream. */
  java.io.OutputStream sink() {
    return new java.io.OutputStream() {
      @Override
      public void write(int b) {
        CapturedElf.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buffer, int offset, int length) {
        CapturedElf.this.write(buffer, offset, length);
      }
    };
  }

  /** The kept bytes as a read-only channel of the file's size; a read of others throws. */
  SeekableByteChannel channel() {
    return new Channel();
  }

  private void want(long start, long length, Kind kind) {
    if (start < 0 || length <= 0 || start >= size || length > MAX_RANGE) {
      return; // nothing, or what the reader refuses before reading (or reads past the end)
    }
    long end = Math.min(size, start + length);
    if (covered(start, end)) {
      return;
    }
    if (start < position || keptBytes + (end - start) > MAX_KEPT) {
      return; // passed, or too much: the reader's read of it throws NotKept
    }
    keptBytes += end - start;
    filling.add(new Range(start, (int) (end - start), kind));
  }

  private boolean covered(long start, long end) {
    return keeping(start, end) != null || filling.stream().anyMatch(r -> within(r, start, end));
  }

  /** The kept range that holds bytes [start, end), or null. */
  private Range keeping(long start, long end) {
    for (Range range : kept) {
      if (within(range, start, end)) {
        return range;
      }
    }
    return null;
  }

  private static boolean within(Range range, long start, long end) {
    return range.start <= start && range.end() >= end;
  }

  /** Follows what a completed range points at. */
  private void completed(Range range) {
    ByteBuffer bytes = ByteBuffer.wrap(range.bytes);
    switch (range.kind) {
      case PREFIX -> header(bytes);
      case PROGRAM_HEADERS -> programHeaders(bytes);
      case DYNAMIC -> dynamic(bytes);
      default -> {
        // a leaf
      }
    }
  }

  private void header(ByteBuffer prefix) {
    if (prefix.limit() < 52 || prefix.getInt(0) != 0x7f454c46) {
      return;
    }
    is64 = prefix.get(4) == 2;
    order = prefix.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    prefix.order(order);
    if (is64 && prefix.limit() < 64) {
      return;
    }
    long phoff = word(prefix, is64 ? 32 : 28);
    long shoff = word(prefix, is64 ? 40 : 32);
    int phentsize = u16(prefix, is64 ? 54 : 42);
    int phnum = u16(prefix, is64 ? 56 : 44);
    int shentsize = u16(prefix, is64 ? 58 : 46);
    int shnum = u16(prefix, is64 ? 60 : 48);
    if (shoff != 0) {
      // The table the reader scans for a symbol table, and its entry 0 (extended numbering).
      want(shoff, (long) shnum * shentsize, Kind.OTHER);
      want(shoff, shentsize, Kind.OTHER);
    }
    long length = (long) phnum * phentsize;
    want(phoff, length, Kind.PROGRAM_HEADERS);
    Range in = length > 0 && phoff >= 0 ? keeping(phoff, phoff + length) : null;
    if (in != null) {
      // Already here (in the prefix): follow it now.
      programHeaders(slice(in, phoff, length));
    }
  }

  private static ByteBuffer slice(Range range, long start, long length) {
    return ByteBuffer.wrap(range.bytes, (int) (start - range.start), (int) length).slice();
  }

  private void programHeaders(ByteBuffer table) {
    table.order(order);
    int entry = is64 ? 56 : 32;
    List<Segment> read = new ArrayList<>();
    for (int at = 0; at + entry <= table.limit(); at += entry) {
      long type = table.getInt(at) & 0xffffffffL;
      read.add(
          is64
              ? new Segment(
                  type, table.getLong(at + 8), table.getLong(at + 16), table.getLong(at + 32))
              : new Segment(
                  type,
                  table.getInt(at + 4) & 0xffffffffL,
                  table.getInt(at + 8) & 0xffffffffL,
                  table.getInt(at + 16) & 0xffffffffL));
    }
    segments = read;
    for (Segment s : read) {
      if (s.type() == PT_INTERP || s.type() == PT_NOTE) {
        want(s.offset(), s.filesz(), Kind.OTHER);
      } else if (s.type() == PT_DYNAMIC) {
        want(s.offset(), s.filesz(), Kind.DYNAMIC);
        Range in =
            s.offset() >= 0 && s.filesz() > 0 && s.filesz() <= MAX_RANGE
                ? keeping(s.offset(), s.offset() + s.filesz())
                : null;
        if (in != null) {
          dynamic(slice(in, s.offset(), s.filesz()));
        }
      }
    }
  }

  private void dynamic(ByteBuffer table) {
    table.order(order);
    int entry = is64 ? 16 : 8;
    List<Long> names = new ArrayList<>();
    Long strtab = null;
    for (int at = 0; at + entry <= table.limit(); at += entry) {
      long tag = is64 ? table.getLong(at) : table.getInt(at);
      long value = word(table, at + entry / 2);
      if (tag == 0) {
        break;
      } else if (tag == DT_NEEDED || tag == DT_SONAME) {
        names.add(value);
      } else if (tag == DT_STRTAB) {
        strtab = value;
      }
    }
    if (names.isEmpty() || strtab == null) {
      return;
    }
    for (Segment s : segments) {
      if (s.type() == PT_LOAD
          && Long.compareUnsigned(strtab, s.vaddr()) >= 0
          && Long.compareUnsigned(strtab - s.vaddr(), s.filesz()) < 0) {
        long table0 = s.offset() + (strtab - s.vaddr());
        for (long name : names) {
          if (name >= 0 && table0 + name >= 0) {
            want(table0 + name, MAX_NAME, Kind.OTHER);
          }
        }
        return;
      }
    }
  }

  private long word(ByteBuffer buffer, int at) {
    return is64 ? buffer.getLong(at) : buffer.getInt(at) & 0xffffffffL;
  }

  private static int u16(ByteBuffer buffer, int at) {
    return buffer.getShort(at) & 0xffff;
  }

  /** A read of bytes that were not kept: copy the binary instead. */
  static final class NotKept extends RuntimeException {
    NotKept(long position) {
      super("byte " + position + " was not kept", null, false, false);
    }
  }

  private final class Channel implements SeekableByteChannel {
    private long at;
    private boolean open = true;

    @Override
    public int read(ByteBuffer dst) {
      if (at >= size) {
        return -1;
      }
      Range range = keeping(at, at + 1);
      if (range == null) {
        throw new NotKept(at);
      }
      int n = (int) Math.min(dst.remaining(), range.end() - at);
      dst.put(range.bytes, (int) (at - range.start), n);
      at += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return at;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      at = newPosition;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
