package io.attune.packbinaries.oci;

import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An OCI image layout directory: {@code oci-layout}, {@code index.json} and content-addressed
 * {@code blobs/sha256/<hex>}. Every blob is named by the digest of the bytes written.
 */
public final class OciLayout {

  public static final String LAYOUT_FILE = "oci-layout";
  public static final String INDEX_FILE = "index.json";
  private static final String LAYOUT_TEXT = "{\"imageLayoutVersion\":\"1.0.0\"}";

  /** The {@code oci-layout} file's bytes: a new array each time, as arrays can be written to. */
  public static byte[] layoutContent() {
    return LAYOUT_TEXT.getBytes(StandardCharsets.UTF_8);
  }

  private final Path root;

  private OciLayout(Path root) {
    this.root = root;
  }

  /** An empty layout at {@code directory}, replacing whatever was there. */
  public static OciLayout createEmpty(Path directory) throws IOException {
    Directories.deleteRecursively(directory);
    Files.createDirectories(directory.resolve("blobs").resolve("sha256"));
    AtomicFiles.write(directory.resolve(LAYOUT_FILE), layoutContent());
    return new OciLayout(directory);
  }

  /** An existing layout, to add to; {@link LayoutReader} reads and checks one. */
  public static OciLayout open(Path directory) {
    return new OciLayout(directory);
  }

  public Path root() {
    return root;
  }

  public Path blob(String digest) {
    return blobPath(root, digest);
  }

  /**
   * Where the blob {@code <algorithm>:<hex>} lives in the layout at {@code root}. The digest must
   * already be valid (readers check it with {@link Digest#parse}); anything else is refused here
   * too, so no digest ever becomes a path outside {@code blobs/}.
   */
  public static Path blobPath(Path root, String digest) {
    return Digest.parseTrusted(digest).blobPath(root);
  }

  public Path index() {
    return root.resolve(INDEX_FILE);
  }

  public Descriptor addBlob(String mediaType, byte[] content) throws IOException {
    String digest = "sha256:" + Sha256.of(content);
    AtomicFiles.write(blob(digest), content);
    return new Descriptor(mediaType, digest, content.length);
  }

  /** Streams {@code content} into a blob, naming it by the digest of what was read. */
  public Descriptor addBlob(String mediaType, InputStream content) throws IOException {
    Path blobs = root.resolve("blobs").resolve("sha256");
    Path temp = Files.createTempFile(blobs, ".incoming.", ".partial");
    try {
      MessageDigest digest = Sha256.newDigest();
      long size;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        size = content.transferTo(out);
      }
      String name = "sha256:" + HexFormat.of().formatHex(digest.digest());
      Files.move(temp, blob(name), StandardCopyOption.REPLACE_EXISTING);
      return new Descriptor(mediaType, name, size);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  public void writeIndex(byte[] indexJson) throws IOException {
    AtomicFiles.write(index(), indexJson);
  }
}
