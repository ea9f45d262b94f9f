package io.attune.packbinaries.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed layout the reader can meet ends in one PackFailure that names the file at fault
 * and says to rebuild; never an unchecked exception, never a file outside the layout.
 */
class LayoutReaderTest {

  @TempDir Path temp;
  private Path root;
  private OciLayout layout;

  @BeforeEach
  void createLayout() throws Exception {
    root = temp.resolve("layout");
    layout = OciLayout.createEmpty(root);
  }

  private Descriptor blob(String mediaType, String content) throws Exception {
    return layout.addBlob(mediaType, content.getBytes(StandardCharsets.UTF_8));
  }

  private static String descriptor(Descriptor d) {
    return descriptor(d.mediaType(), d.digest(), d.size());
  }

  private static String descriptor(String mediaType, String digest, Object size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }

  /** A manifest with one layer, its config and layer blobs written. */
  private Descriptor manifest() throws Exception {
    Descriptor config = blob(MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\"}");
    Descriptor layer = blob(MediaTypes.OCI_LAYER, "layer bytes");
    return manifestOf(
        "\"config\":" + descriptor(config) + ",\"layers\":[" + descriptor(layer) + "]");
  }

  private Descriptor manifestOf(String fields) throws Exception {
    return blob(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2," + fields + "}");
  }

  private static String entry(Descriptor manifest, String extra) {
    String d = descriptor(manifest);
    return d.substring(0, d.length() - 1) + extra + "}";
  }

