package io.attune.packbinaries.registry;

import io.attune.packbinaries.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A blob's body read as it arrives, hashed on the way: at most the {@code size} bytes its
 * descriptor declares (one byte more fails at once with a {@link ResponseTooLargeException}, so a
 * registry cannot make the reader run on), nothing written anywhere. What was read is only the
 * blob's content once {@link #verify} has returned: it reads what the reader left (hashing it,
 * still bounded by {@code size}), then checks the size and the digest.
 *
 * <p>Failures of the body itself (a lost connection, a limit of {@link BodyWatchdog}) are kept:
 * {@link #failure} gives the first, so a reader that turned a read error into a verdict of its own
 * ("not a readable layer") can tell it from the content's fault and let the step be retried.
 */
public final class BlobStream extends InputStream {

  private final InputStream body;
  private final URI url;
  private final Digest digest;
  private final long size;
  private final String source;
  private final MessageDigest hash;
  private long received;
  private IOException failure;

  BlobStream(InputStream body, URI url, Digest digest, long size, String source) {
    this.body = body;
    this.url = url;
    this.digest = digest;
    this.size = size;
    this.source = source;
    this.hash = digest.algorithm().newMessageDigest();
  }

  /**
   * {@code body} read as the blob {@code digest} of {@code size} bytes: for a body that comes from
   * elsewhere than this package's client (another client's, a test's).
   *
   * @param url what the body came from, for messages
   */
  public static BlobStream of(InputStream body, URI url, String digest, long size)
      throws IOException {
    return new BlobStream(body, url, References.digest(digest), size, url.toString());
  }

  /** The blob's digest, as its descriptor names it. */
  public String digest() {
    return digest.toString();
  }

  /** Bytes read so far, by the reader and by {@link #verify}. */
  public long received() {
    return received;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      if (received == size) {
        // The declared end: one more byte means the registry serves something else.
        if (body.read() >= 0) {
          throw ResponseTooLargeException.overDescriptor(url, digest.toString(), size);
        }
        return -1;
      }
      int n = body.read(buffer, offset, (int) Math.min(length, size - received));
      if (n > 0) {
        hash.update(buffer, offset, n);
        received += n;
      }
      return n;
    } catch (IOException e) {
      failure = failure == null ? e : failure;
      throw e;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes are still hashed.
    byte[] buffer = new byte[(int) Math.max(0, Math.min(n, 64 * 1024))];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  /** The first failure of the body itself, or null: not the content's fault, so worth a retry. */
  public IOException failure() {
    return failure;
  }

  /**
   * Reads the rest of the blob (at most up to its declared size, and one byte more to see that it
   * ends there) and checks that the whole is exactly {@code size} bytes of its digest: an {@link
   * IOException} otherwise, retried like a lost connection (a proxy may have cut or corrupted it).
   */
  public void verify() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // hashed on the way
    }
    if (received != size) {
      throw new IOException(
          url
              + " ended blob "
              + digest
              + " after "
              + received
              + " of the "
              + size
              + " bytes its descriptor declares");
    }
    if (!HexFormat.of().formatHex(hash.digest()).equals(digest.encoded())) {
      throw new IOException(source + " returned content that does not hash to " + digest);
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
