package io.attune.packbinaries.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the JSON documents of a published image (index or manifest list, image manifest, image
 * config) as untrusted input: every field the audit relies on is checked, and anything else is a
 * {@link PackFailure} that names the document.
 */
final class ImageDocuments {

  private ImageDocuments() {}

  /** One entry of an index; {@code platform} is null when the entry names none. */
  record IndexEntry(Descriptor manifest, Platform platform) {}

  record ImageManifest(Descriptor config, List<Descriptor> layers) {}

  /** The platform an image's config claims, and its labels. */
  record ImageConfig(Platform platform, Map<String, String> labels) {}

  /** Whether the document is an index, by the registry's media type or, failing that, its own. */
  static boolean isIndex(String contentType, byte[] document, String where) throws PackFailure {
    String type = mediaType(contentType, document, where);
    if (MediaTypes.INDEXES.contains(type)) {
      return true;
    }
    if (MediaTypes.IMAGES.contains(type)) {
      return false;
    }
    throw new PackFailure(
        where
            + " is neither an image index nor an image manifest (media type '"
            + type
            + "'); audit an image pushed by `docker push`, skopeo or the push goal.");
  }

  private static String mediaType(String contentType, byte[] document, String where)
      throws PackFailure {
    if (contentType != null
        && (MediaTypes.INDEXES.contains(contentType) || MediaTypes.IMAGES.contains(contentType))) {
      return contentType;
    }
    String own = parse(document, where).path("mediaType").asText("");
    return own.isEmpty() ? String.valueOf(contentType) : own;
  }

  static List<IndexEntry> index(byte[] document, String where, AuditLimits limits)
      throws PackFailure {
    JsonNode manifests = parse(document, where).path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw new PackFailure(where + " lists no manifests; push the image again.");
    }
    if (manifests.size() > limits.maxPlatforms()) {
      throw new PackFailure(
          where
              + " lists "
              + manifests.size()
              + " manifests, more than the audit reads ("
              + limits.maxPlatforms()
              + ").");
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      JsonNode entry = manifests.get(i);
      String what = where + ", manifest " + (i + 1);
      Descriptor descriptor = descriptor(entry, what);
      JsonNode platform = entry.path("platform");
      entries.add(
          new IndexEntry(descriptor, platform.isObject() ? platform(platform, what) : null));
    }
    return entries;
  }

  static ImageManifest manifest(byte[] document, String where, AuditLimits limits)
      throws PackFailure {
    JsonNode root = parse(document, where);
    Descriptor config = descriptor(root.path("config"), where + ", config");
    JsonNode layers = root.path("layers");
    if (!layers.isArray()) {
      throw new PackFailure(where + " has no list of layers; push the image again.");
    }
    if (layers.size() > limits.maxLayers()) {
      throw new PackFailure(
          where
              + " has "
              + layers.size()
              + " layers, more than the audit reads ("
              + limits.maxLayers()
              + ").");
    }
    List<Descriptor> descriptors = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      descriptors.add(descriptor(layers.get(i), where + ", layer " + (i + 1)));
    }
    return new ImageManifest(config, descriptors);
  }

  static ImageConfig config(byte[] document, String where) throws PackFailure {
    JsonNode root = parse(document, where);
    Map<String, String> labels = new TreeMap<>();
    root.path("config")
        .path("Labels")
        .fields()
        .forEachRemaining(field -> labels.put(field.getKey(), field.getValue().asText()));
    Platform platform = root.hasNonNull("architecture") ? platform(root, where) : null;
    return new ImageConfig(platform, labels);
  }

  private static Descriptor descriptor(JsonNode node, String where) throws PackFailure {
    // Checked before a digest becomes part of a URL or a message.
    String digest = node.path("digest").asText("");
    String problem = Digest.problem(digest);
    if (problem != null) {
      throw new PackFailure(
          where + " has an invalid digest: " + problem + "; push the image again.");
    }
    JsonNode size = node.path("size");
    if (!size.canConvertToLong() || size.asLong() < 0) {
      throw new PackFailure(where + " has no valid size; push the image again.");
    }
    return new Descriptor(node.path("mediaType").asText(""), digest, size.asLong());
  }

  private static Platform platform(JsonNode node, String where) throws PackFailure {
    String os = node.path("os").asText("");
    String architecture = node.path("architecture").asText("");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw new PackFailure(where + " names a platform without os or architecture.");
    }
    return new Platform(os, architecture, node.path("variant").asText(""));
  }

  private static JsonNode parse(byte[] document, String where) throws PackFailure {
    try {
      JsonNode root = Json.parse(document);
      if (root == null || !root.isObject()) {
        throw new PackFailure(where + " is not a JSON object; push the image again.");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new PackFailure(
          where + " is not valid JSON (" + e.getOriginalMessage() + "); push the image again.", e);
    } catch (java.io.IOException e) {
      throw new PackFailure(where + " could not be read: " + e.getMessage(), e);
    }
  }
}