  private static final String AMD64 = ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}";

  /** Our index of the given entries, and index.json pointing at it. */
  private Path indexOf(String... entries) throws Exception {
    Descriptor index =
        blob(
            MediaTypes.OCI_INDEX,
            "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", entries) + "]}");
    indexJson("{\"schemaVersion\":2,\"manifests\":[" + descriptor(index) + "]}");
    return OciLayout.blobPath(root, index.digest());
  }

  private Path indexJson(String content) throws Exception {
    return Files.writeString(root.resolve("index.json"), content);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path namedFile) {
    return assertThatThrownBy(() -> new LayoutReader().read(root))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(namedFile.toString())
        .hasMessageContaining("rebuild");
  }

  @Test
  void aWellFormedLayoutIsRead() throws Exception {
    Descriptor manifest = manifest();
    indexOf(
        entry(
            manifest,
            ",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"},"
                + "\"annotations\":{\"org.opencontainers.image.base.name\":\"r/busybox:1\"}"));

    LayoutReader.Layout read = new LayoutReader().read(root);

    assertThat(read.images()).hasSize(1);
    LayoutReader.Image image = read.images().get(0);
    assertThat(image.platform()).hasToString("linux/arm/v7");
    assertThat(image.baseName()).isEqualTo("r/busybox:1");
    assertThat(image.manifest()).isEqualTo(manifest);
    assertThat(image.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
    assertThat(image.layers()).extracting(Descriptor::size).containsExactly(11L);
  }

  @Test
  void noIndexJsonSaysToRunTheImageGoal() {
    assertThatThrownBy(() -> new LayoutReader().read(temp.resolve("absent")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("(no index.json); run the image goal first");
  }

  @Test
  void manifestsAsAnObjectInsteadOfAnArray() throws Exception {
    Path file = indexJson("{\"manifests\":{\"digest\":\"sha256:x\"}}");
    assertRefused(file).hasMessageContaining("\"manifests\" is not a JSON array");
  }

  @Test
  void anEmptyManifestsList() throws Exception {
    Path file = indexJson("{\"manifests\":[]}");
    assertRefused(file).hasMessageContaining("found 0 descriptor(s)");
  }

  @Test
  void twoDescriptorsInIndexJson() throws Exception {
    String one = descriptor(MediaTypes.OCI_INDEX, "sha256:" + "a".repeat(64), 1);
    Path file = indexJson("{\"manifests\":[" + one + "," + one + "]}");
    assertRefused(file).hasMessageContaining("found 2 descriptor(s)");
  }

  @Test
  void aDescriptorOfSomethingOtherThanAnIndex() throws Exception {
    Path file =
        indexJson(
            "{\"manifests\":["
                + descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 1)
                + "]}");
    assertRefused(file).hasMessageContaining("exactly one descriptor of an image index");
  }

  @Test
  void aDigestWithoutAColon() throws Exception {
    Path file =
        indexJson("{\"manifests\":[" + descriptor(MediaTypes.OCI_INDEX, "nocolon", 1) + "]}");
    assertRefused(file).hasMessageContaining("'nocolon' is not algorithm:encoded");
  }

  @Test
  void aDigestThatClimbsOutOfTheLayoutIsNeverOpened() throws Exception {
    Path outside = Files.writeString(temp.resolve("secret"), "do not show this");
    String digest = "sha256:../../secret";
    assertThat(OciLayout.blobPath(temp, "sha256:" + "a".repeat(64))).isNotNull();
    Path file = indexJson("{\"manifests\":[" + descriptor(MediaTypes.OCI_INDEX, digest, 16) + "]}");
    assertRefused(file)
        .hasMessageContaining("'sha256:../../secret' is not algorithm:encoded")
        .hasMessageNotContaining("do not show this");
    assertThat(outside).content().isEqualTo("do not show this");
  }

  @Test
  void anUnregisteredAlgorithm() throws Exception {
    Path file =
        indexJson(
            "{\"manifests\":["
                + descriptor(MediaTypes.OCI_INDEX, "md5:d41d8cd98f00b204e9800998ecf8427e", 1)
                + "]}");
    assertRefused(file).hasMessageContaining("only sha256 and sha512 are registered");
  }

  @Test
  void indexJsonIsNotJson() throws Exception {
    Path file = indexJson("{\"manifests\": [\n  oops");
    assertRefused(file).hasMessageContaining("is not valid JSON (line 2, column");
  }

  @Test
  void indexJsonNestedTwoThousandDeep() throws Exception {
    Path file = indexJson("[".repeat(2000) + "]".repeat(2000));
    assertRefused(file).hasMessageContaining("is not valid JSON");
  }

  @Test
  void indexJsonIsAnArrayOrEmpty() throws Exception {
    Path file = indexJson("[1,2]");
    assertRefused(file).hasMessageContaining("the document is not a JSON object");
    indexJson("");
    assertRefused(file).hasMessageContaining("the document is not a JSON object");
  }

  @Test
  void indexJsonLargerThanAnyIndex() throws Exception {
    Path file = indexJson("{\"manifests\":[]," + " ".repeat(LayoutReader.MAX_JSON_BYTES) + "}");
    assertRefused(file).hasMessageContaining("too large for an index");
  }

  @Test
  void aDescriptorWithoutSizeOrWithABadOne() throws Exception {
    Descriptor index = blob(MediaTypes.OCI_INDEX, "{\"manifests\":[]}");
    for (Object size : new Object[] {"null", -1, 1.5, "\"12\"", "18446744073709551616"}) {
      Path file =
          indexJson(
              "{\"manifests\":[" + descriptor(MediaTypes.OCI_INDEX, index.digest(), size) + "]}");
      assertRefused(file).hasMessageContaining("has no size (a non-negative integer)");
    }
    Path file =
        indexJson(
            "{\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"digest\":\""
                + index.digest()
                + "\"}]}");
    assertRefused(file).hasMessageContaining("has no size");
  }

  @Test
  void aDescriptorWithoutMediaTypeOrNotAnObject() throws Exception {
    Descriptor manifest = manifest();
    Path indexBlob = indexOf("{\"digest\":\"" + manifest.digest() + "\",\"size\":1}");
    assertRefused(indexBlob).hasMessageContaining("a descriptor has no mediaType");
    indexBlob = indexOf("\"just a string\"");
    assertRefused(indexBlob).hasMessageContaining("a descriptor is not a JSON object");
  }

  @Test
  void aBlobOfTheRightContentButAnotherSizeThanItsDescriptor() throws Exception {
    Descriptor manifest = manifest();
    String wrongSize = descriptor(manifest.mediaType(), manifest.digest(), manifest.size() + 1);
    Path indexBlob = indexOf(wrongSize.substring(0, wrongSize.length() - 1) + AMD64 + "}");
    assertThatThrownBy(() -> new LayoutReader().read(root))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            OciLayout.blobPath(root, manifest.digest())
                + " does not match its descriptor "
                + manifest.digest()
                + " ("
                + (manifest.size() + 1)
                + " bytes); rebuild the layout with the image goal (mvn package)");
    assertThat(indexBlob).exists();
  }

  @Test
  void aMissingBlob() throws Exception {
    String absent = "sha256:" + "e".repeat(64);
    Path file = indexJson("{\"manifests\":[" + descriptor(MediaTypes.OCI_INDEX, absent, 2) + "]}");
    assertRefused(file).hasMessageContaining("lacks blob " + absent);
  }

  @Test
  void aBlobThatIsASymbolicLinkIsNotFollowed() throws Exception {
    Descriptor manifest = manifest();
    indexOf(entry(manifest, AMD64));
    Path path = OciLayout.blobPath(root, manifest.digest());
    Path moved = Files.move(path, temp.resolve("elsewhere"));
    Files.createSymbolicLink(path, moved);
    assertThatThrownBy(() -> new LayoutReader().read(root))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("lacks blob " + manifest.digest());
  }

  @Test
  void aDamagedIndexBlob() throws Exception {
    Path indexBlob = indexOf(entry(manifest(), AMD64));
    byte[] bytes = Files.readAllBytes(indexBlob);
    bytes[bytes.length - 1] = ' ';
    Files.write(indexBlob, bytes);
    assertRefused(indexBlob).hasMessageContaining("does not match its descriptor");
  }

  @Test
  void anIndexThatListsNoImageOrNoArray() throws Exception {
    Path indexBlob = indexOf();
    assertRefused(indexBlob).hasMessageContaining("lists no image");
    Descriptor index = blob(MediaTypes.OCI_INDEX, "{\"manifests\":{}}");
    indexJson("{\"manifests\":[" + descriptor(index) + "]}");
    assertRefused(OciLayout.blobPath(root, index.digest()))
        .hasMessageContaining("\"manifests\" is not a JSON array");
  }

  @Test
  void anIndexBlobThatIsNotJson() throws Exception {
    Descriptor index = blob(MediaTypes.OCI_INDEX, "not json");
    indexJson("{\"manifests\":[" + descriptor(index) + "]}");
    assertRefused(OciLayout.blobPath(root, index.digest()))
        .hasMessageContaining("is not valid JSON");
  }

  @Test
  void anEntryWithoutAPlatformOrWithABadOne() throws Exception {
    Descriptor manifest = manifest();
    for (String platform :
        new String[] {
          "",
          ",\"platform\":{\"os\":\"linux\"}",
          ",\"platform\":{\"architecture\":\"amd64\"}",
          ",\"platform\":{\"architecture\":{},\"os\":\"linux\"}",
          ",\"platform\":{\"architecture\":\"amd64\",\"os\":7}",
          ",\"platform\":{\"architecture\":\"\",\"os\":\"linux\"}",
          ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"\"}",
        }) {
      Path indexBlob = indexOf(entry(manifest, platform));
      assertRefused(indexBlob).hasMessageContaining("has no platform");
    }
  }

  @Test
  void aVariantOrBaseNameThatIsNotAString() throws Exception {
    Descriptor manifest = manifest();
    Path indexBlob =
        indexOf(
            entry(
                manifest,
                ",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":7}"));
    assertRefused(indexBlob).hasMessageContaining("\"variant\" is not a string");
    indexBlob =
        indexOf(
            entry(
                manifest, AMD64 + ",\"annotations\":{\"org.opencontainers.image.base.name\":[]}"));
    assertRefused(indexBlob)
        .hasMessageContaining("\"org.opencontainers.image.base.name\" is not a string");
  }

  @Test
  void aManifestThatIsNotJsonOrLacksConfigOrLayers() throws Exception {
    Descriptor config = blob(MediaTypes.OCI_CONFIG, "{}");
    String[][] cases = {
      {"not json", "is not valid JSON"},
      {"[]", "the document is not a JSON object"},
      {"{\"layers\":[]}", "config is not a JSON object"},
      {"{\"config\":" + descriptor(config) + "}", "\"layers\" is not a JSON array"},
      {"{\"config\":" + descriptor(config) + ",\"layers\":{}}", "\"layers\" is not a JSON array"},
      {
        "{\"config\":"
            + descriptor(config)
            + ",\"layers\":["
            + descriptor(MediaTypes.OCI_LAYER, "sha256:../x", 1)
            + "]}",
        "'sha256:../x' is not algorithm:encoded"
      },
    };
    for (String[] c : cases) {
      Descriptor manifest = blob(MediaTypes.OCI_MANIFEST, c[0]);
      indexOf(entry(manifest, AMD64));
      assertRefused(OciLayout.blobPath(root, manifest.digest())).hasMessageContaining(c[1]);
    }
  }

  @Test
  void aDamagedOrMissingLayer() throws Exception {
    Descriptor config = blob(MediaTypes.OCI_CONFIG, "{}");
    Descriptor layer = blob(MediaTypes.OCI_LAYER, "layer");
    Descriptor manifest =
        manifestOf("\"config\":" + descriptor(config) + ",\"layers\":[" + descriptor(layer) + "]");
    indexOf(entry(manifest, AMD64));
    Path layerPath = OciLayout.blobPath(root, layer.digest());
    Files.writeString(layerPath, "LAYER");
    assertRefused(layerPath)
        .hasMessageContaining("does not match its descriptor " + layer.digest());
    Files.delete(layerPath);
    assertRefused(OciLayout.blobPath(root, manifest.digest()))
        .hasMessageContaining("lacks blob " + layer.digest());
  }

  @Test
  void aManifestLargerThanAnyManifest() throws Exception {
    Descriptor big =
        blob(MediaTypes.OCI_MANIFEST, "{" + " ".repeat(LayoutReader.MAX_JSON_BYTES) + "}");
    Path indexBlob = indexOf(entry(big, AMD64));
    assertRefused(OciLayout.blobPath(root, big.digest()))
        .hasMessageContaining("too large for a manifest or index");
    assertThat(indexBlob).exists();
  }

  @Test
  void sha512BlobsAreCheckedWithSha512() throws Exception {
    byte[] content = "{}".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
    Files.createDirectories(digest.blobPath(root).getParent());
    Files.write(digest.blobPath(root), content);
    Descriptor layer = blob(MediaTypes.OCI_LAYER, "l");
    Descriptor manifest =
        manifestOf(
            "\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, digest.toString(), 2)
                + ",\"layers\":["
                + descriptor(layer)
                + "]");
    indexOf(entry(manifest, AMD64));

    assertThat(new LayoutReader().read(root).images().get(0).config().digest())
        .isEqualTo(digest.toString());
    Files.writeString(digest.blobPath(root), "[]");
    assertRefused(digest.blobPath(root)).hasMessageContaining("does not match its descriptor");
  }

  @Test
  void boundariesAndOptionalFields() throws Exception {
    Descriptor config = blob(MediaTypes.OCI_CONFIG, "{}");
    Descriptor empty = blob(MediaTypes.OCI_LAYER, "");
    Descriptor manifest =
        manifestOf("\"config\":" + descriptor(config) + ",\"layers\":[" + descriptor(empty) + "]");
    indexOf(
        entry(
            manifest,
            ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":null}"));

    LayoutReader.Image image = new LayoutReader().read(root).images().get(0);

    assertThat(image.layers()).extracting(Descriptor::size).containsExactly(0L);
    assertThat(image.platform().variant()).isNull();
    assertThat(image.baseName()).isNull();
  }

  @Test
  void anEmptyMediaType() throws Exception {
    Descriptor manifest = manifest();
    Path indexBlob = indexOf(descriptor("", manifest.digest(), manifest.size()));
    assertRefused(indexBlob).hasMessageContaining("a descriptor has no mediaType");
  }

  @Test
  void jsonFilesOfExactlyTheLimitAreRead() throws Exception {
    Descriptor manifest = manifest();
    String entries = entry(manifest, AMD64);
    String body = "{\"manifests\":[" + entries + "]";
    Descriptor index =
        blob(
            MediaTypes.OCI_INDEX,
            body + " ".repeat(LayoutReader.MAX_JSON_BYTES - body.length() - 1) + "}");
    assertThat(index.size()).isEqualTo(LayoutReader.MAX_JSON_BYTES);
    String top = "{\"manifests\":[" + descriptor(index) + "]";
    indexJson(top + " ".repeat(LayoutReader.MAX_JSON_BYTES - top.length() - 1) + "}");
    assertThat(Files.size(root.resolve("index.json"))).isEqualTo(LayoutReader.MAX_JSON_BYTES);

    assertThat(new LayoutReader().read(root).images()).hasSize(1);
  }
}
