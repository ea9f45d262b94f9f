package io.attune.packbinaries.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Names what a file that is not ELF looks like, so the message says what was handed over. */
final class FileKind {

  private FileKind() {}

  static String describeNonElf(String name, ByteBuffer start) {
    byte[] head = new byte[Math.min(start.limit(), 64)];
    start.get(0, head);
    String text = new String(head, StandardCharsets.ISO_8859_1);
    if (text.startsWith("#!")) {
      String shebang = text.lines().findFirst().orElse("#!").strip();
      return name
          + " is a script ("
          + shebang
          + "), not a compiled binary; verify the binary that cargo built.";
    }
    if (text.startsWith("!<arch>\n")) {
      return name + " is an ar archive (a static library), not an executable.";
    }
    int magic = head.length >= 4 ? ByteBuffer.wrap(head).getInt(0) : 0;
    if (magic == 0xfeedfacf
        || magic == 0xcffaedfe
        || magic == 0xfeedface
        || magic == 0xcefaedfe
        || magic == 0xcafebabe) {
      return name
          + " is a Mach-O file (macOS), not a Linux ELF binary; cross-compile it for Linux with"
          + " the build goal (cargo zigbuild --target <linux triple>).";
    }
    if (text.startsWith("MZ")) {
      return name + " is a Windows executable, not a Linux ELF binary.";
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return name + " is a gzip archive, not an executable; unpack it first.";
    }
    if (text.startsWith("PK\u0003\u0004")) {
      return name + " is a zip archive, not an executable; unpack it first.";
    }
    int shown = Math.min(head.length, 4);
    return name
        + " is not an ELF file (it starts with bytes "
        + HexFormat.ofDelimiter(" ").formatHex(head, 0, shown)
        + "; an ELF file starts with 7f 45 4c 46).";
  }
}
