package io.attune.packbinaries.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the image goal writes into a layout is what the push goal reads back, checked. */
class OciLayoutTest {

  @TempDir Path temp;

  private Path writeTwoPlatformLayout() throws Exception {
    OciLayout layout = OciLayout.createEmpty(temp.resolve("layout"));
    List<PlatformManifest> images = new ArrayList<>();
    for (String triple : List.of("x86_64-unknown-linux-musl", "armv7-unknown-linux-musleabihf")) {
      Descriptor config =
          layout.addBlob(MediaTypes.DOCKER_CONFIG, ("{\"t\":\"" + triple + "\"}").getBytes());
      Descriptor layer = layout.addBlob(MediaTypes.DOCKER_LAYER, ("layer of " + triple).getBytes());
      Descriptor manifest =
          layout.addBlob(
              MediaTypes.DOCKER_MANIFEST, OciIndex.dockerManifest(config, List.of(layer)));
      images.add(
          new PlatformManifest(
              TargetTriple.find(triple).orElseThrow(), manifest, config, List.of(layer)));
    }
    Descriptor index =
        layout.addBlob(
            MediaTypes.OCI_INDEX, OciIndex.ofImages(ManifestFormat.OCI, images, Map.of()));
    layout.writeIndex(OciIndex.layoutIndex(index, null, "1.0.0"));
    return layout.root();
  }

  @Test
  void theReaderFindsEveryPlatformAndItsBlobs() throws Exception {
    Path directory = writeTwoPlatformLayout();

    LayoutReader.Layout read = new LayoutReader().read(directory);

    assertThat(read.images())
        .extracting(image -> image.platform().toString())
        .containsExactly("linux/amd64", "linux/arm/v7");
    assertThat(read.images()).allSatisfy(image -> assertThat(image.blobs()).hasSize(2));
    assertThat(new String(read.indexBytes(), StandardCharsets.UTF_8))
        .contains("\"variant\":\"v7\"");
    for (LayoutReader.Image image : read.images()) {
      assertThat(read.blob(image.manifest().digest())).content().contains("\"layers\"");
    }
  }

  @Test
  void aDamagedBlobIsRefusedByAFullReadAndWhenItIsToBeSent() throws Exception {
    Path directory = writeTwoPlatformLayout();
    LayoutReader.Image first = new LayoutReader().read(directory).images().get(0);
    Descriptor layer = first.blobs().get(1);
    Path blob = OciLayout.blobPath(directory, layer.digest());
    Files.writeString(blob, "x".repeat((int) layer.size()));

    assertThatThrownBy(() -> new LayoutReader().read(directory))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("does not match its descriptor " + layer.digest())
        .hasMessageContaining("rebuild the layout with the image goal");
    LayoutReader.Layout unhashed =
        LayoutReader.hashingBlobsWhenSent(FileDigests.inMemory()).read(directory);
    assertThat(unhashed.checkedBlob(first.blobs().get(0)))
        .isEqualTo(OciLayout.blobPath(directory, first.blobs().get(0).digest()));
    assertThatThrownBy(() -> unhashed.checkedBlob(layer))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("does not match its descriptor " + layer.digest());
  }

  @Test
  void createEmptyReplacesWhatWasThereAndOpenAddsToIt() throws Exception {
    Path directory = temp.resolve("fresh");
    Files.createDirectories(directory.resolve("blobs/sha256"));
    Files.writeString(directory.resolve("stale"), "old");

    OciLayout layout = OciLayout.createEmpty(directory);

    assertThat(directory.resolve("stale")).doesNotExist();
    assertThat(directory.resolve(OciLayout.LAYOUT_FILE))
        .hasBinaryContent(OciLayout.layoutContent());
    Descriptor blob = OciLayout.open(directory).addBlob(MediaTypes.OCI_LAYER, new byte[] {1, 2});
    assertThat(layout.blob(blob.digest())).hasBinaryContent(new byte[] {1, 2});
    assertThat(OciLayout.open(directory).root()).isEqualTo(directory);
  }
}
