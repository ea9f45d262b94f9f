package io.attune.packbinaries.registry;

import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Blob requests on one repository: check, upload (one session: POST, then PUT of the whole blob to
 * the Location the registry gave), cross-repository mount, download. A failed upload is repeated as
 * a new session by the caller's {@link Retry}: distribution forgets a session whose PUT broke off,
 * and a new one is what the distribution spec allows in every case.
 */
final class BlobOperations {

  private final RegistryTransport transport;
  private final RegistryErrors errors;
  private final String registry;
  private final String repository;

  BlobOperations(
      RegistryTransport transport, RegistryErrors errors, String registry, String repository) {
    this.transport = transport;
    this.errors = errors;
    this.registry = registry;
    this.repository = repository;
  }

  boolean has(String digest) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(RegistryTransport.Request.of("HEAD", blobUrl(digest)));
    return errors.exists(response, "checking blob " + digest);
  }

  void push(String digest, BodyPublisher content) throws IOException {
    References.digest(digest);
    HttpResponse<InputStream> started = startUpload("");
    errors.expect(started, 202, "starting the upload of blob " + digest);
    finishUpload(started, digest, content);
  }

  boolean mount(String digest, String fromRepository) throws IOException {
    HttpResponse<InputStream> response = startUpload(mountQuery(digest, fromRepository));
    if (response.statusCode() == 201) {
      BoundedBody.discard(response);
      return true;
    }
    // 202: the registry opened an ordinary upload instead; it expires unused.
    errors.expect(response, 202, "mounting blob " + digest + " from " + fromRepository);
    BoundedBody.discard(response);
    return false;
  }

  /**
   * A mount, or the upload the registry opens instead (202, as the distribution spec allows) in
   * that same session. A registry that refuses the mount outright (any 4xx but 429, which is
   * retried) gets an ordinary upload, which fails as clearly if the refusal was about the target.
   */
  boolean mountOrPush(String digest, String fromRepository, BodyPublisher content)
      throws IOException {
    HttpResponse<InputStream> started = startUpload(mountQuery(digest, fromRepository));
    int status = started.statusCode();
    if (status == 201) {
      BoundedBody.discard(started);
      return true;
    }
    if (status >= 400 && status < 500 && status != 429) {
      BoundedBody.discard(started);
      push(digest, content);
      return false;
    }
    errors.expect(started, 202, "mounting blob " + digest + " from " + fromRepository);
    finishUpload(started, digest, content);
    return false;
  }

  private String mountQuery(String digest, String fromRepository) throws IOException {
    return "?mount="
        + URLEncoder.encode(References.digest(digest).toString(), StandardCharsets.UTF_8)
        + "&from="
        + URLEncoder.encode(References.repository(fromRepository), StandardCharsets.UTF_8);
  }

  private HttpResponse<InputStream> startUpload(String query) throws IOException {
    return transport.send(
        RegistryTransport.Request.of("POST", transport.url(repository, "blobs/uploads/" + query)));
  }

  /** The PUT of the whole blob to the Location the 202 {@code started} gave. */
  private void finishUpload(HttpResponse<InputStream> started, String digest, BodyPublisher content)
      throws IOException {
    BoundedBody.discard(started);
    URI location = uploadLocation(started);
    String separator = location.getRawQuery() == null ? "?" : "&";
    URI put =
        URI.create(
            location + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    HttpResponse<InputStream> finished =
        transport.send(
            RegistryTransport.Request.of("PUT", put)
                .header("Content-Type", "application/octet-stream")
                .body(content)
                .timeout(RegistryTransport.BLOB_TIMEOUT));
    errors.expect(finished, 201, "uploading blob " + digest);
    BoundedBody.discard(finished);
  }

  byte[] read(String digest) throws IOException {
    HttpResponse<InputStream> response =
        transport.send(RegistryTransport.Request.of("GET", blobUrl(digest)));
    errors.expect(response, 200, "downloading blob " + digest);
    byte[] content = BoundedBody.read(response, BoundedBody.SMALL_BLOB_LIMIT, "blob " + digest);
    if (!References.digest(digest).matches(content)) {
      throw mismatch(digest);
    }
    return content;
  }

  /**
   * Streams the blob to a temporary file beside {@code destination}, hashing as it goes, and
   * renames it into place only when it is exactly {@code size} bytes of {@code digest}. A registry
   * that sends more is cut off at size + 1 bytes, so it cannot fill the disk.
   */
  void download(String digest, long size, Path destination) throws IOException {
    try (BlobStream in = open(digest, size)) {
      AtomicFiles.write(
          destination,
          temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
              in.transferTo(out);
            }
            in.verify();
          });
    }
  }

  /**
   * The blob's body as a {@link BlobStream}: at most {@code size} bytes, hashed as they are read,
   * trusted only once {@link BlobStream#verify} returns. A Content-Length over {@code size} fails
   * before a byte is read.
   */
  BlobStream open(String digest, long size) throws IOException {
    Digest expected = References.digest(digest);
    if (size < 0) {
      throw new RegistryException(
          0, "blob " + digest + " has the size " + size + " in its descriptor; nothing to read");
    }
    HttpResponse<InputStream> response =
        transport.send(
            RegistryTransport.Request.of("GET", blobUrl(digest))
                .timeout(RegistryTransport.BLOB_TIMEOUT));
    errors.expect(response, 200, "downloading blob " + digest);
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > size) {
      BoundedBody.discard(response);
      throw ResponseTooLargeException.overDescriptor(response.uri(), digest, size);
    }
    return new BlobStream(
        response.body(), response.uri(), expected, size, registry + "/" + repository);
  }

  private URI blobUrl(String digest) throws IOException {
    return transport.url(repository, "blobs/" + References.digest(digest));
  }

  /** Resolved against the POST's URL (RFC 3986): it may be relative, or another origin. */
  private URI uploadLocation(HttpResponse<?> response) throws IOException {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new IOException(registry + " started an upload but sent no Location"));
    return Locations.resolve(response.uri(), location);
  }

  /** Retried like a lost connection: a proxy may have corrupted it on the way. */
  private IOException mismatch(String digest) {
    return new IOException(
        registry + "/" + repository + " returned content that does not hash to " + digest);
  }
}
