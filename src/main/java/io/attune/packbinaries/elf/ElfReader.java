package io.attune.packbinaries.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the loading facts of an ELF file (32 or 64 bit, either byte order) from its program
 * headers, which every executable has even when stripped of section headers.
 *
 * <p>The file may be hostile. Entry sizes must be exactly the class's (as Linux demands), every
 * offset and size is an unsigned value checked for overflow, and all reads together stay within
 * {@link #READ_BUDGET}, so any file of any size gets its answer in milliseconds. Whatever does not
 * hold gives an {@link ElfFormatException} that names the structure, never an unchecked exception.
 */
public final class ElfReader {

  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final int PT_NOTE = 4;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;
  private static final long DT_SONAME = 14;
  private static final long DT_FLAGS_1 = 0x6ffffffbL;
  private static final long DF_1_PIE = 0x08000000L;
  private static final int SHT_SYMTAB = 2;
  private static final int NT_GNU_ABI_TAG = 1;
  private static final int NT_GNU_BUILD_ID = 3;
  private static final int PN_XNUM = 0xffff;

  /** Linux refuses more than 64 KiB of program headers (fs/binfmt_elf.c, load_elf_phdrs). */
  static final long MAX_PROGRAM_HEADERS = 64L << 10;

  /**
   * One table (notes, dynamic section, section headers) larger than this means a corrupt size
   * field: real executables' tables take a few KiB.
   */
  static final long MAX_TABLE = 1L << 20;

  /** All reads of one file together; many tables over the same bytes count each time. */
  static final long READ_BUDGET = 4L << 20;

  /** What is read of one library name or soname; longer ones are cut, as no loader takes them. */
  private static final int MAX_NAME = 4096;

  private final String name;
  private final SeekableByteChannel channel;
  private final long size;
  private ByteOrder order;
  private boolean is64;
  private long budget = READ_BUDGET;

  private ElfReader(String name, SeekableByteChannel channel) throws IOException {
    this.name = name;
    this.channel = channel;
    this.size = channel.size();
  }

  /** Reads {@code file}; the messages of its exceptions name it by its file name. */
  public static ElfFile read(Path file) throws IOException, ElfFormatException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new ElfReader(file.getFileName().toString(), channel).parse();
    }
  }

  /**
   * Reads the ELF file {@code channel} holds, by position (it need not be a file: the audit serves
   * the bytes it kept of a binary streamed out of a layer); {@code name} names it in messages.
   */
  public static ElfFile read(String name, SeekableByteChannel channel)
      throws IOException, ElfFormatException {
    return new ElfReader(name, channel).parse();
  }

  /** One program header; offset, vaddr and filesz are unsigned. */
  private record Segment(long type, long offset, long vaddr, long filesz, long align) {}

  private ElfFile parse() throws IOException, ElfFormatException {
    ByteBuffer ident = identification();
    is64 = ident.get(4) == 2;
    order = ident.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer header = bytes(0, is64 ? 64 : 52, "ELF header");
    int type = u16(header, 16);
    int machine = u16(header, 18);
    long phoff = word(header, is64 ? 32 : 28);
    long shoff = word(header, is64 ? 40 : 32);
    int phentsize = u16(header, is64 ? 54 : 42);
    long phnum = u16(header, is64 ? 56 : 44);
    int shentsize = u16(header, is64 ? 58 : 46);
    long shnum = u16(header, is64 ? 60 : 48);

    if (shoff != 0 && (shnum == 0 || phnum == PN_XNUM)) {
      // Extended numbering: the real counts live in section header 0.
      ByteBuffer firstSection = bytes(shoff, sectionHeaderSize(shentsize), "section header 0");
      if (shnum == 0) {
        shnum = word(firstSection, is64 ? 32 : 20);
      }
      if (phnum == PN_XNUM) {
        phnum = u32(firstSection, is64 ? 44 : 28);
      }
    }

    List<Segment> segments = programHeaders(phoff, phentsize, phnum);
    boolean loadable = false;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.type == PT_LOAD) {
        bytesExist(s.offset, s.filesz, "loadable segment " + i);
        loadable = true;
      }
    }
    String interpreter = null;
    Dynamic dynamic = null;
    Notes notes = new Notes();
    for (Segment s : segments) {
      if (s.type == PT_INTERP) {
        interpreter = cString(bytes(s.offset, s.filesz, "interpreter path (PT_INTERP)"));
      } else if (s.type == PT_DYNAMIC) {
        dynamic = dynamic(s, segments);
      } else if (s.type == PT_NOTE) {
        notes.read(bytes(s.offset, s.filesz, "note segment (PT_NOTE)"), s.align == 8 ? 8 : 4);
      }
    }
    boolean symbolTable = hasSymbolTable(shoff, shentsize, shnum);
    return new ElfFile(
        is64 ? 64 : 32,
        order,
        ElfType.of(type),
        machine,
        loadable,
        interpreter,
        dynamic != null,
        dynamic == null ? List.of() : dynamic.needed,
        dynamic == null ? null : dynamic.soname,
        dynamic != null && (dynamic.flags1 & DF_1_PIE) != 0,
        symbolTable,
        notes.buildId,
        notes.abiTag);
  }

  private ByteBuffer identification() throws IOException, ElfFormatException {
    if (size == 0) {
      throw new ElfFormatException(name + " is empty, not an executable. Rebuild it.");
    }
    ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, 64));
    readAt(start, 0);
    start.flip();
    byte[] magic = new byte[Math.min(start.remaining(), 8)];
    start.get(0, magic);
    if (magic.length < 4
        || magic[0] != 0x7f
        || magic[1] != 'E'
        || magic[2] != 'L'
        || magic[3] != 'F') {
      throw new ElfFormatException(FileKind.describeNonElf(name, start));
    }
    if (size < 16) {
      throw truncated("ELF identification", 0, 16);
    }
    if (start.get(4) != 1 && start.get(4) != 2) {
      throw new ElfFormatException(
          name + " is corrupt: its ELF class byte is " + start.get(4) + " (1 or 2 expected).");
    }
    if (start.get(5) != 1 && start.get(5) != 2) {
      throw new ElfFormatException(
          name
              + " is corrupt: its ELF data encoding byte is "
              + start.get(5)
              + " (1 or 2 expected).");
    }
    return start;
  }

  private List<Segment> programHeaders(long phoff, int phentsize, long phnum)
      throws IOException, ElfFormatException {
    if (phnum == 0) {
      return List.of();
    }
    int entrySize = is64 ? 56 : 32;
    if (phentsize != entrySize) {
      throw new ElfFormatException(
          name
              + " is corrupt: its program header entries are "
              + phentsize
              + " bytes long, but ELF"
              + (is64 ? 64 : 32)
              + " entries are "
              + entrySize
              + "; Linux refuses to load it.");
    }
    long tableSize = product(phnum, entrySize, "program headers");
    if (tableSize > MAX_PROGRAM_HEADERS) {
      throw new ElfFormatException(
          name
              + " is corrupt: it has "
              + phnum
              + " program headers ("
              + tableSize
              + " bytes), more than the 64 KiB Linux loads.");
    }
    ByteBuffer table = bytes(phoff, tableSize, "program headers");
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < phnum; i++) {
      int at = i * phentsize;
      if (is64) {
        segments.add(
            new Segment(
                u32(table, at),
                word(table, at + 8),
                word(table, at + 16),
                word(table, at + 32),
                word(table, at + 48)));
      } else {
        segments.add(
            new Segment(
                u32(table, at),
                u32(table, at + 4),
                u32(table, at + 8),
                u32(table, at + 16),
                u32(table, at + 28)));
      }
    }
    return segments;
  }

  private static final class Dynamic {
    final List<String> needed = new ArrayList<>();
    String soname;
    long flags1;
  }

  private Dynamic dynamic(Segment segment, List<Segment> segments)
      throws IOException, ElfFormatException {
    ByteBuffer table = bytes(segment.offset, segment.filesz, "dynamic segment (PT_DYNAMIC)");
    int entrySize = is64 ? 16 : 8;
    List<Long> neededOffsets = new ArrayList<>();
    Long sonameOffset = null;
    Long strtab = null;
    long strsz = -1;
    Dynamic dynamic = new Dynamic();
    for (int at = 0; at + entrySize <= table.limit(); at += entrySize) {
      long tag = is64 ? table.getLong(at) : table.getInt(at);
      long value = word(table, at + entrySize / 2);
      if (tag == DT_NULL) {
        break;
      } else if (tag == DT_NEEDED) {
        neededOffsets.add(value);
      } else if (tag == DT_SONAME) {
        sonameOffset = value;
      } else if (tag == DT_STRTAB) {
        strtab = value;
      } else if (tag == DT_STRSZ) {
        strsz = value;
      } else if (tag == DT_FLAGS_1) {
        dynamic.flags1 = value;
      }
    }
    if (neededOffsets.isEmpty() && sonameOffset == null) {
      return dynamic;
    }
    if (strtab == null) {
      throw new ElfFormatException(
          name + " is corrupt: its dynamic segment names libraries but has no string table.");
    }
    long strtabOffset = fileOffset(strtab, segments);
    long strtabEnd = strsz == -1 ? size : sum(strtabOffset, strsz, "dynamic string table");
    for (long offset : neededOffsets) {
      dynamic.needed.add(dynamicString(strtabOffset, strtabEnd, offset));
    }
    if (sonameOffset != null) {
      dynamic.soname = dynamicString(strtabOffset, strtabEnd, sonameOffset);
    }
    return dynamic;
  }

  /** Maps a virtual address to its place in the file through the loadable segments. */
  private long fileOffset(long vaddr, List<Segment> segments) throws ElfFormatException {
    for (Segment s : segments) {
      if (s.type == PT_LOAD
          && Long.compareUnsigned(vaddr, s.vaddr) >= 0
          && Long.compareUnsigned(vaddr - s.vaddr, s.filesz) < 0) {
        // The segment itself lies inside the file (checked above), so this cannot overflow.
        return s.offset + (vaddr - s.vaddr);
      }
    }
    throw new ElfFormatException(
        name
            + " is corrupt: its dynamic string table (address 0x"
            + Long.toHexString(vaddr)
            + ") is in no loadable segment.");
  }

  /** The NUL-terminated string at {@code offset} (unsigned) of the dynamic string table. */
  private String dynamicString(long tableOffset, long tableEnd, long offset)
      throws IOException, ElfFormatException {
    long end = Math.min(tableEnd, size);
    if (Long.compareUnsigned(offset, end - tableOffset) >= 0) {
      throw new ElfFormatException(
          name
              + " is corrupt: a library name in its dynamic section starts at offset "
              + Long.toUnsignedString(offset)
              + " of its string table, which is "
              + (end - tableOffset)
              + " bytes long.");
    }
    long start = tableOffset + offset;
    return cString(bytes(start, Math.min(end - start, MAX_NAME), "dynamic string table"));
  }

  private final class Notes {
    String buildId;
    boolean abiTag;

    void read(ByteBuffer notes, int align) throws ElfFormatException {
      int at = 0;
      while (at + 12 <= notes.limit()) {
        long nameSize = u32(notes, at);
        long descSize = u32(notes, at + 4);
        long type = u32(notes, at + 8);
        long nameAt = at + 12L;
        long descAt = alignUp(nameAt + nameSize, align);
        long next = alignUp(descAt + descSize, align);
        if (descAt + descSize > notes.limit()) {
          throw new ElfFormatException(
              name + " is corrupt: a note runs past the end of its note segment.");
        }
        String owner = cString(notes, (int) nameAt, (int) nameSize);
        if (owner.equals("GNU") && type == NT_GNU_BUILD_ID && buildId == null) {
          byte[] id = new byte[(int) descSize];
          notes.get((int) descAt, id);
          buildId = HexFormat.of().formatHex(id);
        } else if (owner.equals("GNU") && type == NT_GNU_ABI_TAG) {
          abiTag = true;
        }
        at = (int) next;
      }
    }
  }

  private boolean hasSymbolTable(long shoff, int shentsize, long shnum)
      throws IOException, ElfFormatException {
    if (shoff == 0 || shnum == 0) {
      return false;
    }
    int entrySize = sectionHeaderSize(shentsize);
    ByteBuffer table =
        bytes(shoff, product(shnum, entrySize, "section headers"), "section headers");
    // The table fits in MAX_TABLE, so the count and every offset fit in an int.
    for (int i = 0; i < shnum; i++) {
      if (u32(table, i * entrySize + 4) == SHT_SYMTAB) {
        return true;
      }
    }
    return false;
  }

  private int sectionHeaderSize(int shentsize) throws ElfFormatException {
    int entrySize = is64 ? 64 : 40;
    if (shentsize != entrySize) {
      throw new ElfFormatException(
          name
              + " is corrupt: its section header entries are "
              + shentsize
              + " bytes long, but ELF"
              + (is64 ? 64 : 32)
              + " entries are "
              + entrySize
              + ".");
    }
    return entrySize;
  }

  /** Reads {@code length} bytes at {@code offset}, or explains that they lie outside the file. */
  private ByteBuffer bytes(long offset, long length, String what)
      throws IOException, ElfFormatException {
    bytesExist(offset, length, what);
    if (length > MAX_TABLE) {
      throw new ElfFormatException(
          name
              + " is corrupt: its "
              + what
              + " claims "
              + length
              + " bytes, more than the "
              + (MAX_TABLE >> 20)
              + " MiB any real table takes.");
    }
    if (length > budget) {
      throw new ElfFormatException(
          name
              + " is corrupt: its headers point at more than "
              + (READ_BUDGET >> 20)
              + " MiB of tables in all (the "
              + what
              + " is one too many); real executables' headers take a few KiB.");
    }
    budget -= length;
    ByteBuffer buffer = ByteBuffer.allocate((int) length).order(order);
    while (buffer.hasRemaining()) {
      if (readAt(buffer, offset + buffer.position()) < 0) {
        throw truncated(what, offset, offset + length);
      }
    }
    return buffer.flip();
  }

  private int readAt(ByteBuffer buffer, long position) throws IOException {
    channel.position(position);
    return channel.read(buffer);
  }

  /** Whether bytes [offset, offset + length) lie in the file; both are unsigned. */
  private void bytesExist(long offset, long length, String what) throws ElfFormatException {
    if (Long.compareUnsigned(offset, size) > 0 || Long.compareUnsigned(length, size - offset) > 0) {
      throw truncated(what, offset, offset + length);
    }
  }

  /** offset + length (offset in the file, length unsigned), or why it overflows. */
  private long sum(long offset, long length, String what) throws ElfFormatException {
    if (length < 0 || offset + length < 0) {
      throw new ElfFormatException(name + " is corrupt: the size of its " + what + " overflows.");
    }
    return offset + length;
  }

  /** count × entrySize, or an explanation instead of a wrapped-around product. */
  private long product(long count, long entrySize, String what) throws ElfFormatException {
    if (count < 0 || count > Long.MAX_VALUE / entrySize) {
      throw new ElfFormatException(
          name + " is corrupt: it claims " + Long.toUnsignedString(count) + " " + what + ".");
    }
    return count * entrySize;
  }

  private ElfFormatException truncated(String what, long start, long end) {
    return new ElfFormatException(
        name
            + " is truncated or corrupt: its "
            + what
            + " (bytes "
            + Long.toUnsignedString(start)
            + " to "
            + unsignedEnd(start, end)
            + ") lie beyond the end of the file ("
            + size
            + " bytes). Rebuild it, or copy it again if the copy was cut short.");
  }

  /** end = start + length computed in 64 bits; past 2^64 it wrapped, so say so. */
  private static String unsignedEnd(long start, long end) {
    return Long.compareUnsigned(end, start) < 0 ? "beyond 2^64" : Long.toUnsignedString(end);
  }

  private static long alignUp(long value, int align) {
    return (value + align - 1) & -align;
  }

  private static int u16(ByteBuffer buffer, int at) {
    return buffer.getShort(at) & 0xffff;
  }

  private static long u32(ByteBuffer buffer, int at) {
    return buffer.getInt(at) & 0xffffffffL;
  }

  /** An address, offset or size: 8 bytes in ELF64, 4 in ELF32. */
  private long word(ByteBuffer buffer, int at) {
    return is64 ? buffer.getLong(at) : u32(buffer, at);
  }

  /** The NUL-terminated string that starts the buffer, or all of it without a NUL. */
  private static String cString(ByteBuffer buffer) {
    return cString(buffer, 0, buffer.limit());
  }

  private static String cString(ByteBuffer buffer, int at, int maxLength) {
    int end = at;
    int limit = Math.min(buffer.limit(), at + maxLength);
    while (end < limit && buffer.get(end) != 0) {
      end++;
    }
    byte[] text = new byte[end - at];
    buffer.get(at, text);
    return new String(text, StandardCharsets.UTF_8);
  }
}
