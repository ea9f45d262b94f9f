package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jib's per-platform tarball, in its OCI and Docker forms, imported into our layout; every
 * malformed one is refused with a PackFailure naming the tarball.
 */
class JibTarballTest {

  private static final TargetTriple TARGET =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final byte[] CONFIG =
      "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LAYER = "layer bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path temp;
  private OciLayout layout;
  private Path tarball;

  @BeforeEach
  void createLayout() throws Exception {
    layout = OciLayout.createEmpty(temp.resolve("layout"));
    tarball = temp.resolve("jib.tar");
  }

  private static String descriptor(String mediaType, byte[] content) {
    return descriptor(mediaType, Digest.sha256(content).toString(), content.length);
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String blobName(byte[] content) {
    return "blobs/sha256/" + Digest.sha256(content).encoded();
  }

  private static byte[] manifest(String config, String layers) {
    return bytes(
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + config
            + ",\"layers\":"
            + layers
            + "}");
  }

  private static final byte[] MANIFEST =
      manifest(
          descriptor(MediaTypes.OCI_CONFIG, CONFIG),
          "[" + descriptor(MediaTypes.OCI_LAYER, LAYER) + "]");

  /** jib's OCI tarball: blobs by digest, index.json naming the manifest, oci-layout. */
  private Map<String, byte[]> oci(byte[] manifest, String indexJson) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", OciLayout.layoutContent());
    entries.put(blobName(CONFIG), CONFIG);
    entries.put(blobName(LAYER), LAYER);
    entries.put(blobName(manifest), manifest);
    entries.put("index.json", bytes(indexJson));
    return entries;
  }

  private static String indexNaming(String digest) {
    return "{\"schemaVersion\":2,\"manifests\":["
        + descriptor(MediaTypes.OCI_MANIFEST, digest, MANIFEST.length)
        + "]}";
  }

  private Map<String, byte[]> goodOci() {
    return oci(MANIFEST, indexNaming(Digest.sha256(MANIFEST).toString()));
  }

