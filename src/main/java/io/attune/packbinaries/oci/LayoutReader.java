package io.attune.packbinaries.oci;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the OCI image layout the image goal writes: {@code index.json} with one descriptor of our
 * index (an OCI image index, or a Docker manifest list in the docker format), which lists one
 * manifest per platform, each naming its config and layers. The index and manifests are checked
 * against their digests, and every blob is too, unless the reader is made {@link
 * #hashingBlobsWhenSent}: then a blob must be there at its size, and {@link Layout#checkedBlob}
 * hashes it before it is sent, so a push never publishes a damaged layout and a push with nothing
 * to send reads no blob.
 */
public final class LayoutReader {

  /** Registries refuse manifests over 4 MiB; ours are a few KB. */
  static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

  private static final String REBUILD = "rebuild the layout with the image goal (mvn package)";

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
  public record Layout(
      Path directory,
      Descriptor index,
      byte[] indexBytes,
      List<Image> images,
      FileDigests digests) {

    public Path blob(String digest) {
      return OciLayout.blobPath(directory, digest);
    }

    /** The blob's file, once its content hashes to its digest. */
    public Path checkedBlob(Descriptor blob) throws PackFailure, IOException {
      Path path = blob(blob.digest());
      checkBlob(path, blob, digests);
      return path;
    }
  }

  private final boolean hashBlobs;
  private final FileDigests digests;

  /** Checks every blob against its digest while reading, remembering nothing past this reader. */
  public LayoutReader() {
    this(true, FileDigests.inMemory());
  }

  /** Checks every blob against its digest while reading; {@code digests} spares unchanged ones. */
  public LayoutReader(FileDigests digests) {
    this(true, digests);
  }

  private LayoutReader(boolean hashBlobs, FileDigests digests) {
    this.hashBlobs = hashBlobs;
    this.digests = digests;
  }

  /** Checks blobs' presence and sizes only; {@link Layout#checkedBlob} hashes one when sent. */
  public static LayoutReader hashingBlobsWhenSent(FileDigests digests) {
    return new LayoutReader(false, digests);
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
    JsonNode top =
        array(object(parse(indexJson, readLimited(indexJson)), indexJson), "manifests", indexJson);
    if (top.size() != 1 || !MediaTypes.INDEXES.contains(top.get(0).path("mediaType").asText())) {
      throw new PackFailure(
          indexJson
              + " must hold exactly one descriptor of an image index ("
              + MediaTypes.OCI_INDEX
              + " or "
              + MediaTypes.DOCKER_LIST
              + "), found "
              + top.size()
              + " descriptor(s); "
              + REBUILD);
    }
    Descriptor indexDescriptor = descriptor(top.get(0), indexJson);
    Path indexBlob = blobFile(directory, indexDescriptor, indexJson);
    byte[] indexBytes = readJsonBlob(indexBlob, indexDescriptor);
    List<Image> images = new ArrayList<>();
    for (JsonNode entry :
        array(object(parse(indexBlob, indexBytes), indexBlob), "manifests", indexBlob)) {
      images.add(image(directory, entry, indexBlob));
    }
    if (images.isEmpty()) {
      throw new PackFailure(indexBlob + ", the image index, lists no image; " + REBUILD);
    }
    return new Layout(directory, indexDescriptor, indexBytes, List.copyOf(images), digests);
  }

  private Image image(Path directory, JsonNode entry, Path indexBlob)
      throws PackFailure, IOException {
    Descriptor manifest = descriptor(entry, indexBlob);
    JsonNode platform = entry.path("platform");
    String os = text(platform, "os");
    String architecture = text(platform, "architecture");
    if (os == null || architecture == null || os.isEmpty() || architecture.isEmpty()) {
      throw new PackFailure(
          indexBlob + ": manifest " + manifest.digest() + " has no platform; " + REBUILD);
    }
    Platform p = new Platform(os, architecture, optionalText(platform, "variant", indexBlob));
    String baseName = optionalText(entry.path("annotations"), OciIndex.BASE_NAME, indexBlob);
    Path manifestBlob = blobFile(directory, manifest, indexBlob);
    byte[] manifestBytes = readJsonBlob(manifestBlob, manifest);
    JsonNode parsed = object(parse(manifestBlob, manifestBytes), manifestBlob);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(descriptor(object(parsed.path("config"), manifestBlob, "config"), manifestBlob));
    for (JsonNode layer : array(parsed, "layers", manifestBlob)) {
      blobs.add(descriptor(layer, manifestBlob));
    }
    for (Descriptor blob : blobs) {
      Path file = blobFile(directory, blob, manifestBlob);
      if (hashBlobs) {
        checkBlob(file, blob, digests);
      }
    }
    return new Image(p, manifest, manifestBytes, List.copyOf(blobs), baseName);
  }

  private static JsonNode parse(Path file, byte[] content) throws PackFailure, IOException {
    try {
      return Json.parse(content);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new PackFailure(
          file
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ": "
              + e.getOriginalMessage()
              + "; "
              + REBUILD);
    }
  }

  private static byte[] readLimited(Path file) throws PackFailure, IOException {
    if (Files.size(file) > MAX_JSON_BYTES) {
      throw new PackFailure(
          file
              + " is larger than "
              + MAX_JSON_BYTES
              + " bytes, too large for an index; "
              + REBUILD);
    }
    return Files.readAllBytes(file);
  }

  private static JsonNode object(JsonNode node, Path file) throws PackFailure {
    return object(node, file, "the document");
  }

  private static JsonNode object(JsonNode node, Path file, String what) throws PackFailure {
    if (!node.isObject()) {
      throw new PackFailure(file + ": " + what + " is not a JSON object; " + REBUILD);
    }
    return node;
  }

  private static JsonNode array(JsonNode object, String field, Path file) throws PackFailure {
    JsonNode value = object.path(field);
    if (!value.isArray()) {
      throw new PackFailure(file + ": \"" + field + "\" is not a JSON array; " + REBUILD);
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static String optionalText(JsonNode node, String field, Path file) throws PackFailure {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new PackFailure(file + ": \"" + field + "\" is not a string; " + REBUILD);
    }
    return value.asText();
  }

  /** A descriptor with a valid digest and a size: the digest becomes a path, the size a bound. */
  private static Descriptor descriptor(JsonNode node, Path file) throws PackFailure {
    if (!node.isObject()) {
      throw new PackFailure(file + ": a descriptor is not a JSON object; " + REBUILD);
    }
    String mediaType = text(node, "mediaType");
    if (mediaType == null || mediaType.isEmpty()) {
      throw new PackFailure(file + ": a descriptor has no mediaType; " + REBUILD);
    }
    String digest = Digest.parse(text(node, "digest"), file.toString(), REBUILD).toString();
    JsonNode size = node.path("size");
    if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new PackFailure(
          file + ": descriptor " + digest + " has no size (a non-negative integer); " + REBUILD);
    }
    return new Descriptor(mediaType, digest, size.asLong());
  }

  /** The blob's file: a regular file (not a link) of exactly the size its descriptor says. */
  private static Path blobFile(Path directory, Descriptor descriptor, Path namedIn)
      throws PackFailure, IOException {
    Path path = OciLayout.blobPath(directory, descriptor.digest());
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new PackFailure(
          "The image layout "
              + directory
              + " lacks blob "
              + descriptor.digest()
              + " (named in "
              + namedIn
              + "); "
              + REBUILD);
    }
    if (Files.size(path) != descriptor.size()) {
      throw damaged(path, descriptor);
    }
    return path;
  }

  private static byte[] readJsonBlob(Path path, Descriptor descriptor)
      throws PackFailure, IOException {
    if (descriptor.size() > MAX_JSON_BYTES) {
      throw new PackFailure(
          path
              + " is larger than "
              + MAX_JSON_BYTES
              + " bytes, too large for a manifest or index; "
              + REBUILD);
    }
    byte[] content = Files.readAllBytes(path);
    if (!Digest.parseTrusted(descriptor.digest()).matches(content)) {
      throw damaged(path, descriptor);
    }
    return content;
  }

  private static void checkBlob(Path path, Descriptor descriptor, FileDigests digests)
      throws PackFailure, IOException {
    if (!Digest.parseTrusted(descriptor.digest()).matches(path, digests)) {
      throw damaged(path, descriptor);
    }
  }

  private static PackFailure damaged(Path path, Descriptor descriptor) {
    return new PackFailure(
        path
            + " does not match its descriptor "
            + descriptor.digest()
            + " ("
            + descriptor.size()
            + " bytes); "
            + REBUILD);
  }
}
