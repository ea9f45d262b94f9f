package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