  /** jib's Docker tarball: docker load's manifest.json, config.json and layer files. */
  private Map<String, byte[]> docker(String loadManifest) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("config.json", CONFIG);
    entries.put("abc.tar.gz", LAYER);
    entries.put("manifest.json", bytes(loadManifest));
    return entries;
  }

  private static final String LOAD_MANIFEST =
      "[{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"abc.tar.gz\"]}]";

  private Path write(Map<String, byte[]> entries) throws Exception {
    try (OutputStream file = Files.newOutputStream(tarball);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry dir = new TarArchiveEntry("blobs/");
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return tarball;
  }

  private PlatformManifest importOci() throws Exception {
    return JibTarball.importInto(tarball, layout, ManifestFormat.OCI, TARGET);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ManifestFormat format) {
    return assertThatThrownBy(() -> JibTarball.importInto(tarball, layout, format, TARGET))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("jib's image tarball " + tarball + " is damaged: ")
        .hasMessageEndingWith("; delete it and rebuild the image (mvn clean package)");
  }

  @Test
  void anOciTarballKeepsJibsManifestAndItsBlobs() throws Exception {
    write(goodOci());

    PlatformManifest image = importOci();

    assertThat(image.manifest().digest()).isEqualTo(Digest.sha256(MANIFEST).toString());
    assertThat(image.manifest().size()).isEqualTo(MANIFEST.length);
    assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(image.config().digest()).isEqualTo(Digest.sha256(CONFIG).toString());
    assertThat(image.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
    assertThat(image.layers()).hasSize(1);
    assertThat(image.layers().get(0).size()).isEqualTo(LAYER.length);
    assertThat(image.target()).isEqualTo(TARGET);
    assertThat(layout.blob(image.manifest().digest())).hasBinaryContent(MANIFEST);
    assertThat(layout.blob(image.layers().get(0).digest())).hasBinaryContent(LAYER);
  }

  @Test
  void aDockerTarballGetsTheManifestJibWouldPush() throws Exception {
    write(docker(LOAD_MANIFEST));

    PlatformManifest image = JibTarball.importInto(tarball, layout, ManifestFormat.DOCKER, TARGET);

    assertThat(image.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(image.config().digest()).isEqualTo(Digest.sha256(CONFIG).toString());
    assertThat(image.layers())
        .singleElement()
        .satisfies(
            layer -> {
              assertThat(layer.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER);
              assertThat(layer.digest()).isEqualTo(Digest.sha256(LAYER).toString());
              assertThat(layer.size()).isEqualTo(LAYER.length);
            });
    assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(layout.blob(image.manifest().digest())).content().contains("\"layers\"");
  }

  @Test
  void anIndexDigestThatClimbsOutIsNeverOpened() throws Exception {
    write(oci(MANIFEST, indexNaming("sha256:../../../../../../../../etc/hostname")));
    String hostname =
        Files.isReadable(Path.of("/etc/hostname"))
            ? Files.readString(Path.of("/etc/hostname")).trim()
            : "";

    assertRefused(ManifestFormat.OCI)
        .hasMessageContaining(
            "'sha256:../../../../../../../../etc/hostname' is not algorithm:encoded")
        .satisfies(
            e -> {
              if (!hostname.isEmpty()) {
                assertThat(e.getMessage().replace("etc/hostname", "")).doesNotContain(hostname);
              }
            });
  }

  @Test
  void aDigestWithoutAColon() throws Exception {
    write(oci(MANIFEST, indexNaming("nocolon")));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("'nocolon' is not algorithm:encoded");
  }

  @Test
  void anEmptyManifestsListOrAnObject() throws Exception {
    write(oci(MANIFEST, "{\"manifests\":[]}"));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("index.json lists no manifest");
    write(oci(MANIFEST, "{\"manifests\":{\"digest\":\"sha256:x\"}}"));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("index.json lists no manifest");
  }

  @Test
  void noIndexJsonOrNotJson() throws Exception {
    Map<String, byte[]> entries = goodOci();
    entries.remove("index.json");
    write(entries);
    assertRefused(ManifestFormat.OCI).hasMessageContaining("it has no index.json");
    write(oci(MANIFEST, "{\"manifests\": ["));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("index.json is not valid JSON");
    write(oci(MANIFEST, "[".repeat(2000)));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("index.json is not valid JSON");
  }

  @Test
  void aValidDigestOfABlobTheTarballDoesNotHold() throws Exception {
    String absent = "sha256:" + "e".repeat(64);
    write(oci(MANIFEST, indexNaming(absent)));
    assertRefused(ManifestFormat.OCI)
        .hasMessageContaining("index.json names " + absent + ", a blob the tarball does not hold");
  }

  @Test
  void aManifestThatIsNotJsonOrLacksItsParts() throws Exception {
    String[][] cases = {
      {"not json", "is not valid JSON"},
      {"{\"layers\":[]}", "the digest is missing"},
      {"{\"config\":" + descriptor(MediaTypes.OCI_CONFIG, CONFIG) + "}", "has no layers array"},
      {
        "{\"config\":" + descriptor(MediaTypes.OCI_CONFIG, CONFIG) + ",\"layers\":{}}",
        "has no layers array"
      },
      {
        "{\"config\":"
            + descriptor(MediaTypes.OCI_CONFIG, Digest.sha256(CONFIG).toString(), 1)
            + ",\"layers\":[]}",
        "has no media type or another size than its blob"
      },
      {
        "{\"config\":" + descriptor("", CONFIG) + ",\"layers\":[]}",
        "has no media type or another size than its blob"
      },
      {
        "{\"config\":"
            + descriptor(MediaTypes.OCI_CONFIG, CONFIG)
            + ",\"layers\":["
            + descriptor(MediaTypes.OCI_LAYER, "sha256:/etc/passwd", 1)
            + "]}",
        "'sha256:/etc/passwd' is not algorithm:encoded"
      },
      {
        "{\"config\":"
            + descriptor(MediaTypes.OCI_CONFIG, CONFIG)
            + ",\"layers\":["
            + descriptor(MediaTypes.OCI_LAYER, "sha256:" + "f".repeat(64), 1)
            + "]}",
        "a blob the tarball does not hold"
      },
    };
    for (String[] c : cases) {
      byte[] manifest = bytes(c[0]);
      write(oci(manifest, indexNaming(Digest.sha256(manifest).toString())));
      assertRefused(ManifestFormat.OCI).hasMessageContaining(c[1]);
    }
  }

  @Test
  void aDockerTarballWithoutItsParts() throws Exception {
    Map<String, byte[]> entries = docker(LOAD_MANIFEST);
    entries.remove("manifest.json");
    write(entries);
    assertRefused(ManifestFormat.DOCKER).hasMessageContaining("it has no manifest.json");
    write(docker("[{\"Config\":\"other.json\",\"Layers\":[]}]"));
    assertRefused(ManifestFormat.DOCKER)
        .hasMessageContaining(
            "manifest.json names no config file the tarball holds ('other.json')");
    write(docker("{}"));
    assertRefused(ManifestFormat.DOCKER).hasMessageContaining("names no config file");
    write(docker("[{\"Config\":\"config.json\",\"Layers\":\"abc.tar.gz\"}]"));
    assertRefused(ManifestFormat.DOCKER).hasMessageContaining("manifest.json has no Layers array");
    write(docker("[{\"Config\":\"config.json\",\"Layers\":[\"../../etc/passwd\"]}]"));
    assertRefused(ManifestFormat.DOCKER)
        .hasMessageContaining("it lacks the layer '../../etc/passwd'");
  }

  @Test
  void aJsonEntryLargerThanAnyManifest() throws Exception {
    Map<String, byte[]> entries = goodOci();
    entries.put("index.json", new byte[JibTarball.MAX_JSON_BYTES + 1]);
    write(entries);
    assertRefused(ManifestFormat.OCI)
        .hasMessageContaining("index.json is larger than 4194304 bytes");
  }

  @Test
  void aTruncatedOrForeignFile() throws Exception {
    write(goodOci());
    byte[] whole = Files.readAllBytes(tarball);
    Files.write(tarball, Arrays.copyOf(whole, 1500));
    assertRefused(ManifestFormat.OCI);
    byte[] garbage = new byte[4096];
    Arrays.fill(garbage, (byte) '7');
    Files.write(tarball, garbage);
    assertRefused(ManifestFormat.OCI);
  }

  @Test
  void directoriesAndTheLayoutMarkerAreNotBlobs() throws Exception {
    Map<String, byte[]> entries = goodOci();
    write(entries);
    try (OutputStream file = Files.newOutputStream(tarball);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      tar.putArchiveEntry(new TarArchiveEntry("index.json", TarArchiveEntry.LF_DIR));
      tar.closeArchiveEntry();
    }

    importOci();

    try (var blobs = Files.list(layout.root().resolve("blobs/sha256"))) {
      assertThat(blobs.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Digest.sha256(CONFIG).encoded(),
              Digest.sha256(LAYER).encoded(),
              Digest.sha256(MANIFEST).encoded());
    }
  }

  @Test
  void aDigestThatIsNotAString() throws Exception {
    write(oci(MANIFEST, "{\"manifests\":[{\"digest\":12,\"size\":1}]}"));
    assertRefused(ManifestFormat.OCI).hasMessageContaining("index.json: the digest is missing");
  }

  @Test
  void aJsonEntryOfExactlyTheLimitIsRead() throws Exception {
    String index = new String(goodOci().get("index.json"), StandardCharsets.UTF_8);
    String padded =
        index.substring(0, index.length() - 1)
            + " ".repeat(JibTarball.MAX_JSON_BYTES - index.length())
            + "}";
    write(oci(MANIFEST, padded));
    assertThat(importOci().manifest().digest()).isEqualTo(Digest.sha256(MANIFEST).toString());
  }

  @Test
  void longLayerNamesAreShownShortened() throws Exception {
    String name80 = "l".repeat(80);
    write(docker("[{\"Config\":\"config.json\",\"Layers\":[\"" + name80 + "\"]}]"));
    assertRefused(ManifestFormat.DOCKER).hasMessageContaining("lacks the layer '" + name80 + "'");
    write(docker("[{\"Config\":\"config.json\",\"Layers\":[\"" + name80 + "x\"]}]"));
    assertRefused(ManifestFormat.DOCKER).hasMessageContaining("lacks the layer '" + name80 + "…'");
  }
}
