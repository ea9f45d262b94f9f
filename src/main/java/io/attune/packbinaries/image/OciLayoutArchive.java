package io.attune.packbinaries.image;

import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tar archives of OCI layouts: the multi-platform layout as one file ({@code skopeo copy --all
 * oci-archive:FILE:REF …}), and each platform's image as a file that both {@code docker load}
 * (through its {@code manifest.json}) and OCI tools accept. Entries in a fixed order, one time.
 */
public final class OciLayoutArchive {

  private OciLayoutArchive() {}

  /** Archives the layout directory as it is; returns the archive's sha256, taken as written. */
  public static String write(OciLayout layout, Path archive, Instant time) throws IOException {
    List<Path> blobs;
    try (Stream<Path> files = Files.list(layout.root().resolve("blobs").resolve("sha256"))) {
      blobs = files.filter(Files::isRegularFile).sorted().toList();
    }
    MessageDigest digest = Sha256.newDigest();
    AtomicFiles.write(
        archive,
        (Path temp) -> {
          try (OutputStream out = hashed(temp, digest);
              ReproducibleTar tar = new ReproducibleTar(out, time)) {
            tar.addFile(OciLayout.LAYOUT_FILE, layout.root().resolve(OciLayout.LAYOUT_FILE));
            tar.addFile(OciLayout.INDEX_FILE, layout.index());
            addBlobs(tar, blobs);
          }
        });
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * One platform's image: its blobs from {@code layout}, an {@code index.json} naming its manifest,
   * and docker load's {@code manifest.json} tagging it {@code repoTag}. Returns the archive's
   * sha256, taken as written.
   */
  public static String writePlatformImage(
      OciLayout layout,
      PlatformManifest image,
      String refName,
      String repoTag,
      Path archive,
      Instant time)
      throws IOException {
    List<Path> blobs =
        Stream.concat(Stream.of(image.manifest(), image.config()), image.layers().stream())
            .map(d -> layout.blob(d.digest()))
            .distinct()
            .sorted()
            .toList();
    MessageDigest digest = Sha256.newDigest();
    AtomicFiles.write(
        archive,
        (Path temp) -> {
          try (OutputStream out = hashed(temp, digest);
              ReproducibleTar tar = new ReproducibleTar(out, time)) {
            tar.addBytes(OciLayout.LAYOUT_FILE, OciLayout.layoutContent());
            tar.addBytes(
                OciLayout.INDEX_FILE,
                OciIndex.layoutIndex(image.manifest(), image.platform(), refName));
            tar.addBytes("manifest.json", OciIndex.dockerLoadManifest(image, List.of(repoTag)));
            addBlobs(tar, blobs);
          }
        });
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A stream to {@code file} that feeds {@code digest} what it writes (reset first: a retry). */
  private static OutputStream hashed(Path file, MessageDigest digest) throws IOException {
    digest.reset();
    return new DigestOutputStream(Files.newOutputStream(file), digest);
  }

  private static void addBlobs(ReproducibleTar tar, List<Path> blobs) throws IOException {
    tar.addDirectory("blobs/");
    tar.addDirectory("blobs/sha256/");
    for (Path blob : blobs) {
      tar.addFile("blobs/sha256/" + blob.getFileName(), blob);
    }
  }
}
