package io.attune.packbinaries.audit;

import static io.attune.packbinaries.audit.TarBlocks.concat;
import static io.attune.packbinaries.audit.TarBlocks.end;
import static io.attune.packbinaries.audit.TarBlocks.header;
import static io.attune.packbinaries.audit.TarBlocks.padded;
import static io.attune.packbinaries.audit.TarBlocks.paxRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header check on its own: each way of reading it sees every block. */
class TarHeaderGuardTest {

  private static final int CAP = 1024;

  private static TarHeaderGuard guard(byte[]... parts) {
    return new TarHeaderGuard(new ByteArrayInputStream(concat(parts)), CAP);
  }

  /** Reads all of {@code in} one byte at a time. */
  private static void readBytes(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // reading
    }
  }

  private static void readBlocks(InputStream in) throws IOException {
    in.readAllBytes();
  }

  private static byte[] pax(String... keyValues) {
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      records.append(paxRecord(keyValues[i], keyValues[i + 1]));
    }
    return records.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] paxHeader(byte[] body) {
    return concat(header("x", 'x', body.length), padded(body));
  }

  @Test
  void readByByteSkipAndBlocksSeeTheSameHeaders() throws Exception {
    byte[] layer =
        concat(
            header("a", '0', 600),
            padded(new byte[600]),
            header("b", '0', 512),
            new byte[512],
            header("c", '5', 0),
            end());
    TarHeaderGuard byByte = guard(layer);
    readBytes(byByte);
    assertThat(byByte.entries()).isEqualTo(3);
    assertThat(byByte.lastEntrySize()).isZero();

    TarHeaderGuard skipping = guard(layer);
    assertThat(skipping.markSupported()).isFalse();
    assertThat(skipping.readNBytes(512)).hasSize(512);
    assertThat(skipping.lastEntrySize()).isEqualTo(600);
    long skipped = 0;
    while (skipped < 1024) {
      long n = skipping.skip(1024 - skipped);
      assertThat(n).isPositive();
      skipped += n;
    }
    assertThat(skipping.readNBytes(512)).hasSize(512);
    assertThat(skipping.entries()).isEqualTo(2);
    assertThat(skipping.lastEntrySize()).isEqualTo(512);
    assertThat(skipping.skip(-1)).isZero();

    assertThat(guard().lastEntrySize()).isEqualTo(-1);
    assertThat(guard().read()).isEqualTo(-1);
    assertThat(guard().skip(10)).isZero();
  }

  @Test
  void aRecordOverTheCapIsRefusedWhicheverWayItIsRead() {
    byte[] layer = concat(header("x", 'x', CAP + 1), new byte[2048]);
    assertThatThrownBy(() -> readBytes(guard(layer)))
        .isInstanceOf(TarHeaderGuard.Refused.class)
        .hasMessage(
            "a header record ('x') of 1025 bytes, more than the audit reads (1024,"
                + " AuditLimits.maxHeaderRecordBytes)");
    assertThatThrownBy(() -> readBlocks(guard(layer))).isInstanceOf(TarHeaderGuard.Refused.class);
    // At the cap is read.
    byte[] body = new byte[CAP];
    byte[] record = pax("comment", "x".repeat(CAP - 20));
    System.arraycopy(record, 0, body, 0, record.length);
    TarHeaderGuard atCap = guard(header("x", 'x', CAP), body, header("a", '0', 0), end());
    org.assertj.core.api.Assertions.assertThatCode(() -> readBlocks(atCap))
        .doesNotThrowAnyException();
    assertThat(atCap.entries()).isEqualTo(1);
  }

  @Test
  void paxRecordsAreReadAsCommonsCompressReadsThem() throws Exception {
    byte[] sized = pax("path", "a", "size", "700");
    TarHeaderGuard guard =
        guard(
            paxHeader(sized),
            header("a", '0', 0),
            padded(new byte[700]),
            paxHeader(pax("size", "")),
            header("b", '0', 5),
            padded(new byte[5]),
            header("L", 'L', 0),
            header("c", '0', 0),
            end());
    readBlocks(guard);
    assertThat(guard.entries()).isEqualTo(3);
    assertThat(guard.lastEntrySize()).isZero();

    // A PAX body may end in NUL padding inside its declared size.
    byte[] withZeros = concat(pax("size", "3"), new byte[20]);
    TarHeaderGuard zeros =
        guard(paxHeader(withZeros), header("d", '0', 0), padded(new byte[3]), end());
    readBlocks(zeros);
    assertThat(zeros.lastEntrySize()).isEqualTo(3);
  }

  @Test
  void malformedPaxRecordsAreRefused() {
    for (String body :
        new String[] {
          "x path=a\n",
          "5 path=a\n",
          "9 path=a\nzz",
          "9 patha\n\n",
          "10 path=aa",
          "9",
          "9 path=a\n1",
          "1234567890123456789 a=b\n"
        }) {
      byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> readBlocks(guard(paxHeader(bytes), header("a", '0', 0), end())))
          .as(body)
          .hasMessage("a malformed PAX header record");
    }
  }

  @Test
  void sparseAndBadPaxKeysAreRefused() {
    for (String key : new String[] {"GNU.sparse.map", "SCHILY.realsize", "SCHILY.filetype"}) {
      assertThatThrownBy(() -> readBlocks(guard(paxHeader(pax(key, "1")), end())))
          .hasMessageContaining("a sparse entry (PAX " + key + ")");
    }
    for (String size : new String[] {"-1", "x", "99999999999999999999"}) {
      assertThatThrownBy(() -> readBlocks(guard(paxHeader(pax("size", size)), end())))
          .hasMessage("a PAX size that is not a size (" + size + ")");
    }
    assertThatThrownBy(() -> readBlocks(guard(header("s", 'X', 0), end())))
        .hasMessageContaining("a Solaris extended header ('X')");
    assertThatThrownBy(() -> readBlocks(guard(TarBlocks.oldGnuSparse("s", 512, 4096), end())))
        .hasMessage("a sparse entry 's', which unpacks to more than it stores");
    // A global header may carry other keys.
    byte[] comment = pax("comment", "git commit");
    TarHeaderGuard global = guard(header("g", 'g', comment.length), padded(comment), end());
    org.assertj.core.api.Assertions.assertThatCode(() -> readBlocks(global))
        .doesNotThrowAnyException();
  }

  @Test
  void twoRecordsOfOneKindOrAPaxHeaderAndALongNameAreRefused() {
    byte[] name = padded("long".getBytes(StandardCharsets.US_ASCII));
    for (char type : new char[] {'L', 'K'}) {
      assertThatThrownBy(
              () ->
                  readBlocks(guard(header("L", type, 4), name, header("L", type, 4), name, end())))
          .hasMessage("two header records ('" + type + "') for one entry");
    }
    assertThatThrownBy(
            () -> readBlocks(guard(paxHeader(pax("path", "a")), header("L", 'L', 4), name, end())))
        .hasMessage("both a PAX header and a GNU long name for one entry");
    assertThatThrownBy(
            () -> readBlocks(guard(header("L", 'L', 4), name, paxHeader(pax("path", "a")), end())))
        .hasMessage("both a PAX header and a GNU long name for one entry");
    // One of each kind, then an entry, then one of each again: fine.
    org.assertj.core.api.Assertions.assertThatCode(
            () ->
                readBlocks(
                    guard(
                        header("L", 'L', 4),
                        name,
                        header("K", 'K', 4),
                        name,
                        header("a", '2', 0, "b"),
                        header("L", 'L', 4),
                        name,
                        header("K", 'K', 4),
                        name,
                        header("b", '1', 0, "a"),
                        paxHeader(pax("path", "c")),
                        header("c", '0', 0),
                        paxHeader(pax("path", "d")),
                        header("d", '0', 0),
                        end())))
        .doesNotThrowAnyException();
  }

  @Test
  void typesWithoutDataThatDeclareSomeAreRefused() {
    for (char type : new char[] {'1', '2', '3', '4', '5', '6'}) {
      assertThatThrownBy(() -> readBlocks(guard(header("n", type, 1), new byte[512], end())))
          .hasMessageStartingWith("the entry 'n' of type '" + type + "' declares 1 bytes of data");
    }
    // Through a PAX size too.
    assertThatThrownBy(
            () -> readBlocks(guard(paxHeader(pax("size", "512")), header("n", '2', 0), end())))
        .hasMessageContaining("declares 512 bytes of data");
    // Types with data may declare it.
    org.assertj.core.api.Assertions.assertThatCode(
            () -> readBlocks(guard(header("n", '7', 1), new byte[512], header("m", '0', 0), end())))
        .doesNotThrowAnyException();
  }

  @Test
  void sizeFieldsAreReadAsOctalOrBase256() {
    byte[] block = header("a", '0', 0);
    java.util.Arrays.fill(block, 124, 136, (byte) 0);
    System.arraycopy("  17 ".getBytes(StandardCharsets.US_ASCII), 0, block, 124, 5);
    assertThat(TarHeaderGuard.size(block)).isEqualTo(15);
    java.util.Arrays.fill(block, 124, 136, (byte) ' ');
    assertThat(TarHeaderGuard.size(block)).isZero();
    java.util.Arrays.fill(block, 124, 136, (byte) 0);
    block[124] = (byte) 0x80;
    block[134] = 1;
    block[135] = 2;
    assertThat(TarHeaderGuard.size(block)).isEqualTo(258);
    block[128] = 0x7f;
    assertThat(TarHeaderGuard.size(block)).isEqualTo((0x7fL << 56) + 258);
    block[127] = 1;
    assertThatThrownBy(() -> TarHeaderGuard.size(block)).hasMessage("an entry size over 2^63");
    block[124] = (byte) 0xff;
    assertThatThrownBy(() -> TarHeaderGuard.size(block))
        .hasMessage("a negative or oversized base-256 entry size");
    java.util.Arrays.fill(block, 124, 136, (byte) '0');
    block[126] = '8';
    assertThatThrownBy(() -> TarHeaderGuard.size(block))
        .hasMessage("a tar header whose size field is not octal");
    block[126] = '/';
    assertThatThrownBy(() -> TarHeaderGuard.size(block))
        .hasMessage("a tar header whose size field is not octal");
    java.util.Arrays.fill(block, 124, 136, (byte) '7');
    assertThat(TarHeaderGuard.size(block)).isEqualTo((1L << 36) - 1);
  }

  @Test
  void aNameOfAHundredCharactersIsShownWhole() {
    String name = "n".repeat(100);
    assertThatThrownBy(() -> readBlocks(guard(header(name, '5', 1), end())))
        .hasMessageStartingWith("the entry '" + name + "' of type '5'");
  }

  @Test
  void whatFollowsTheFirstZeroBlockIsNotRead() throws Exception {
    TarHeaderGuard guard =
        guard(header("a", '0', 0), new byte[512], header("x", 'x', 1 << 30), end());
    readBlocks(guard);
    assertThat(guard.entries()).isEqualTo(1);
  }

  @Test
  void readingIntoTheMiddleOfABufferInSmallPiecesSeesTheSameHeaders() throws Exception {
    byte[] layer =
        concat(
            paxHeader(pax("size", "700")),
            header("a", '0', 0),
            padded(new byte[700]),
            header("b", '0', 3),
            padded(new byte[3]),
            end());
    TarHeaderGuard guard = guard(layer);
    byte[] buffer = new byte[200];
    while (guard.read(buffer, 100, 37) >= 0) {
      // reading
    }
    assertThat(guard.entries()).isEqualTo(2);
    assertThat(guard.lastEntrySize()).isEqualTo(3);
  }

  @Test
  void aPaxRecordWithoutALengthIsRefused() {
    byte[] body = " path=a\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> readBlocks(guard(paxHeader(body), header("a", '0', 0), end())))
        .hasMessage("a malformed PAX header record");
    byte[] exact = "8 a=bcd\n".getBytes(StandardCharsets.US_ASCII);
    org.assertj.core.api.Assertions.assertThatCode(
            () -> readBlocks(guard(paxHeader(exact), header("a", '0', 0), end())))
        .doesNotThrowAnyException();
    byte[] zeroSize = pax("size", "0");
    TarHeaderGuard zero = guard(paxHeader(zeroSize), header("a", '0', 9), end());
    org.assertj.core.api.Assertions.assertThatCode(() -> readBlocks(zero))
        .doesNotThrowAnyException();
    assertThat(zero.lastEntrySize()).isZero();
  }

  @Test
  void theLargestBase256SizeAndAnEighteenDigitPaxLengthAreRead() throws Exception {
    byte[] block = header("a", '0', 0);
    java.util.Arrays.fill(block, 124, 136, (byte) 0xff);
    block[124] = (byte) 0x80;
    java.util.Arrays.fill(block, 125, 128, (byte) 0);
    block[128] = 0x7f;
    assertThat(TarHeaderGuard.size(block)).isEqualTo(Long.MAX_VALUE);
    byte[] body = "000000000000000032 a=bbbbbbbbbb\n".getBytes(StandardCharsets.US_ASCII);
    org.assertj.core.api.Assertions.assertThatCode(
            () -> readBlocks(guard(paxHeader(body), header("a", '0', 0), end())))
        .doesNotThrowAnyException();
  }
}
