package io.attune.packbinaries.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.io.PlainPaths;
import io.attune.packbinaries.oci.LayoutReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the last successful image build produced, and from what: {@code .image-state.json} beside
 * the image directory. Written only after a build succeeded, so it never describes files that are
 * not there.
 *
 * @param fingerprint the {@link ImageFingerprint} of the build's inputs
 * @param baseDigest the digest the base image's reference had when the images were built from it
 * @param index the digest of the layout's image index
 * @param files each archive's path relative to the image directory, with its sha256
 */
record ImageState(String fingerprint, String baseDigest, String index, Map<String, String> files) {

  /**
   * The state of what {@code result} wrote under {@code imageDirectory}: its archives' digests as
   * they were written, which {@code digests} takes on, so no archive is read again.
   */
  static ImageState of(
      String fingerprint,
      String baseDigest,
      InitImageResult result,
      Path imageDirectory,
      FileDigests digests)
      throws IOException {
    Map<String, String> files = new TreeMap<>();
    List<Path> archives = new ArrayList<>(result.platformTarballs().values());
    archives.add(result.layoutArchive());
    for (Path file : archives) {
      String digest = result.archiveDigests().get(file.getFileName().toString());
      digests.wrote(file, digest);
      files.put(imageDirectory.relativize(file).toString(), digest);
    }
    return new ImageState(fingerprint, baseDigest, result.index().digest(), files);
  }

  static Optional<ImageState> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonFields root =
          JsonFields.of(JsonFiles.read(file)).only("fingerprint", "baseDigest", "index", "files");
      Map<String, String> files = root.textMap("files");
      if (files != null && !files.keySet().stream().allMatch(PlainPaths::isInside)) {
        return Optional.empty();
      }
      return Optional.of(
          new ImageState(
              root.text("fingerprint"), root.text("baseDigest"), root.text("index"), files));
    } catch (IOException unreadable) {
      // A state we cannot read only costs a rebuild.
      return Optional.empty();
    }
  }

  void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("fingerprint", fingerprint);
    root.put("baseDigest", baseDigest);
    root.put("index", index);
    JsonFiles.putTexts(root, "files", files);
    JsonFiles.write(file, root);
  }

  /** Whether this state was made from inputs with {@code currentFingerprint}. */
  boolean hasFingerprint(String currentFingerprint) {
    return currentFingerprint.equals(fingerprint);
  }

  /** Whether this state was made from the base image's {@code currentBaseDigest}. */
  boolean hasBaseDigest(String currentBaseDigest) {
    return currentBaseDigest.equals(baseDigest);
  }

  /**
   * Whether everything this state says was written is still there, unchanged: the layout (every
   * blob checked against its digest) and each archive.
   */
  boolean filesIntact(Path imageDirectory, FileDigests digests) throws IOException {
    if (files == null || files.isEmpty()) {
      return false;
    }
    try {
      LayoutReader.Layout layout =
          new LayoutReader(digests).read(imageDirectory.resolve(InitImage.LAYOUT_DIRECTORY));
      if (!layout.index().digest().equals(index)) {
        return false;
      }
    } catch (PackFailure | IOException | RuntimeException damaged) {
      return false;
    }
    // Compared normalized on both sides: a directory given as packs/../target is still itself.
    Path root = imageDirectory.toAbsolutePath().normalize();
    for (Map.Entry<String, String> entry : files.entrySet()) {
      Path file = root.resolve(entry.getKey()).normalize();
      if (!file.startsWith(root)
          || !Files.isRegularFile(file)
          || !digests.sha256(file).equals(entry.getValue())) {
        return false;
      }
    }
    return true;
  }
}
