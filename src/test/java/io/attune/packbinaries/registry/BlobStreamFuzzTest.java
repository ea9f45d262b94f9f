package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.testing.FuzzBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A {@link BlobStream} over bodies a registry or the way to it may send: the blob, a longer or a
 * shorter one, one byte changed, a connection lost midway, each in chunks of any size, read by a
 * reader that stops anywhere. Whatever the body, the reader never gets a byte past the declared
 * size, and {@link BlobStream#verify} passes exactly when the body was the blob, whole; else it
 * names what went wrong, and a lost connection stays the stream's {@link BlobStream#failure}.
 */
class BlobStreamFuzzTest {

  private static final int BASE_CASES = 2_000;

  @Test
  void fixedSeedCorpus() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), BASE_CASES);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void longRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(BASE_CASES));
  }

  private enum Kind {
    WHOLE,
    LONGER,
    SHORTER,
    CHANGED,
    LOST
  }

  private void fuzz(long seed, Random random, int cases) throws Exception {
    long slowest = 0;
    int[] seen = new int[Kind.values().length];
    for (int i = 0; i < cases; i++) {
      long start = System.nanoTime();
      byte[] blob = new byte[random.nextInt(3) == 0 ? random.nextInt(8) : random.nextInt(70_000)];
      random.nextBytes(blob);
      String digest = "sha256:" + Sha256.of(blob);
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      if ((kind == Kind.SHORTER || kind == Kind.CHANGED || kind == Kind.LOST) && blob.length == 0) {
        kind = Kind.LONGER;
      }
      seen[kind.ordinal()]++;
      byte[] sent =
          switch (kind) {
            case LONGER -> Arrays.copyOf(blob, blob.length + 1 + random.nextInt(5000));
            case SHORTER -> Arrays.copyOf(blob, random.nextInt(blob.length));
            case CHANGED -> {
              byte[] changed = blob.clone();
              changed[random.nextInt(blob.length)] ^= (byte) (1 + random.nextInt(255));
              yield changed;
            }
            default -> blob;
          };
      int lostAt = kind == Kind.LOST ? random.nextInt(blob.length) : -1;
      Chunked body = new Chunked(sent, new Random(random.nextLong()), lostAt);
      BlobStream stream = BlobStream.of(body, URI.create("test:/case/" + i), digest, blob.length);
      String where = "case " + i + " (" + kind + ", seed " + seed + ")";

      // The reader takes a prefix of any length, in reads of any size.
      int wanted = random.nextInt(blob.length + 2);
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      Random reads = new Random(random.nextLong());
      Throwable readFailure = null;
      try {
        while (read.size() < wanted) {
          byte[] buffer = new byte[1 + reads.nextInt(9000)];
          int n = reads.nextInt(4) == 0 ? singleByte(stream, buffer) : stream.read(buffer);
          if (n < 0) {
            break;
          }
          read.write(buffer, 0, n);
        }
      } catch (IOException e) {
        readFailure = e;
      }
      byte[] got = read.toByteArray();
      assertThat(got.length).as(where).isLessThanOrEqualTo(blob.length);
      assertThat(got).as(where).isEqualTo(Arrays.copyOf(sent, got.length));
      assertThat(stream.received()).as(where).isLessThanOrEqualTo(blob.length);

      Throwable verified = readFailure != null ? readFailure : catchThrowable(stream::verify);
      switch (kind) {
        case WHOLE -> assertThat(verified).as(where).isNull();
        case LONGER ->
            assertThat(verified)
                .as(where)
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("sent more than the " + blob.length + " bytes");
        case SHORTER ->
            assertThat(verified)
                .as(where)
                .hasMessageContaining("ended blob " + digest + " after " + sent.length);
        case CHANGED ->
            assertThat(verified).as(where).hasMessageContaining("does not hash to " + digest);
        case LOST -> {
          assertThat(verified).as(where).isSameAs(stream.failure()).hasMessage("lost");
          assertThat(catchThrowable(stream::verify)).as(where).isSameAs(stream.failure());
        }
      }
      if (kind != Kind.LOST) {
        assertThat(stream.failure())
            .as(where)
            .isEqualTo(kind == Kind.LONGER && verified != null ? verified : null);
      }
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    System.out.println(
        FuzzBudget.summary(
            "blob streams " + Arrays.toString(seen), cases, 0, Duration.ofNanos(slowest), seed));
  }

  private static int singleByte(InputStream in, byte[] buffer) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    buffer[0] = (byte) b;
    return 1;
  }

  /**
   * {@code bytes} in reads of random sizes; at {@code lostAt} (if not -1) the connection is lost.
   */
  private static final class Chunked extends InputStream {
    private final byte[] bytes;
    private final Random random;
    private final int lostAt;
    private int at;

    Chunked(byte[] bytes, Random random, int lostAt) {
      this.bytes = bytes;
      this.random = random;
      this.lostAt = lostAt;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (lostAt >= 0 && at >= lostAt) {
        throw new IOException("lost");
      }
      if (at == bytes.length) {
        return -1;
      }
      int limit = lostAt >= 0 ? lostAt : bytes.length;
      int n = Math.min(length, Math.max(1, Math.min(limit - at, 1 + random.nextInt(20_000))));
      n = Math.min(n, bytes.length - at);
      System.arraycopy(bytes, at, buffer, offset, n);
      at += n;
      return n;
    }
  }
}
