package io.attune.packbinaries.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * Reads a response body up to a limit and never further, so a hostile or broken server cannot fill
 * the heap: a Content-Length over the limit fails before reading, a body that runs past it fails
 * after limit + 1 bytes.
 */
final class BoundedBody {

  /** What registries accept for one manifest or index (distribution's and the OCI spec's limit). */
  static final int MANIFEST_LIMIT = 4 * 1024 * 1024;

  /** Enough for any registry's JSON error list. */
  static final int ERROR_LIMIT = 64 * 1024;

  /** For {@code blob()}: configs and other small blobs read into memory. */
  static final int SMALL_BLOB_LIMIT = 32 * 1024 * 1024;

  private BoundedBody() {}

  /** The whole body, closed afterwards; {@link ResponseTooLargeException} past {@code limit}. */
  static byte[] read(HttpResponse<InputStream> response, int limit, String what)
      throws IOException {
    try (InputStream in = response.body()) {
      URI url = response.uri();
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > limit) {
        throw new ResponseTooLargeException(url, what, limit);
      }
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new ResponseTooLargeException(url, what, limit);
      }
      return bytes;
    }
  }

  /** Up to {@code limit} bytes, and whether there was more; for error text. */
  record Prefix(byte[] bytes, boolean truncated) {}

  static Prefix prefix(HttpResponse<InputStream> response, int limit) throws IOException {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        return new Prefix(java.util.Arrays.copyOf(bytes, limit), true);
      }
      return new Prefix(bytes, false);
    }
  }

  /** Closes the body unread (its connection is then not reused, which is fine for a redirect). */
  static void discard(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // nothing was wanted from it
    }
  }

  static String describe(long limit) {
    return limit % (1024 * 1024) == 0
        ? limit / (1024 * 1024) + " MiB"
        : limit % 1024 == 0 ? limit / 1024 + " KiB" : limit + " bytes";
  }
}
