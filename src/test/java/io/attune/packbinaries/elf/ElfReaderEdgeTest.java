package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact edges of the reader's layout arithmetic: several loadable segments, sizes one byte
 * short of or past an overflow, tables ending exactly at a segment's or the file's end, and
 * extended numbering. Each input is an ELF64 little-endian x86-64 file laid out byte by byte.
 */
class ElfReaderEdgeTest {

  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final int PT_NOTE = 4;
  private static final int FILE_SIZE = 0x1000;
  private static final long BASE = 0x400000;

  @TempDir Path dir;

  /** A 4 KiB ELF64 image: header at 0, program headers at 64, everything else placed by tests. */
  private static final class Image {
    final ByteBuffer bytes = ByteBuffer.allocate(FILE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private int phnum;

    Image() {
      bytes.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
      bytes.putShort(16, (short) ElfBuilder.ET_EXEC);
      bytes.putShort(18, (short) 62);
      bytes.putInt(20, 1);
      bytes.putLong(32, 64);
      bytes.putShort(52, (short) 64);
      bytes.putShort(54, (short) 56);
    }

    Image segment(int type, long offset, long vaddr, long filesz, long align) {
      int at = 64 + phnum * 56;
      bytes.putInt(at, type);
      bytes.putInt(at + 4, 5);
      bytes.putLong(at + 8, offset);
      bytes.putLong(at + 16, vaddr);
      bytes.putLong(at + 32, filesz);
      bytes.putLong(at + 40, filesz);
      bytes.putLong(at + 48, align);
      phnum++;
      bytes.putShort(56, (short) phnum);
      return this;
    }

    /** PT_LOAD over the whole file at BASE, as a linker writes it. */
    Image wholeFileLoaded() {
      return segment(PT_LOAD, 0, BASE, FILE_SIZE, 0x1000);
    }

    Image text(int at, String text) {
      bytes.put(at, text.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** A dynamic table at {@code at}: pairs of (tag, value), in order, no terminator added. */
    Image dynamic(int at, long... tagsAndValues) {
      for (int i = 0; i < tagsAndValues.length; i++) {
        bytes.putLong(at + 8 * i, tagsAndValues[i]);
      }
      return segment(PT_DYNAMIC, at, BASE + at, 8L * tagsAndValues.length, 8);
    }

    Image sectionHeaders(long shoff, int shentsize, int shnum) {
      bytes.putLong(40, shoff);
      bytes.putShort(58, (short) shentsize);
      bytes.putShort(60, (short) shnum);
      return this;
    }

    Path writeTo(Path dir, String name) throws Exception {
      return Files.write(dir.resolve(name), bytes.array());
    }
  }

  private ElfFile read(Image image) throws Exception {
    return ElfReader.read(image.writeTo(dir, "sensor"));
  }

  private static String failure(Image image, Path dir) {
    try {
      ElfReader.read(image.writeTo(dir, "sensor"));
    } catch (ElfFormatException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError("expected an ElfFormatException, got " + e, e);
    }
    throw new AssertionError("expected an ElfFormatException, but the file was read");
  }

  @Test
  void libraryNameIsFoundThroughTheSecondLoadableSegmentWhereTheFirstEnds() throws Exception {
    // The string table's address is both the first segment's end and the second's start; the
    // second maps it to offset 0x800, where the first would (wrongly) give offset 0x200.
    Image image =
        new Image()
            .segment(PT_LOAD, 0, BASE, 0x200, 0x1000)
            .segment(PT_LOAD, 0x800, BASE + 0x200, 0x100, 0x1000)
            .text(0x200, "\0libwrong.so")
            .text(0x800, "\0libc.so.6\0")
            .dynamic(0x300, 1, 1, 5, BASE + 0x200, 10, 11, 0, 0);

    ElfFile elf = read(image);

    assertThat(elf.needed()).containsExactly("libc.so.6");
    assertThat(elf.selfContained()).isFalse();
  }

  @Test
  void onlyLoadableSegmentsMapTheStringTableAddress() throws Exception {
    // A PT_PHDR (type 6) claims the string table's address for offset 0x200; only the PT_LOAD
    // that follows it maps that address, to offset 0x800.
    Image image =
        new Image()
            .segment(6, 0x200, BASE + 0x800, 0x100, 8)
            .wholeFileLoaded()
            .text(0x200, "\0libwrong.so")
            .text(0x800, "\0libc.so.6\0")
            .dynamic(0x300, 1, 1, 5, BASE + 0x800, 10, 11, 0, 0);

    assertThat(read(image).needed()).containsExactly("libc.so.6");
  }

  @Test
  void loadableSegmentStartingInsideTheFileButEndingPastItIsTruncated() {
    Image image = new Image().segment(PT_LOAD, 0x800, BASE, 0x900, 0x1000);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is truncated or corrupt: its loadable segment 0 (bytes 2048 to 4352) lie"
                + " beyond the end of the file (4096 bytes). Rebuild it, or copy it again if the"
                + " copy was cut short.");
  }

  @Test
  void addressBelowASegmentAtTheTopOfTheAddressSpaceIsNotInIt() {
    // The segment starts 0x100 below 2^64; address 0x10 lies below it, though 0x10 minus its
    // start wraps around to 0x110, inside its size.
    Image image =
        new Image()
            .segment(PT_LOAD, 0, -0x100L, FILE_SIZE, 0x1000)
            .dynamic(0x300, 1, 1, 5, 0x10, 10, 11, 0, 0);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is corrupt: its dynamic string table (address 0x10) is in no loadable"
                + " segment.");
  }

