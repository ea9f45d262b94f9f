package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.TestEnvironment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A manifest or index that the plugin and a Go client could read as different documents is refused
 * when it is read, naming the URL: keys equal but for case, both manifests and layers, a spec field
 * spelled in another case, a Content-Type that disagrees with the document's mediaType. The first
 * three are stored in the real registry (distribution, written in Go, accepts them).
 */
class ManifestDocumentTest {

  private static final URI URL = URI.create("https://registry.example.com/v2/a/manifests/1.0");

  private static void check(String contentType, String json) throws MalformedDocumentException {
    ManifestDocument.check(
        URL, contentType, json.getBytes(StandardCharsets.UTF_8), "the manifest 1.0");
  }

  @Test
  void aPlainManifestPassesAndAmbiguousOnesAreRefusedNamingTheUrl() throws Exception {
    check(
        MediaTypes.OCI_MANIFEST,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"layers\":[],\"annotations\":{\"Size\":\"an annotation, a map key\"}}");
    check("", "{\"schemaVersion\":2,\"manifests\":[]}");
    assertThatThrownBy(() -> check(MediaTypes.OCI_MANIFEST, "{\"layers\":[],\"LAYERS\":[]}"))
        .isInstanceOf(MalformedDocumentException.class)
        .hasMessageStartingWith(URL + " served the manifest 1.0 that clients could read")
        .hasMessageContaining("'layers' and 'LAYERS'");
    assertThatThrownBy(() -> check(MediaTypes.OCI_INDEX, "{\"manifests\":[],\"layers\":[]}"))
        .hasMessageContaining("it has both manifests (an index's) and layers (a manifest's)");
    assertThatThrownBy(() -> check(MediaTypes.OCI_MANIFEST, "{\"Layers\":[{\"digest\":\"x\"}]}"))
        .hasMessageContaining("the key 'Layers', which Go's JSON decoder reads as layers");
    assertThatThrownBy(() -> check(MediaTypes.OCI_MANIFEST, "{\"layers\":[{\"DIGEST\":\"x\"}]}"))
        .hasMessageContaining("reads as digest");
    assertThatThrownBy(
            () ->
                check(
                    MediaTypes.OCI_MANIFEST,
                    "{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}"))
        .hasMessageContaining(
            "it says it is "
                + MediaTypes.OCI_INDEX
                + " but was served as "
                + MediaTypes.OCI_MANIFEST);
    assertThatThrownBy(() -> check(MediaTypes.OCI_MANIFEST, "[1]"))
        .hasMessageContaining("it is not a JSON object");
    assertThatThrownBy(() -> check(MediaTypes.OCI_MANIFEST, "not json"))
        .isInstanceOf(MalformedDocumentException.class);
  }

  @Test
  void aManifestWithTwoLayerListsInTheRealRegistryIsRefusedWhenRead() throws Exception {
    TestEnvironment.requireRegistry();
    String repository = Fixtures.freshRepository("case-keys");
    try (HttpRegistryClient client =
        new HttpRegistryClient(TestEnvironment.registry(), repository, null, false)) {
      String config = blob(client, "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
      String audited = blob(client, "the layer the audit would read");
      String pulled = blob(client, "the layer a Go client would pull!");
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":"
              + descriptor(MediaTypes.OCI_CONFIG, config, 37)
              + ",\"layers\":["
              + descriptor(MediaTypes.OCI_LAYER, audited, 30)
              + "],\"LAYERS\":["
              + descriptor(MediaTypes.OCI_LAYER, pulled, 33)
              + "]}";
      byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
      String digest = "sha256:" + Sha256.of(bytes);
      client.putManifest("1.0", MediaTypes.OCI_MANIFEST, bytes);

      assertThatThrownBy(() -> client.manifest("1.0"))
          .isInstanceOf(MalformedDocumentException.class)
          .hasMessageContaining(
              "http://" + TestEnvironment.registry() + "/v2/" + repository + "/manifests/1.0")
          .hasMessageContaining("'layers' and 'LAYERS'");
      assertThatThrownBy(() -> client.manifest(digest))
          .isInstanceOf(MalformedDocumentException.class);
      // Not retried: the same bytes come back every time.
      assertThat(Retry.isTransient(new MalformedDocumentException("x"))).isFalse();
    }
  }

  private static String blob(HttpRegistryClient client, String text) throws Exception {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    String digest = "sha256:" + Sha256.of(content);
    client.pushBlob(digest, content);
    return digest;
  }

  private static String descriptor(String mediaType, String digest, int size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }
}
