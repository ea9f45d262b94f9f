package io.attune.packbinaries.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciIndexTest {

  private static PlatformManifest image(String triple, String hex) {
    Descriptor manifest =
        new Descriptor(ManifestFormat.OCI.manifestMediaType(), "sha256:" + hex.repeat(64), 400);
    Descriptor config =
        new Descriptor(ManifestFormat.OCI.configMediaType(), "sha256:" + "c".repeat(64), 100);
    return new PlatformManifest(
        TargetTriple.find(triple).orElseThrow(), manifest, config, List.of());
  }

  @Test
  void theIndexListsPlatformsSortedWithTheirTargetsWhateverTheInputOrder() {
    PlatformManifest arm = image("aarch64-unknown-linux-musl", "a");
    PlatformManifest amd = image("x86_64-unknown-linux-musl", "b");
    Map<String, String> annotations =
        Map.of("org.opencontainers.image.version", "1.0", "org.opencontainers.image.created", "x");

    String json =
        new String(
            OciIndex.ofImages(ManifestFormat.OCI, List.of(arm, amd), annotations),
            StandardCharsets.UTF_8);

    assertThat(OciIndex.ofImages(ManifestFormat.OCI, List.of(amd, arm), annotations))
        .isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(json)
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                + "b".repeat(64)
                + "\",\"size\":400,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
                + "\"annotations\":{\"io.attune.pack-binaries.target\":\"x86_64-unknown-linux-musl\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                + "a".repeat(64)
                + "\",\"size\":400,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"},"
                + "\"annotations\":{\"io.attune.pack-binaries.target\":\"aarch64-unknown-linux-musl\"}}],"
                + "\"annotations\":{\"org.opencontainers.image.created\":\"x\","
                + "\"org.opencontainers.image.version\":\"1.0\"}}");
  }

  @Test
  void aVariantIsPartOfThePlatform() {
    String json =
        new String(
            OciIndex.ofImages(
                ManifestFormat.OCI,
                List.of(image("armv7-unknown-linux-musleabihf", "d")),
                Map.of()),
            StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}");
  }

  @Test
  void aDockerManifestListHasNoAnnotations() {
    String json =
        new String(
            OciIndex.ofImages(
                ManifestFormat.DOCKER,
                List.of(image("x86_64-unknown-linux-musl", "e")),
                Map.of("k", "v")),
            StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\"")
        .doesNotContain("annotations");
  }

  @Test
  void entriesOfOtherImagesKeepTheirOrderAndGetNoEmptyAnnotations() {
    Descriptor amd = new Descriptor(MediaTypes.DOCKER_MANIFEST, "sha256:" + "b".repeat(64), 500);
    Descriptor arm = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 400);
    List<OciIndex.Entry> entries =
        List.of(
            new OciIndex.Entry(
                amd,
                TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow().platform(),
                Map.of()),
            new OciIndex.Entry(
                arm,
                TargetTriple.find("armv7-unknown-linux-musleabihf").orElseThrow().platform(),
                Map.of()));

    String json =
        new String(OciIndex.index(ManifestFormat.OCI, entries, Map.of()), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":["
                + "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"sha256:"
                + "b".repeat(64)
                + "\",\"size\":500,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                + "a".repeat(64)
                + "\",\"size\":400,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}}]}");
  }

  @Test
  void theFormatIsCheckedWithAHelpfulMessage() throws Exception {
    assertThat(ManifestFormat.parse("Docker", "pack.image.format"))
        .isEqualTo(ManifestFormat.DOCKER);
    assertThatThrownBy(() -> ManifestFormat.parse("v2", "pack.image.format"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Set pack.image.format to oci");
  }

  @Test
  void dockerLoadsLayoutBlobsByPath() throws Exception {
    PlatformManifest image =
        new PlatformManifest(
            TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow(),
            new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 1),
            new Descriptor(MediaTypes.OCI_CONFIG, "sha256:" + "c".repeat(64), 2),
            List.of(
                new Descriptor(MediaTypes.OCI_LAYER, "sha256:" + "1".repeat(64), 3),
                new Descriptor(MediaTypes.OCI_LAYER, "sha256:" + "2".repeat(64), 4)));

    assertThat(
            new String(
                OciIndex.dockerLoadManifest(image, List.of("r/x:1", "r/x:latest")),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "[{\"Config\":\"blobs/sha256/"
                + "c".repeat(64)
                + "\",\"RepoTags\":[\"r/x:1\",\"r/x:latest\"],\"Layers\":[\"blobs/sha256/"
                + "1".repeat(64)
                + "\",\"blobs/sha256/"
                + "2".repeat(64)
                + "\"]}]");
    assertThat(image.config().hex()).isEqualTo("c".repeat(64));
  }

  @Test
  void theBaseNameAnnotationIsTrimmedAndLeftOutWhenBlank() {
    PlatformManifest amd = image("x86_64-unknown-linux-musl", "b");
    String withBase =
        new String(
            OciIndex.ofImages(ManifestFormat.OCI, List.of(amd), Map.of(), " r/busybox:1 "),
            StandardCharsets.UTF_8);
    assertThat(withBase).contains("\"org.opencontainers.image.base.name\":\"r/busybox:1\"");
    for (String blank : new String[] {null, " "}) {
      assertThat(
              new String(
                  OciIndex.ofImages(ManifestFormat.OCI, List.of(amd), Map.of(), blank),
                  StandardCharsets.UTF_8))
          .doesNotContain("base.name");
    }
  }

  @Test
  void aLayoutIndexNamesItsTargetAndPlatform() {
    Descriptor manifest = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 9);
    assertThat(
            new String(
                OciIndex.layoutIndex(
                    manifest,
                    TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow().platform(),
                    "1.0"),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:"
                + "a".repeat(64)
                + "\",\"size\":9,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"},"
                + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
  }

  @Test
  void aMissingFormatIsUnknown() {
    assertThatThrownBy(() -> ManifestFormat.parse(null, "pack.image.format"))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("Unknown image format 'null'.");
  }
}
