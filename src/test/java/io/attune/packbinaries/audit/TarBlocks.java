package io.attune.packbinaries.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Tar header blocks written byte by byte, for layers no tar writer makes: sparse entries, header
 * records of any size, types that should have no data but declare some.
 */
final class TarBlocks {

  static final int BLOCK = 512;

  private TarBlocks() {}

  /** A ustar header block: name, type flag and size; checksum filled in. */
  static byte[] header(String name, char type, long size) {
    return header(name, type, size, "");
  }

  static byte[] header(String name, char type, long size, String linkName) {
    byte[] block = new byte[BLOCK];
    put(block, 0, name);
    put(block, 100, "0000755");
    put(block, 108, "0000000");
    put(block, 116, "0000000");
    put(block, 124, String.format("%011o", size));
    put(block, 136, "00000000000");
    block[156] = (byte) type;
    put(block, 157, linkName);
    put(block, 257, "ustar");
    put(block, 263, "00");
    return checksum(block);
  }

  /** An old-GNU sparse ('S') header storing {@code stored} bytes of a {@code real}-byte file. */
  static byte[] oldGnuSparse(String name, long stored, long real) {
    byte[] block = header(name, 'S', stored);
    put(block, 257, "ustar  ");
    block[263] = ' ';
    block[264] = 0;
    put(block, 386, String.format("%011o", real - stored));
    put(block, 398, String.format("%011o", stored));
    put(block, 483, String.format("%011o", real));
    return checksum(block);
  }

  static byte[] checksum(byte[] block) {
    for (int i = 148; i < 156; i++) {
      block[i] = ' ';
    }
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    put(block, 148, String.format("%06o", sum));
    block[154] = 0;
    block[155] = ' ';
    return block;
  }

  private static void put(byte[] block, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, block, offset, bytes.length);
  }

  /** One PAX record, "length key=value\n". */
  static String paxRecord(String key, String value) {
    String rest = " " + key + "=" + value + "\n";
    int length = rest.length();
    while (String.valueOf(length).length() + rest.length() != length) {
      length = String.valueOf(length).length() + rest.length();
    }
    return length + rest;
  }

  static byte[] padded(byte[] content) {
    int length = (content.length + BLOCK - 1) / BLOCK * BLOCK;
    return java.util.Arrays.copyOf(content, length);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] end() {
    return new byte[2 * BLOCK];
  }

  /** A header followed by {@code size} bytes of 'a' (and padding) made as they are read. */
  static InputStream recordOf(String name, char type, long size) {
    return new SequenceInputStream(
        Collections.enumeration(
            List.of(
                new java.io.ByteArrayInputStream(header(name, type, size)),
                filler(size + (BLOCK - size % BLOCK) % BLOCK))));
  }

  /** {@code n} bytes of 'a', made as they are read. */
  static InputStream filler(long n) {
    return new InputStream() {
      private long left = n;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return 'a';
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (left == 0) {
          return -1;
        }
        int count = (int) Math.min(length, left);
        java.util.Arrays.fill(buffer, offset, offset + count, (byte) 'a');
        left -= count;
        return count;
      }
    };
  }

  /** {@code in} gzip-compressed at the best ratio (a long run of one byte shrinks ~1000x). */
  static byte[] gzip(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gzip =
        new GZIPOutputStream(bytes, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      in.transferTo(gzip);
    }
    return bytes.toByteArray();
  }
}
