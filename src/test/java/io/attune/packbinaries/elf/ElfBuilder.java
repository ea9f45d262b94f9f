package io.attune.packbinaries.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes small ELF files for tests: either class and byte order, with the program headers a linker
 * would write (one PT_LOAD over the whole file, optional PT_INTERP, PT_DYNAMIC with DT_NEEDED,
 * DT_SONAME and DT_FLAGS_1, PT_NOTE with a build-id and an ABI tag) and section headers with or
 * without a symbol table, or none.
 */
final class ElfBuilder {

  static final int ET_REL = 1;
  static final int ET_EXEC = 2;
  static final int ET_DYN = 3;
  static final int ET_CORE = 4;
  private static final long BASE = 0x400000;

  private int elfClass = 64;
  private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
  private int type = ET_EXEC;
  private int machine = 62;
  private String interpreter;
  private final List<String> needed = new ArrayList<>();
  private String soname;
  private boolean pie;
  private boolean dynamicSegment;
  private byte[] buildId;
  private boolean abiTag;
  private boolean sectionHeaders = true;
  private boolean symbolTable;
  private boolean unterminatedDynamic;
  private int loadType = 1;

  static ElfBuilder executable(int machine, int elfClass, ByteOrder order) {
    ElfBuilder b = new ElfBuilder();
    b.machine = machine;
    b.elfClass = elfClass;
    b.order = order;
    return b;
  }

  /** A static x86-64 ET_EXEC, the simplest passing binary. */
  static ElfBuilder x86_64() {
    return executable(62, 64, ByteOrder.LITTLE_ENDIAN);
  }

  ElfBuilder type(int value) {
    type = value;
    return this;
  }

  ElfBuilder machine(int value) {
    machine = value;
    return this;
  }

  ElfBuilder elfClass(int value) {
    elfClass = value;
    return this;
  }

  ElfBuilder order(ByteOrder value) {
    order = value;
    return this;
  }

  ElfBuilder interpreter(String path) {
    interpreter = path;
    return this;
  }

  ElfBuilder needs(String... libraries) {
    needed.addAll(Arrays.asList(libraries));
    dynamicSegment = true;
    return this;
  }

  ElfBuilder soname(String name) {
    soname = name;
    dynamicSegment = true;
    return this;
  }

  /** ET_DYN with DF_1_PIE and a PT_DYNAMIC segment, as a static-pie has. */
  ElfBuilder pie() {
    type = ET_DYN;
    pie = true;
    dynamicSegment = true;
    return this;
  }

  /** ET_DYN without DF_1_PIE: a shared library. */
  ElfBuilder sharedLibrary(String name) {
    type = ET_DYN;
    return soname(name);
  }

  ElfBuilder buildId(byte[] id) {
    buildId = id.clone();
    return this;
  }

  ElfBuilder glibcAbiTag() {
    abiTag = true;
    return this;
  }

  ElfBuilder withoutSectionHeaders() {
    sectionHeaders = false;
    return this;
  }

  ElfBuilder withSymbolTable() {
    symbolTable = true;
    return this;
  }

  /**
   * The dynamic table without DT_NULL and with the DT_NEEDED entries last, so the last entry of the
   * segment names a library (the kernel and loaders read up to the segment's end).
   */
  ElfBuilder unterminatedDynamic() {
    unterminatedDynamic = true;
    return this;
  }

  /** The segment over the whole file becomes PT_PHDR: nothing is left for the kernel to map. */
  ElfBuilder withoutLoadableSegment() {
    loadType = 6;
    return this;
  }

  Path writeTo(Path directory, String name) throws IOException {
    Path file = directory.resolve(name);
    Files.write(file, build());
    return file;
  }

