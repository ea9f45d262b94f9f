package io.attune.packbinaries.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the OCI image layout the image goal writes: {@code index.json} with one descriptor of our
 * index (an OCI image index, or a Docker manifest list in the docker format), which lists one
 * manifest per platform, each naming its config and layers. Every blob is checked against its
 * digest, so a push never publishes a damaged layout.
 */
public final class LayoutReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One platform's image: its manifest (exact bytes) and the blobs it names, the config first, then
   * the layers in order.
   *
   * @param baseName the base image reference the index records for it, or null
   */
  public record Image(
      Platform platform,
      Descriptor manifest,
      byte[] manifestBytes,
      List<Descriptor> blobs,
      String baseName) {

    public Descriptor config() {
      return blobs.get(0);
    }

    /** The layers, base layers first: jib stacks ours on top of the base image's. */
    public List<Descriptor> layers() {
      return blobs.subList(1, blobs.size());
    }
  }

  /** The whole layout: the index (exact bytes) and its images. */
  public record Layout(Path directory, Descriptor index, byte[] indexBytes, List<Image> images) {

    public Path blob(String digest) {
      return OciLayout.blobPath(directory, digest);
    }
  }

  public Layout read(Path directory) throws PackFailure, IOException {
    Path indexJson = directory.resolve(OciLayout.INDEX_FILE);
    if (!Files.isRegularFile(indexJson)) {
      throw new PackFailure(
          "No OCI image layout at "
              + directory
              + " (no index.json); run the image goal first:"
              + " mvn package (or mvn pack-binaries:image), then push");
    }
    JsonNode top = JSON.readTree(indexJson.toFile()).path("manifests");
    if (top.size() != 1 || !MediaTypes.INDEXES.contains(top.get(0).path("mediaType").asText())) {
      throw new PackFailure(
          indexJson
              + " must hold exactly one descriptor of an image index ("
              + MediaTypes.OCI_INDEX
              + " or "
              + MediaTypes.DOCKER_LIST
              + "), found "
              + top.size()
              + " descriptor(s); rebuild it with the image goal");
    }
    Descriptor indexDescriptor = descriptor(top.get(0));
    byte[] indexBytes = readBlob(directory, indexDescriptor);
    List<Image> images = new ArrayList<>();
    for (JsonNode entry : JSON.readTree(indexBytes).path("manifests")) {
      Descriptor manifest = descriptor(entry);
      JsonNode platform = entry.path("platform");
      if (!platform.hasNonNull("os") || !platform.hasNonNull("architecture")) {
        throw new PackFailure(
            "Manifest " + manifest.digest() + " in " + directory + " has no platform in the index");
      }
      Platform p =
          new Platform(
              platform.get("os").asText(),
              platform.get("architecture").asText(),
              platform.path("variant").asText(null));
      byte[] manifestBytes = readBlob(directory, manifest);
      JsonNode parsed = JSON.readTree(manifestBytes);
      List<Descriptor> blobs = new ArrayList<>();
      blobs.add(descriptor(parsed.path("config")));
      for (JsonNode layer : parsed.path("layers")) {
        blobs.add(descriptor(layer));
      }
      for (Descriptor blob : blobs) {
        checkBlob(directory, blob);
      }
      String baseName = entry.path("annotations").path(OciIndex.BASE_NAME).asText(null);
      images.add(new Image(p, manifest, manifestBytes, List.copyOf(blobs), baseName));
    }
    if (images.isEmpty()) {
      throw new PackFailure(
          "The image index in " + directory + " lists no image; rebuild it with the image goal");
    }
    return new Layout(directory, indexDescriptor, indexBytes, List.copyOf(images));
  }

  private static Descriptor descriptor(JsonNode node) throws PackFailure {
    String digest = node.path("digest").asText("");
    if (!digest.matches("sha256:[a-f0-9]{64}")) {
      throw new PackFailure("Descriptor without a sha256 digest in the image layout: " + node);
    }
    return new Descriptor(node.path("mediaType").asText(), digest, node.path("size").asLong(-1));
  }

  private static byte[] readBlob(Path directory, Descriptor descriptor)
      throws PackFailure, IOException {
    Path path = checkedPath(directory, descriptor);
    byte[] content = Files.readAllBytes(path);
    if (!("sha256:" + Sha256.of(content)).equals(descriptor.digest())) {
      throw damaged(path, descriptor);
    }
    return content;
  }

  private static void checkBlob(Path directory, Descriptor descriptor)
      throws PackFailure, IOException {
    Path path = checkedPath(directory, descriptor);
    if (!("sha256:" + Sha256.of(path)).equals(descriptor.digest())) {
      throw damaged(path, descriptor);
    }
  }

  private static Path checkedPath(Path directory, Descriptor descriptor)
      throws PackFailure, IOException {
    Path path = OciLayout.blobPath(directory, descriptor.digest());
    if (!Files.isRegularFile(path)) {
      throw new PackFailure(
          "The image layout "
              + directory
              + " lacks blob "
              + descriptor.digest()
              + "; rebuild it with the image goal");
    }
    if (descriptor.size() >= 0 && Files.size(path) != descriptor.size()) {
      throw damaged(path, descriptor);
    }
    return path;
  }

  private static PackFailure damaged(Path path, Descriptor descriptor) {
    return new PackFailure(
        path
            + " does not match its descriptor "
            + descriptor.digest()
            + " ("
            + descriptor.size()
            + " bytes); rebuild the layout with the image goal");
  }
}