  @Test
  void stringTableOutsideEveryLoadableSegmentNamesItsAddress() {
    Image image =
        new Image()
            .segment(PT_LOAD, 0, BASE, 0x200, 0x1000)
            .segment(PT_LOAD, 0x800, BASE + 0x800, 0x100, 0x1000)
            .dynamic(0x300, 1, 1, 5, BASE + 0x900, 10, 11, 0, 0);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is corrupt: its dynamic string table (address 0x400900) is in no loadable"
                + " segment.");
  }

  @Test
  void stringTableSizeUpToTheLargestOffsetIsAcceptedAndOneMoreOverflows() throws Exception {
    long strtabOffset = 0x800;
    long largest = Long.MAX_VALUE - strtabOffset;
    Image fits =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libm.so.6\0")
            .dynamic(0x300, 1, 1, 5, BASE + strtabOffset, 10, largest, 0, 0);
    Image overflows =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libm.so.6\0")
            .dynamic(0x300, 1, 1, 5, BASE + strtabOffset, 10, largest + 1, 0, 0);

    assertThat(read(fits).needed()).containsExactly("libm.so.6");
    assertThat(failure(overflows, dir))
        .isEqualTo("sensor is corrupt: the size of its dynamic string table overflows.");
  }

  @Test
  void stringTableSizeThatWrapsBelowItsOffsetOverflows() {
    // DT_STRSZ 2^64 - 2: added to offset 0x800 it wraps to 0x7fe, which must not pass as an end.
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libm.so.6\0")
            .dynamic(0x300, 1, 1, 5, BASE + 0x800, 10, -2, 0, 0);

    assertThat(failure(image, dir))
        .isEqualTo("sensor is corrupt: the size of its dynamic string table overflows.");
  }

