package io.attune.packbinaries.elf;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * ELF64 little-endian x86-64 executables with any program headers, for inputs no linker writes:
 * thousands of headers over one region, segments far beyond what is written (a sparse file).
 */
final class RawElf {

  static final int PT_LOAD = 1;
  static final int PT_DYNAMIC = 2;
  static final int PT_NOTE = 4;

  /** One program header. */
  record Segment(int type, long offset, long filesz) {}

  private RawElf() {}

  /**
   * Writes the ELF header, then {@code segments} at offset 64, then makes the file {@code length}
   * bytes long; what was not written reads as zeros and, on most file systems, takes no space.
   */
  static Path write(Path file, long length, List<Segment> segments) throws IOException {
    int phentsize = 56;
    ByteBuffer out = ByteBuffer.allocate(64 + segments.size() * phentsize);
    out.order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    out.putShort(16, (short) ElfBuilder.ET_EXEC);
    out.putShort(18, (short) 62);
    out.putInt(20, 1);
    out.putLong(32, 64);
    out.putShort(52, (short) 64);
    out.putShort(54, (short) phentsize);
    out.putShort(56, (short) segments.size());
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      int at = 64 + i * phentsize;
      out.putInt(at, s.type());
      out.putLong(at + 8, s.offset());
      out.putLong(at + 16, 0x400000 + s.offset());
      out.putLong(at + 32, s.filesz());
      out.putLong(at + 40, s.filesz());
      out.putLong(at + 48, 8);
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(out.array());
      raf.setLength(Math.max(length, out.capacity()));
    }
    return file;
  }
}
