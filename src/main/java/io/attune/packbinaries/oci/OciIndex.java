package io.attune.packbinaries.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.platform.Platform;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON documents we write ourselves, byte for byte the same for the same input: the
 * multi-platform index (OCI image index or Docker manifest list), the layout's {@code index.json},
 * and Docker v2.2 manifests. Fields come in a fixed order, maps sorted, no spaces.
 */
public final class OciIndex {

  /** Each platform image's label per binary, its sha256: this prefix and the binary's name. */
  public static final String SHA256_LABEL_PREFIX = "io.attune.pack-binaries.sha256.";

  /** Annotation on each index entry naming the Rust target its binaries were built for. */
  public static final String TARGET_ANNOTATION = "io.attune.pack-binaries.target";

  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** The base image reference each platform's image was built from (OCI's standard annotation). */
  public static final String BASE_NAME = "org.opencontainers.image.base.name";

  /** The base's manifest digest for that platform; jib does not expose it, so we never write it. */
  public static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

  private OciIndex() {}

  /** One entry of an index: a manifest, its platform, and annotations (none when empty). */
  public record Entry(Descriptor manifest, Platform platform, Map<String, String> annotations) {

    public Entry {
      annotations = Map.copyOf(annotations);
    }
  }

  /** {@link #ofImages(ManifestFormat, List, Map, String)} without a base name. */
  public static byte[] ofImages(
      ManifestFormat format, List<PlatformManifest> images, Map<String, String> annotations) {
    return ofImages(format, images, annotations, null);
  }

  /**
   * The index of every platform's image, sorted by platform, each entry annotated with its target
   * and, when given, the base image reference it was built from (push mounts the base's layers from
   * there). Docker manifest lists carry no annotations, so they are left out in that format.
   */
  public static byte[] ofImages(
      ManifestFormat format,
      List<PlatformManifest> images,
      Map<String, String> annotations,
      String baseName) {
    List<Entry> entries =
        images.stream()
            .sorted(Comparator.comparing((PlatformManifest m) -> m.platform().toString()))
            .map(
                image ->
                    new Entry(
                        image.manifest(), image.platform(), entryAnnotations(image, baseName)))
            .toList();
    return index(format, entries, annotations);
  }

  private static Map<String, String> entryAnnotations(PlatformManifest image, String baseName) {
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(TARGET_ANNOTATION, image.target().name());
    if (baseName != null && !baseName.isBlank()) {
      annotations.put(BASE_NAME, baseName.trim());
    }
    return annotations;
  }

  /**
   * An index of {@code entries}, in the order given. In the Docker format, which has no
   * annotations, the entries' and the index's annotations are left out.
   */
  public static byte[] index(
      ManifestFormat format, List<Entry> entries, Map<String, String> annotations) {
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", format.indexMediaType());
    ArrayNode manifests = index.putArray("manifests");
    for (Entry entry : entries) {
      ObjectNode node = descriptor(manifests.addObject(), entry.manifest());
      platform(node.putObject("platform"), entry.platform());
      if (format == ManifestFormat.OCI && !entry.annotations().isEmpty()) {
        putSorted(node.putObject("annotations"), entry.annotations());
      }
    }
    if (format == ManifestFormat.OCI && !annotations.isEmpty()) {
      putSorted(index.putObject("annotations"), annotations);
    }
    return Json.compact(index);
  }

  /**
   * A layout's {@code index.json}: one entry, the descriptor of {@code target} (our index, or one
   * platform's manifest) named {@code refName}, so `skopeo copy oci:DIR:REF` finds it.
   */
  public static byte[] layoutIndex(Descriptor target, Platform platform, String refName) {
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", ManifestFormat.OCI.indexMediaType());
    ObjectNode entry = descriptor(index.putArray("manifests").addObject(), target);
    if (platform != null) {
      platform(entry.putObject("platform"), platform);
    }
    entry.putObject("annotations").put(REF_NAME, refName);
    return Json.compact(index);
  }

  /** A Docker image manifest, schema 2, in the field order jib writes it. */
  public static byte[] dockerManifest(Descriptor config, List<Descriptor> layers) {
    ObjectNode manifest = Json.object();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", ManifestFormat.DOCKER.manifestMediaType());
    descriptor(manifest.putObject("config"), config);
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(layer -> descriptor(layerArray.addObject(), layer));
    return Json.compact(manifest);
  }

  /** docker load's {@code manifest.json} for one image whose files are layout blobs. */
  public static byte[] dockerLoadManifest(PlatformManifest image, List<String> repoTags) {
    ArrayNode root = Json.array();
    ObjectNode entry = root.addObject();
    entry.put("Config", blobPath(image.config()));
    ArrayNode tags = entry.putArray("RepoTags");
    repoTags.forEach(tags::add);
    ArrayNode layers = entry.putArray("Layers");
    image.layers().forEach(layer -> layers.add(blobPath(layer)));
    return Json.compact(root);
  }

  static String blobPath(Descriptor descriptor) {
    return "blobs/sha256/" + descriptor.hex();
  }

  private static ObjectNode descriptor(ObjectNode node, Descriptor descriptor) {
    node.put("mediaType", descriptor.mediaType());
    node.put("digest", descriptor.digest());
    node.put("size", descriptor.size());
    return node;
  }

  private static void platform(ObjectNode node, Platform platform) {
    node.put("architecture", platform.architecture());
    node.put("os", platform.os());
    if (platform.variant() != null) {
      node.put("variant", platform.variant());
    }
  }

  private static void putSorted(ObjectNode node, Map<String, String> values) {
    new TreeMap<>(values).forEach(node::put);
  }
}
