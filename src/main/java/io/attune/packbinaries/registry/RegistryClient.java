package io.attune.packbinaries.registry;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The few registry operations a push needs, on one repository. Manifests go up and come down as raw
 * bytes: their digests are the digests of exactly these bytes.
 */
public interface RegistryClient extends AutoCloseable {

  /** A manifest as the registry stores it. */
  record Manifest(String mediaType, byte[] content, String digest) {}

  boolean hasBlob(String digest) throws IOException;

  /** Uploads {@code content} (whose digest is {@code digest}) in one request. */
  void pushBlob(String digest, Path content) throws IOException;

  void pushBlob(String digest, byte[] content) throws IOException;

  /** Asks the registry to link a blob of another repository; false when it would not. */
  boolean mountBlob(String digest, String fromRepository) throws IOException;

  /**
   * Asks the registry to link a blob of another repository and, when it opens an ordinary upload
   * instead (or refuses the mount), uploads {@code content} then: one request fewer than a mount
   * that failed followed by an upload. True when mounted.
   */
  boolean mountOrPushBlob(String digest, String fromRepository, Path content) throws IOException;

  byte[] blob(String digest) throws IOException;

  /**
   * Writes the blob to {@code destination} (temporary file, then rename) once it is exactly {@code
   * size} bytes with {@code digest}; more bytes than {@code size} stop the download at once.
   *
   * @param size the size its descriptor declares
   */
  void downloadBlob(String digest, long size, Path destination) throws IOException;

  /**
   * The blob's body as it arrives, for a reader that consumes it once without a copy on disk: at
   * most {@code size} bytes (one more fails at once), hashed on the way. What was read is the blob
   * only once {@link BlobStream#verify} has returned; close it in any case.
   *
   * @param size the size its descriptor declares
   */
  BlobStream openBlob(String digest, long size) throws IOException;

  boolean hasManifest(String digest) throws IOException;

  /**
   * The digest of what {@code reference} (a tag or a digest) names now, from a HEAD request; empty
   * when the registry has no such manifest.
   */
  java.util.Optional<String> manifestDigest(String reference) throws IOException;

  /** Puts a manifest under a digest or a tag. */
  void putManifest(String reference, String mediaType, byte[] content) throws IOException;

  Manifest manifest(String reference) throws IOException;

  /**
   * The referrers API's index of the manifests whose {@code subject} is {@code digest} (OCI
   * distribution 1.1); empty when the registry has no referrers API, so the caller uses the tag
   * schema ({@code sha256-<hex>}) instead.
   */
  java.util.Optional<byte[]> referrers(String digest) throws IOException;

  /**
   * Decides now how to reach the registry (HTTPS, or plain HTTP for a loopback or insecure registry
   * that answers so), which otherwise the first request decides, so that the decision can run
   * beside other work. Best effort: whatever goes wrong is left for the first request to meet and
   * report.
   */
  default void prepare() {}

  /** Ends the client's connections and threads; it makes no more requests. */
  @Override
  void close();
}
