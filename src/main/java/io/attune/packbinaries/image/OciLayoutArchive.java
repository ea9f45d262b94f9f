package io.attune.packbinaries.image;

import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tar archives of OCI layouts: the multi-platform layout as one file ({@code skopeo copy --all
 * oci-archive:FILE:REF …}), and each platform's image as a file that both {@code docker load}
 * (through its {@code manifest.json}) and OCI tools accept. Entries in a fixed order, one time.
 */
public final class OciLayoutArchive {

  private OciLayoutArchive() {}

  /** Archives the layout directory as it is. */
  public static void write(OciLayout layout, Path archive, Instant time) throws IOException {
    List<Path> blobs;
    try (Stream<Path> files = Files.list(layout.root().resolve("blobs").resolve("sha256"))) {
      blobs = files.filter(Files::isRegularFile).sorted().toList();
    }
    AtomicFiles.write(
        archive,
        (Path temp) -> {
          try (OutputStream out = Files.newOutputStream(temp);
              ReproducibleTar tar = new ReproducibleTar(out, time)) {
            tar.addFile(OciLayout.LAYOUT_FILE, layout.root().resolve(OciLayout.LAYOUT_FILE));
            tar.addFile(OciLayout.INDEX_FILE, layout.index());
            addBlobs(tar, blobs);
          }
        });
  }

  /**
   * One platform's image: its blobs from {@code layout}, an {@code index.json} naming its manifest,
   * and docker load's {@code manifest.json} tagging it {@code repoTag}.
   */
  public static void writePlatformImage(
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
    AtomicFiles.write(
        archive,
        (Path temp) -> {
          try (OutputStream out = Files.newOutputStream(temp);
              ReproducibleTar tar = new ReproducibleTar(out, time)) {
            tar.addBytes(OciLayout.LAYOUT_FILE, OciLayout.layoutContent());
            tar.addBytes(
                OciLayout.INDEX_FILE,
                OciIndex.layoutIndex(image.manifest(), image.platform(), refName));
            tar.addBytes("manifest.json", OciIndex.dockerLoadManifest(image, List.of(repoTag)));
            addBlobs(tar, blobs);
          }
        });
  }

  private static void addBlobs(ReproducibleTar tar, List<Path> blobs) throws IOException {
    tar.addDirectory("blobs/");
    tar.addDirectory("blobs/sha256/");
    for (Path blob : blobs) {
      tar.addFile("blobs/sha256/" + blob.getFileName(), blob);
    }
  }
}
