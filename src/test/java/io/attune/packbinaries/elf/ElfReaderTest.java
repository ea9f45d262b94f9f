package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElfReaderTest {

  @TempDir Path dir;

  static Stream<Arguments> classesAndByteOrders() {
    return Stream.of(
        Arguments.of(64, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(64, ByteOrder.BIG_ENDIAN),
        Arguments.of(32, ByteOrder.LITTLE_ENDIAN),
        Arguments.of(32, ByteOrder.BIG_ENDIAN));
  }

  @ParameterizedTest(name = "ELF{0} {1}")
  @MethodSource("classesAndByteOrders")
  void readsEveryLoadingFactInEitherClassAndByteOrder(int elfClass, ByteOrder order)
      throws Exception {
    Path file =
        ElfBuilder.executable(22, elfClass, order)
            .pie()
            .interpreter("/lib/ld-test.so.1")
            .needs("libc.so.6", "libm.so.6")
            .buildId(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef})
            .glibcAbiTag()
            .withSymbolTable()
            .writeTo(dir, "tool");

    ElfFile elf = ElfReader.read(file);

    assertThat(elf.elfClass()).isEqualTo(elfClass);
    assertThat(elf.byteOrder()).isEqualTo(order);
    assertThat(elf.type()).isEqualTo(ElfType.DYN);
    assertThat(elf.machine()).isEqualTo(22);
    assertThat(elf.interpreter()).isEqualTo("/lib/ld-test.so.1");
    assertThat(elf.needed()).containsExactly("libc.so.6", "libm.so.6");
    assertThat(elf.pie()).isTrue();
    assertThat(elf.staticPie()).isFalse();
    assertThat(elf.stripped()).isFalse();
    assertThat(elf.buildId()).isEqualTo("deadbeef");
    assertThat(elf.glibcAbiTag()).isTrue();
  }

  @ParameterizedTest(name = "ELF{0} {1}")
  @MethodSource("classesAndByteOrders")
  void readsAStaticExecutableWithoutSectionHeadersAsStripped(int elfClass, ByteOrder order)
      throws Exception {
    Path file =
        ElfBuilder.executable(183, elfClass, order).withoutSectionHeaders().writeTo(dir, "bare");

    ElfFile elf = ElfReader.read(file);

    assertThat(elf.type()).isEqualTo(ElfType.EXEC);
    assertThat(elf.selfContained()).isTrue();
    assertThat(elf.hasDynamicSegment()).isFalse();
    assertThat(elf.stripped()).isTrue();
    assertThat(elf.buildId()).isNull();
  }

  @Test
  void sectionHeadersWithoutASymbolTableMeanStripped() throws Exception {
    assertThat(ElfReader.read(ElfBuilder.x86_64().writeTo(dir, "s")).stripped()).isTrue();
    assertThat(ElfReader.read(ElfBuilder.x86_64().withSymbolTable().writeTo(dir, "u")).stripped())
        .isFalse();
  }

  @Test
  void readsASharedLibrarysSoname() throws Exception {
    ElfFile elf = ElfReader.read(ElfBuilder.x86_64().sharedLibrary("libx.so.1").writeTo(dir, "l"));
    assertThat(elf.soname()).isEqualTo("libx.so.1");
    assertThat(elf.pie()).isFalse();
  }

  @Test
  void aFileCutInsideItsProgramHeadersIsTruncated() throws Exception {
    byte[] whole = ElfBuilder.x86_64().interpreter("/lib64/ld-linux-x86-64.so.2").build();
    Path cut = dir.resolve("cut");
    Files.write(cut, Arrays.copyOf(whole, 80));

    assertThatThrownBy(() -> ElfReader.read(cut))
        .isInstanceOf(ElfFormatException.class)
        .hasMessage(
            "cut is truncated or corrupt: its program headers (bytes 64 to 176) lie beyond the end"
                + " of the file (80 bytes). Rebuild it, or copy it again if the copy was cut"
                + " short.");
  }

  @Test
  void aFileCutInsideItsLoadableSegmentIsTruncated() throws Exception {
    byte[] whole = ElfBuilder.x86_64().withoutSectionHeaders().needs("libc.so.6").build();
    Path cut = dir.resolve("cut");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 1));

    assertThatThrownBy(() -> ElfReader.read(cut))
        .isInstanceOf(ElfFormatException.class)
        .hasMessageStartingWith("cut is truncated or corrupt: its loadable segment 0");
  }

  @Test
  void aFileCutInsideItsElfHeaderIsTruncated() throws Exception {
    Path cut = dir.resolve("cut");
    Files.write(cut, Arrays.copyOf(ElfBuilder.x86_64().build(), 40));

    assertThatThrownBy(() -> ElfReader.read(cut))
        .isInstanceOf(ElfFormatException.class)
        .hasMessageStartingWith("cut is truncated or corrupt: its ELF header (bytes 0 to 64)");
  }

  @Test
  void aCorruptClassByteIsReported() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    bytes[4] = 7;
    Path file = dir.resolve("odd");
    Files.write(file, bytes);

    assertThatThrownBy(() -> ElfReader.read(file))
        .isInstanceOf(ElfFormatException.class)
        .hasMessage("odd is corrupt: its ELF class byte is 7 (1 or 2 expected).");
  }

  @Test
  void namesTheKindOfNonElfFile() throws Exception {
    assertThat(nonElf("run.sh", "#!/bin/sh\nexec sensor\n"))
        .isEqualTo(
            "run.sh is a script (#!/bin/sh), not a compiled binary; verify the binary that cargo"
                + " built.");
    assertThat(nonElf("libx.a", "!<arch>\nmember/")).contains("is an ar archive");
    assertThat(nonElf("notes.txt", "hello"))
        .isEqualTo(
            "notes.txt is not an ELF file (it starts with bytes 68 65 6c 6c; an ELF file starts with"
                + " 7f 45 4c 46).");
    assertThat(nonElf("empty", "")).isEqualTo("empty is empty, not an executable. Rebuild it.");
    Path machO = dir.resolve("sensor-macos");
    Files.write(machO, new byte[] {(byte) 0xcf, (byte) 0xfa, (byte) 0xed, (byte) 0xfe, 7, 0, 0, 1});
    assertThatThrownBy(() -> ElfReader.read(machO))
        .hasMessageContaining("is a Mach-O file (macOS), not a Linux ELF binary");
  }

  @Test
  void aLibraryInTheLastSlotOfAnUnterminatedDynamicTableIsStillRead() throws Exception {
    ElfFile elf =
        ElfReader.read(
            ElfBuilder.x86_64().needs("libc.so.6").unterminatedDynamic().writeTo(dir, "last"));

    assertThat(elf.needed()).containsExactly("libc.so.6");
    assertThat(elf.selfContained()).isFalse();
  }

  @Test
  void programHeaderEntriesOfAnyOtherSizeThanTheClasssAreCorrupt() throws Exception {
    assertThat(corrupt(withShort(ElfBuilder.x86_64().build(), 54, 64)))
        .isEqualTo(
            "bad is corrupt: its program header entries are 64 bytes long, but ELF64 entries are"
                + " 56; Linux refuses to load it.");
    assertThat(corrupt(withShort(ElfBuilder.x86_64().build(), 54, 48)))
        .startsWith("bad is corrupt: its program header entries are 48 bytes long");
    byte[] elf32 = ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN).build();
    assertThat(corrupt(withShort(elf32, 42, 56)))
        .isEqualTo(
            "bad is corrupt: its program header entries are 56 bytes long, but ELF32 entries are"
                + " 32; Linux refuses to load it.");
  }

  @Test
  void sectionHeaderEntriesOfAnyOtherSizeThanTheClasssAreCorrupt() throws Exception {
    assertThat(corrupt(withShort(ElfBuilder.x86_64().build(), 58, 72)))
        .isEqualTo(
            "bad is corrupt: its section header entries are 72 bytes long, but ELF64 entries are"
                + " 64.");
    byte[] elf32 = ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN).build();
    assertThat(corrupt(withShort(elf32, 46, 64)))
        .isEqualTo(
            "bad is corrupt: its section header entries are 64 bytes long, but ELF32 entries are"
                + " 40.");
  }

  @Test
  void aCorruptDataEncodingByteIsReported() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    bytes[5] = 0;
    assertThat(corrupt(bytes))
        .isEqualTo("bad is corrupt: its ELF data encoding byte is 0 (1 or 2 expected).");
    bytes[5] = 3;
    assertThat(corrupt(bytes)).contains("data encoding byte is 3");
  }

  @Test
  void aProgramHeaderOffsetNearTwoToTheSixtyFourIsTruncatedNotWrappedAround() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(32, -8);

    assertThat(corrupt(bytes))
        .startsWith(
            "bad is truncated or corrupt: its program headers (bytes 18446744073709551608 to"
                + " beyond 2^64) lie beyond the end of the file");
  }

  @Test
  void anElf32OffsetWithItsHighBitSetIsUnsigned() throws Exception {
    byte[] bytes = ElfBuilder.executable(40, 32, ByteOrder.LITTLE_ENDIAN).build();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 0x80000000);

    assertThat(corrupt(bytes))
        .startsWith("bad is truncated or corrupt: its program headers (bytes 2147483648 to");
  }

  @Test
  void aNoteThatRunsPastItsSegmentIsCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().buildId(new byte[] {1, 2, 3, 4}).build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    elf.putInt((int) segment(elf, 4).offset + 4, 5); // descsz 5 in a segment that holds 4

    assertThat(corrupt(bytes))
        .isEqualTo("bad is corrupt: a note runs past the end of its note segment.");
  }

  @Test
  void readsTheFirstBuildIdAndSkipsNotesOfOtherOwnersAndTypes() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().buildId(new byte[] {(byte) 0xab}).glibcAbiTag().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int notes = (int) segment(elf, 4).offset;
    elf.put(notes + 12, (byte) 'X'); // owner "XNU": neither a build-id nor an ABI tag

    ElfFile read = ElfReader.read(Files.write(dir.resolve("n"), bytes));
    assertThat(read.buildId()).isNull();
    assertThat(read.glibcAbiTag()).isTrue();
  }

  @Test
  void anInterpreterPathWithoutItsNulEndsWithItsSegment() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().interpreter("/lib/ld.so").build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Segment interp = segment(elf, 3);
    elf.putLong(interp.header + 32, interp.size - 1); // the NUL is outside the segment now
    elf.put((int) (interp.offset + interp.size - 1), (byte) 'x'); // and not a NUL either

    assertThat(ElfReader.read(Files.write(dir.resolve("i"), bytes)).interpreter())
        .isEqualTo("/lib/ld.so");
  }

  @Test
  void aLibraryNameEndsWithItsStringTable() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 10, 5); // DT_STRSZ 5: "\0libc" of "\0libc.so.6\0"

    assertThat(ElfReader.read(Files.write(dir.resolve("l"), bytes)).needed())
        .containsExactly("libc");
  }

  @Test
  void withoutAStringTableSizeALibraryNameIsReadUpToItsNul() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 10, 0x6fffffffL, 0); // DT_STRSZ becomes an unknown tag

    assertThat(ElfReader.read(Files.write(dir.resolve("n"), bytes)).needed())
        .containsExactly("libc.so.6");
  }

  @Test
  void aLibraryNameBeyondTheStringTableButInsideTheFileIsCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 10, 1); // DT_STRSZ 1: offset 1 lies beyond it

    assertThat(corrupt(bytes))
        .isEqualTo(
            "bad is corrupt: a library name in its dynamic section starts at offset 1 of its"
                + " string table, which is 1 bytes long.");
  }

  @Test
  void aStringTableSizeThatOverflowsIsCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 10, Long.MAX_VALUE);

    assertThat(corrupt(bytes))
        .isEqualTo("bad is corrupt: the size of its dynamic string table overflows.");
  }

  @Test
  void librariesWithoutAStringTableAreCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 5, 0x6fffffffL, 0); // DT_STRTAB becomes an unknown tag

    assertThat(corrupt(bytes))
        .isEqualTo("bad is corrupt: its dynamic segment names libraries but has no string table.");
  }

  @Test
  void aStringTableOutsideEveryLoadableSegmentIsCorrupt() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().needs("libc.so.6").build();
    setDynamic(bytes, 5, 0x1000);

    assertThat(corrupt(bytes))
        .isEqualTo(
            "bad is corrupt: its dynamic string table (address 0x1000) is in no loadable"
                + " segment.");
  }

  @Test
  void aFileOfOnlyTheMagicOrOnlyTheIdentificationIsTruncated() throws Exception {
    byte[] whole = ElfBuilder.x86_64().build();
    assertThat(corrupt(Arrays.copyOf(whole, 4)))
        .startsWith("bad is truncated or corrupt: its ELF identification (bytes 0 to 16)");
    assertThat(corrupt(Arrays.copyOf(whole, 15)))
        .startsWith("bad is truncated or corrupt: its ELF identification (bytes 0 to 16)");
    assertThat(corrupt(Arrays.copyOf(whole, 16)))
        .startsWith("bad is truncated or corrupt: its ELF header (bytes 0 to 64)");
    assertThat(corrupt(Arrays.copyOf(whole, 3))).startsWith("bad is not an ELF file");
  }

  @Test
  void aMagicThatDiffersInAnyOfItsFourBytesIsNotElf() throws Exception {
    for (int at = 0; at < 4; at++) {
      byte[] bytes = ElfBuilder.x86_64().build();
      bytes[at] ^= 0x20;
      assertThat(corrupt(bytes)).as("byte %d", at).startsWith("bad is not an ELF file");
    }
  }

  @Test
  void extendedNumberingTakesTheCountsFromSectionZero() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().interpreter("/lib/ld.so").withSymbolTable().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int shoff = (int) elf.getLong(40);
    elf.putShort(56, (short) 0xffff); // e_phnum PN_XNUM: the count is section 0's sh_info
    elf.putInt(shoff + 44, 2);
    elf.putShort(60, (short) 0); // e_shnum 0: the count is section 0's sh_size
    elf.putLong(shoff + 32, 3);

    ElfFile read = ElfReader.read(Files.write(dir.resolve("x"), bytes));
    assertThat(read.interpreter()).isEqualTo("/lib/ld.so");
    assertThat(read.stripped()).isFalse(); // .symtab is the third section
  }

  @Test
  void withoutSectionHeadersNoCountIsTakenFromThem() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().withSymbolTable().build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    elf.putLong(40, 0); // e_shoff 0: no section headers, whatever e_shnum says

    assertThat(ElfReader.read(Files.write(dir.resolve("n"), bytes)).stripped()).isTrue();
  }

  @Test
  void aStaticPieIsAPieWithoutInterpreterOrLibraries() throws Exception {
    assertThat(ElfReader.read(ElfBuilder.x86_64().pie().writeTo(dir, "p")).staticPie()).isTrue();
    assertThat(ElfReader.read(ElfBuilder.x86_64().writeTo(dir, "e")).staticPie()).isFalse();
    assertThat(
            ElfReader.read(ElfBuilder.x86_64().pie().needs("libc.so.6").writeTo(dir, "d"))
                .staticPie())
        .isFalse();
    assertThat(ElfReader.read(ElfBuilder.x86_64().sharedLibrary("l.so").writeTo(dir, "l")).pie())
        .isFalse();
    assertThat(
            ElfReader.read(ElfBuilder.x86_64().sharedLibrary("l.so").writeTo(dir, "l2"))
                .staticPie())
        .isFalse();
    // ET_EXEC whose dynamic flags carry DF_1_PIE anyway: a plain static executable.
    assertThat(
            ElfReader.read(ElfBuilder.x86_64().pie().type(ElfBuilder.ET_EXEC).writeTo(dir, "x"))
                .staticPie())
        .isFalse();
  }

  @Test
  void aFileWithoutLoadableSegmentsSaysSo() throws Exception {
    byte[] bytes = ElfBuilder.x86_64().build();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(64, 6); // PT_LOAD -> PT_PHDR

    ElfFile read = ElfReader.read(Files.write(dir.resolve("u"), bytes));
    assertThat(read.loadable()).isFalse();
    assertThat(ElfReader.read(ElfBuilder.x86_64().writeTo(dir, "ok")).loadable()).isTrue();
  }

  private record Segment(int header, long offset, long size) {}

  /** The first program header of {@code type} in an ELF64 little-endian file. */
  private static Segment segment(ByteBuffer elf, int type) {
    int phnum = elf.getShort(56);
    for (int i = 0; i < phnum; i++) {
      int at = 64 + i * 56;
      if (elf.getInt(at) == type) {
        return new Segment(at, elf.getLong(at + 8), elf.getLong(at + 32));
      }
    }
    throw new AssertionError("no segment of type " + type);
  }

  /** Sets the value of the first dynamic entry with {@code tag} (ELF64 little-endian). */
  private static void setDynamic(byte[] bytes, long tag, long value) {
    setDynamic(bytes, tag, value, 8);
  }

  /** Writes {@code value} over the tag (at 0) or the value (at 8) of the entry with {@code tag}. */
  private static void setDynamic(byte[] bytes, long tag, long value, int at) {
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Segment dynamic = segment(elf, 2);
    for (long entry = dynamic.offset; entry < dynamic.offset + dynamic.size; entry += 16) {
      if (elf.getLong((int) entry) == tag) {
        elf.putLong((int) entry + at, value);
        return;
      }
    }
    throw new AssertionError("no dynamic entry " + tag);
  }

  private static byte[] withShort(byte[] bytes, int at, int value) {
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
    return bytes;
  }

  /** The reader's message for {@code bytes} as a file named "bad". */
  private String corrupt(byte[] bytes) throws Exception {
    Path file = Files.write(dir.resolve("bad"), bytes);
    try {
      ElfReader.read(file);
    } catch (ElfFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError("read without complaint");
  }

  private String nonElf(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    try {
      ElfReader.read(file);
    } catch (ElfFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError(name + " was read as ELF");
  }
}