  @Test
  void emptyStringTableAtTheStartOfTheFileIsEmptyNotAnOverflow() {
    Image image = new Image().wholeFileLoaded().dynamic(0x300, 1, 0, 5, BASE, 10, 0, 0, 0);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is corrupt: a library name in its dynamic section starts at offset 0 of its"
                + " string table, which is 0 bytes long.");
  }

  @Test
  void staticPieIsReadAsPieAndSelfContained() throws Exception {
    ElfFile elf = ElfReader.read(ElfBuilder.x86_64().pie().writeTo(dir, "static-pie"));

    assertThat(elf.pie()).isTrue();
    assertThat(elf.staticPie()).isTrue();
    assertThat(elf.hasDynamicSegment()).isTrue();
  }

  @Test
  void emptyStringTableHasNoRoomForALibraryName() {
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libm.so.6\0")
            .dynamic(0x300, 1, 0, 5, BASE + 0x800, 10, 0, 0, 0);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is corrupt: a library name in its dynamic section starts at offset 0 of its"
                + " string table, which is 0 bytes long.");
  }

  @Test
  void libraryNameInTheLastSlotOfAnUnterminatedDynamicTableIsStillRead() throws Exception {
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libssl.so.3\0")
            .dynamic(0x300, 5, BASE + 0x800, 10, 13, 1, 1);

    assertThat(read(image).needed()).containsExactly("libssl.so.3");
  }

  @Test
  void libraryNameCutByTheStringTableSizeEndsThereWithoutItsNul() throws Exception {
    // DT_STRSZ ends right after "libz.so.1", before its NUL; the name is what the table holds.
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libz.so.1.extra\0")
            .dynamic(0x300, 1, 1, 5, BASE + 0x800, 10, 10, 0, 0);

    assertThat(read(image).needed()).containsExactly("libz.so.1");
  }

  @Test
  void interpreterPathWithoutNulEndsAtItsSegment() throws Exception {
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x400, "/lib/ld-musl-x86_64.so.1XYZ")
            .segment(PT_INTERP, 0x400, BASE + 0x400, 24, 1);

    assertThat(read(image).interpreter()).isEqualTo("/lib/ld-musl-x86_64.so.1");
  }

  @Test
  void emptyLoadableSegmentExactlyAtTheEndOfTheFileIsAccepted() throws Exception {
    Image image = new Image().segment(PT_LOAD, FILE_SIZE, BASE + 0x10000, 0, 0x1000);

    ElfFile elf = read(image);

    assertThat(elf.loadable()).isTrue();
    assertThat(elf.selfContained()).isTrue();
  }

  @Test
  void emptyLoadableSegmentOneBytePastTheEndNamesItsOffsetNotAWrapAround() {
    Image image =
        new Image().wholeFileLoaded().segment(PT_LOAD, FILE_SIZE + 1, BASE + 0x10000, 0, 0x1000);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is truncated or corrupt: its loadable segment 1 (bytes 4097 to 4097) lie"
                + " beyond the end of the file (4096 bytes). Rebuild it, or copy it again if the"
                + " copy was cut short.");
  }

  @Test
  void loadableSegmentWhoseEndWrapsPast2To64SaysSo() {
    Image image =
        new Image().wholeFileLoaded().segment(PT_LOAD, 0x100, BASE + 0x10000, -0x10L, 0x1000);

    assertThat(failure(image, dir))
        .isEqualTo(
            "sensor is truncated or corrupt: its loadable segment 1 (bytes 256 to beyond 2^64)"
                + " lie beyond the end of the file (4096 bytes). Rebuild it, or copy it again if"
                + " the copy was cut short.");
  }

  @Test
  void sectionCountJustBelowTheOverflowIsMeasuredAgainstTheFile() {
    // e_shnum 0: the count is section 0's sh_size. MAX/64 sections do not overflow (they are
    // only far too many for the file); one more would.
    Image image = new Image().wholeFileLoaded().sectionHeaders(0x800, 64, 0);
    image.bytes.putLong(0x800 + 32, Long.MAX_VALUE / 64);

    assertThat(failure(image, dir))
        .startsWith("sensor is truncated or corrupt: its section headers (bytes 2048 to ");
  }

  @Test
  void sectionCountThatOverflowsIsNamedInFull() {
    Image justOver = new Image().wholeFileLoaded().sectionHeaders(0x800, 64, 0);
    justOver.bytes.putLong(0x800 + 32, Long.MAX_VALUE / 64 + 1);
    Image negative = new Image().wholeFileLoaded().sectionHeaders(0x800, 64, 0);
    negative.bytes.putLong(0x800 + 32, -1L);

    assertThat(failure(justOver, dir))
        .isEqualTo("sensor is corrupt: it claims 144115188075855872 section headers.");
    assertThat(failure(negative, dir))
        .isEqualTo("sensor is corrupt: it claims 18446744073709551615 section headers.");
  }

  @Test
  void sectionCountFromSectionZeroFindsTheSymbolTableInTheLastSection() throws Exception {
    Image image = new Image().wholeFileLoaded().sectionHeaders(0x800, 64, 0);
    image.bytes.putLong(0x800 + 32, 3); // section 0's sh_size: 3 sections
    image.bytes.putInt(0x800 + 64 + 4, 1); // section 1: SHT_PROGBITS
    image.bytes.putInt(0x800 + 128 + 4, 2); // section 2: SHT_SYMTAB

    assertThat(read(image).stripped()).isFalse();
  }

  @Test
  void programHeaderCountFromSectionZeroReadsEveryHeader() throws Exception {
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x400, "/lib/ld-linux-x86-64.so.2\0")
            .segment(PT_INTERP, 0x400, BASE + 0x400, 26, 1)
            .sectionHeaders(0x800, 64, 1);
    image.bytes.putShort(56, (short) 0xffff); // PN_XNUM: the count is section 0's sh_info
    image.bytes.putInt(0x800 + 44, 2);

    ElfFile elf = read(image);

    assertThat(elf.interpreter()).isEqualTo("/lib/ld-linux-x86-64.so.2");
    assertThat(elf.stripped()).isTrue();
  }

  @Test
  void sectionCountWithoutASectionTableMeansStripped() throws Exception {
    // e_shoff 0 with a count: there is no table, whatever bytes lie at offset 0. The first
    // program header's p_flags (offset 64 + 4) reads as SHT_SYMTAB were it taken for section 1.
    Image image = new Image().wholeFileLoaded().sectionHeaders(0, 64, 2);
    image.bytes.putInt(64 + 4, 2);

    assertThat(read(image).stripped()).isTrue();
  }

  @Test
  void noteWhoseDescriptionEndsExactlyAtTheSegmentEndIsRead() throws Exception {
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 36, 4);
    note(
        image.bytes,
        0x400,
        "GNU\0",
        3,
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});

    assertThat(read(image).buildId()).isEqualTo("0102030405060708090a0b0c0d0e0f1011121314");
  }

  @Test
  void noteWhoseDescriptionRunsOneBytePastTheSegmentIsCorrupt() {
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 35, 4);
    note(image.bytes, 0x400, "GNU\0", 3, new byte[20]);

    assertThat(failure(image, dir))
        .isEqualTo("sensor is corrupt: a note runs past the end of its note segment.");
  }

  @Test
  void notesAfterAnOddSizedNameAreFoundAtFourByteAlignment() throws Exception {
    // "Linux\0" (6 bytes) pads to 8, its 3-byte description to 4: the GNU note starts at 24.
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 44, 4);
    note(image.bytes, 0x400, "Linux\0", 7, new byte[] {9, 9, 9});
    note(image.bytes, 0x400 + 24, "GNU\0", 3, new byte[] {(byte) 0xab, (byte) 0xcd, 1, 2});

    assertThat(read(image).buildId()).isEqualTo("abcd0102");
  }

  @Test
  void notesInAnEightByteAlignedSegmentAreFoundAtEightByteAlignment() throws Exception {
    // Name ends at 18, padded to 24; description ends at 27, padded to 32.
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 52, 8);
    note(image.bytes, 0x400, "Linux\0", 7, new byte[] {9, 9, 9});
    note(image.bytes, 0x400 + 32, "GNU\0", 3, new byte[] {(byte) 0xab, (byte) 0xcd, 1, 2});

    assertThat(read(image).buildId()).isEqualTo("abcd0102");
  }

  @Test
  void noteNameWithoutNulIsTakenAtItsDeclaredSize() throws Exception {
    // namesz 3 ("GNU" without its NUL): still the GNU owner; description aligned from 15 to 16.
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 20, 4);
    note(image.bytes, 0x400, "GNU", 3, new byte[] {7, 7, 7, 7});

    assertThat(read(image).buildId()).isEqualTo("07070707");
  }

  @Test
  void noteHeaderInTheSegmentsLastTwelveBytesWhoseNameLiesPastItIsCorrupt() {
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 12, 4);
    image.bytes.putInt(0x400, 4).putInt(0x404, 0).putInt(0x408, 1); // "GNU\0" would follow

    assertThat(failure(image, dir))
        .isEqualTo("sensor is corrupt: a note runs past the end of its note segment.");
  }

  @Test
  void emptyNoteHeaderInTheSegmentsLastTwelveBytesIsSkipped() throws Exception {
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 32, 4);
    note(image.bytes, 0x400, "GNU\0", 3, new byte[] {1, 2, 3, 4});
    image.bytes.putInt(0x414, 0).putInt(0x418, 0).putInt(0x41c, 1); // no name, no description

    ElfFile read = read(image);
    assertThat(read.buildId()).isEqualTo("01020304");
    assertThat(read.glibcAbiTag()).isFalse();
  }

  @Test
  void gnuNotesOfOtherTypesBeforeTheBuildIdAreNotTakenForIt() throws Exception {
    // NT_GNU_PROPERTY_TYPE_0 (5), then the ABI tag (1), then the build-id (3), as ld writes them.
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 76, 4);
    note(image.bytes, 0x400, "GNU\0", 5, new byte[8]);
    note(
        image.bytes,
        0x418,
        "GNU\0",
        1,
        new byte[] {0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
    note(image.bytes, 0x438, "GNU\0", 3, new byte[] {(byte) 0xab, (byte) 0xcd, 1, 2});

    ElfFile read = read(image);
    assertThat(read.buildId()).isEqualTo("abcd0102");
    assertThat(read.glibcAbiTag()).isTrue();
  }

  @Test
  void theFirstOfTwoBuildIdsIsTakenAndNeitherIsAnAbiTag() throws Exception {
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 40, 4);
    note(image.bytes, 0x400, "GNU\0", 3, new byte[] {1, 2, 3, 4});
    note(image.bytes, 0x414, "GNU\0", 3, new byte[] {5, 6, 7, 8});

    ElfFile read = read(image);
    assertThat(read.buildId()).isEqualTo("01020304");
    assertThat(read.glibcAbiTag()).isFalse();
  }

  @Test
  void onlyTheGnuOwnersTypeOneIsTheGlibcAbiTag() throws Exception {
    // FreeBSD's ABI tag is also type 1; a GNU property note is type 5.
    Image image = new Image().wholeFileLoaded().segment(PT_NOTE, 0x400, BASE + 0x400, 48, 4);
    note(image.bytes, 0x400, "FreeBSD\0", 1, new byte[] {0x40, 0x42, 0x0f, 0});
    note(image.bytes, 0x418, "GNU\0", 5, new byte[8]);

    ElfFile read = read(image);
    assertThat(read.glibcAbiTag()).isFalse();
    assertThat(read.buildId()).isNull();
  }

  @Test
  void entriesAfterDtNullAreNotRead() throws Exception {
    Image image =
        new Image()
            .wholeFileLoaded()
            .text(0x800, "\0libc.so.6\0")
            .dynamic(0x300, 5, BASE + 0x800, 10, 11, 0, 0, 1, 1);

    assertThat(read(image).needed()).isEmpty();
  }

  @Test
  void elf32HeaderOnlyFileOfFiftyTwoBytesIsReadAsUnloadable() throws Exception {
    byte[] header = Arrays.copyOf(ElfBuilder.x86_64().elfClass(32).build(), 52);
    ByteBuffer elf = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    elf.putInt(32, 0); // e_shoff
    elf.putShort(44, (short) 0); // e_phnum
    elf.putShort(48, (short) 0); // e_shnum

    ElfFile read = ElfReader.read(Files.write(dir.resolve("header-only"), header));

    assertThat(read.elfClass()).isEqualTo(32);
    assertThat(read.loadable()).isFalse();
  }

  @Test
  void elf32CountsFromSectionZeroAreReadFromItsElf32Fields() throws Exception {
    byte[] bytes =
        ElfBuilder.x86_64()
            .elfClass(32)
            .interpreter("/lib/ld-linux.so.2")
            .withSymbolTable()
            .build();
    ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int shoff = elf.getInt(32);
    elf.putShort(44, (short) 0xffff); // e_phnum PN_XNUM: the count is section 0's sh_info
    elf.putInt(shoff + 28, 2);
    elf.putShort(48, (short) 0); // e_shnum 0: the count is section 0's sh_size
    elf.putInt(shoff + 20, 3);

    ElfFile read = ElfReader.read(Files.write(dir.resolve("elf32-xnum"), bytes));

    assertThat(read.interpreter()).isEqualTo("/lib/ld-linux.so.2");
    assertThat(read.stripped()).isFalse();
  }

  /** Writes one note at {@code at} with 4-byte padding after the name (the segment may differ). */
  private static void note(ByteBuffer out, int at, String owner, int type, byte[] desc) {
    byte[] name = owner.getBytes(StandardCharsets.US_ASCII);
    out.putInt(at, name.length).putInt(at + 4, desc.length).putInt(at + 8, type);
    out.put(at + 12, name);
    out.put(at + 12 + ((name.length + 3) & -4), desc);
  }
}
