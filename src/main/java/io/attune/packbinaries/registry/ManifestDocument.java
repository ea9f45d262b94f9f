package io.attune.packbinaries.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Shown;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a manifest or index a registry served before anything reads it, so the plugin and a Go
 * client (the registry itself, containerd, docker) cannot see two different documents in the same
 * bytes: {@link Json#parseStrict} (keys equal but for case refused), a JSON object, not both an
 * index ({@code manifests}) and a manifest ({@code layers}), no key that Go would read as one of
 * the spec's field names but that differs from it (e.g. {@code LAYERS} alone), and a {@code
 * Content-Type} that agrees with the document's own {@code mediaType}.
 */
final class ManifestDocument {

  /** The OCI image and distribution spec's field names of manifests, indexes and descriptors. */
  private static final Set<String> FIELDS =
      Set.of(
          "schemaVersion",
          "mediaType",
          "artifactType",
          "config",
          "layers",
          "manifests",
          "subject",
          "annotations",
          "digest",
          "size",
          "urls",
          "data",
          "platform",
          "architecture",
          "os",
          "os.version",
          "os.features",
          "variant",
          "features");

  private static final Map<String, String> FOLDED =
      FIELDS.stream().collect(Collectors.toUnmodifiableMap(Json::foldCase, name -> name));

  private ManifestDocument() {}

  /**
   * @param contentType the response's media type, without parameters ("" when none)
   * @param what what the document is, for the message ("the manifest 1.0")
   */
  static void check(URI url, String contentType, byte[] content, String what)
      throws MalformedDocumentException {
    JsonNode document;
    try {
      document = Json.parseStrict(content);
    } catch (IOException e) {
      throw refused(url, what, e.getMessage());
    }
    if (!document.isObject()) {
      throw refused(url, what, "it is not a JSON object");
    }
    if (document.has("manifests") && document.has("layers")) {
      throw refused(
          url,
          what,
          "it has both manifests (an index's) and layers (a manifest's), so clients disagree on"
              + " what it is");
    }
    fieldNames(document, url, what);
    JsonNode mediaType = document.get("mediaType");
    if (!contentType.isEmpty()
        && mediaType != null
        && mediaType.isTextual()
        && !mediaType.asText().equalsIgnoreCase(contentType)) {
      throw refused(
          url,
          what,
          "it says it is "
              + Shown.printable(mediaType.asText(), 100)
              + " but was served as "
              + Shown.printable(contentType, 100));
    }
  }

  /** No key, outside annotations (a map, matched exactly), that is a field name but for case. */
  private static void fieldNames(JsonNode node, URI url, String what)
      throws MalformedDocumentException {
    if (node.isArray()) {
      for (JsonNode element : node) {
        fieldNames(element, url, what);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      String spec = FOLDED.get(Json.foldCase(name));
      if (spec != null && !spec.equals(name)) {
        throw refused(
            url,
            what,
            "it has the key '"
                + Shown.printable(name, 80)
                + "', which Go's JSON decoder reads as "
                + spec
                + " and this plugin would not");
      }
      if (!name.equals("annotations")) {
        fieldNames(field.getValue(), url, what);
      }
    }
  }

  private static MalformedDocumentException refused(URI url, String what, String why) {
    return new MalformedDocumentException(
        url
            + " served "
            + what
            + " that clients could read in different ways: "
            + why
            + ". Refusing it; push it again with a standard tool");
  }
}