  byte[] build() {
    boolean is64 = elfClass == 64;
    int ehsize = is64 ? 64 : 52;
    int phentsize = is64 ? 56 : 32;
    int shentsize = is64 ? 64 : 40;
    int word = is64 ? 8 : 4;

    byte[] interp = interpreter == null ? null : cString(interpreter);
    // The dynamic string table: "\0" then each name.
    ByteBuffer strings = ByteBuffer.allocate(4096);
    strings.put((byte) 0);
    List<Integer> neededOffsets = new ArrayList<>();
    for (String library : needed) {
      neededOffsets.add(strings.position());
      strings.put(cString(library));
    }
    int sonameOffset = strings.position();
    if (soname != null) {
      strings.put(cString(soname));
    }
    int strsz = strings.position();
    int dynamicEntries =
        needed.size()
            + (soname == null ? 0 : 1)
            + (pie ? 1 : 0)
            + (unterminatedDynamic ? 2 : 3); // + STRTAB, STRSZ, NULL
    int dynamicSize = dynamicSegment ? dynamicEntries * 2 * word : 0;
    ByteBuffer notes = ByteBuffer.allocate(256).order(order);
    if (buildId != null) {
      note(notes, 3, buildId);
    }
    if (abiTag) {
      note(notes, 1, new byte[16]);
    }
    int notesSize = notes.position();

    int phnum = 1 + (interp != null ? 1 : 0) + (dynamicSegment ? 1 : 0) + (notesSize > 0 ? 1 : 0);
    int at = ehsize + phnum * phentsize;
    int interpAt = at;
    at += interp == null ? 0 : interp.length;
    int strtabAt = at;
    at += dynamicSegment ? strsz : 0;
    at = align(at, 8);
    int dynamicAt = at;
    at += dynamicSize;
    int notesAt = at;
    at += notesSize;
    at = align(at, 8);
    int shnum = sectionHeaders ? (symbolTable ? 3 : 2) : 0;
    int shoff = sectionHeaders ? at : 0;
    int total = at + shnum * shentsize;

    ByteBuffer out = ByteBuffer.allocate(total).order(order);
    out.put(
        new byte[] {
          0x7f,
          'E',
          'L',
          'F',
          (byte) (is64 ? 2 : 1),
          (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2),
          1
        });
    out.putShort(16, (short) type);
    out.putShort(18, (short) machine);
    out.putInt(20, 1);
    putWord(out, 24, BASE + 0x1000);
    putWord(out, is64 ? 32 : 28, ehsize);
    putWord(out, is64 ? 40 : 32, shoff);
    out.putShort(is64 ? 52 : 40, (short) ehsize);
    out.putShort(is64 ? 54 : 42, (short) phentsize);
    out.putShort(is64 ? 56 : 44, (short) phnum);
    out.putShort(is64 ? 58 : 46, (short) (sectionHeaders ? shentsize : 0));
    out.putShort(is64 ? 60 : 48, (short) shnum);

    int ph = ehsize;
    programHeader(out, ph, loadType, 0, total, 0x1000);
    ph += phentsize;
    if (interp != null) {
      programHeader(out, ph, 3, interpAt, interp.length, 1);
      out.put(interpAt, interp);
      ph += phentsize;
    }
    if (dynamicSegment) {
      programHeader(out, ph, 2, dynamicAt, dynamicSize, word);
      out.put(strtabAt, strings.array(), 0, strsz);
      int d = dynamicAt;
      if (!unterminatedDynamic) {
        for (int offset : neededOffsets) {
          d = dynamicEntry(out, d, 1, offset);
        }
      }
      if (soname != null) {
        d = dynamicEntry(out, d, 14, sonameOffset);
      }
      d = dynamicEntry(out, d, 5, BASE + strtabAt);
      d = dynamicEntry(out, d, 10, strsz);
      if (pie) {
        d = dynamicEntry(out, d, 0x6ffffffbL, 0x08000001L);
      }
      if (unterminatedDynamic) {
        for (int offset : neededOffsets) {
          d = dynamicEntry(out, d, 1, offset);
        }
      } else {
        dynamicEntry(out, d, 0, 0);
      }
      ph += phentsize;
    }
    if (notesSize > 0) {
      programHeader(out, ph, 4, notesAt, notesSize, 4);
      out.put(notesAt, notes.array(), 0, notesSize);
    }
    if (sectionHeaders) {
      // Section 0 is the null section; then a code section; then maybe .symtab (SHT_SYMTAB).
      out.putInt(shoff + shentsize + 4, 1);
      if (symbolTable) {
        out.putInt(shoff + 2 * shentsize + 4, 2);
      }
    }
    return out.array();
  }

  private void programHeader(ByteBuffer out, int at, int type, long offset, long size, long align) {
    out.putInt(at, type);
    if (elfClass == 64) {
      out.putInt(at + 4, 5);
      out.putLong(at + 8, offset);
      out.putLong(at + 16, BASE + offset);
      out.putLong(at + 24, BASE + offset);
      out.putLong(at + 32, size);
      out.putLong(at + 40, size);
      out.putLong(at + 48, align);
    } else {
      out.putInt(at + 4, (int) offset);
      out.putInt(at + 8, (int) (BASE + offset));
      out.putInt(at + 12, (int) (BASE + offset));
      out.putInt(at + 16, (int) size);
      out.putInt(at + 20, (int) size);
      out.putInt(at + 24, 5);
      out.putInt(at + 28, (int) align);
    }
  }

  private int dynamicEntry(ByteBuffer out, int at, long tag, long value) {
    putWord(out, at, tag);
    int word = elfClass == 64 ? 8 : 4;
    putWord(out, at + word, value);
    return at + 2 * word;
  }

  private void putWord(ByteBuffer out, int at, long value) {
    if (elfClass == 64) {
      out.putLong(at, value);
    } else {
      out.putInt(at, (int) value);
    }
  }

  private static void note(ByteBuffer notes, int type, byte[] desc) {
    notes.putInt(4).putInt(desc.length).putInt(type);
    notes.put("GNU\0".getBytes(StandardCharsets.US_ASCII));
    notes.put(desc);
    notes.position(align(notes.position(), 4));
  }

  private static byte[] cString(String text) {
    return (text + "\0").getBytes(StandardCharsets.UTF_8);
  }

  private static int align(int value, int to) {
    return (value + to - 1) / to * to;
  }
}
