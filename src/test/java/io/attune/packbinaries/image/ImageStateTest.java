package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .image-state.json}: what lets a rerun of the image goal with nothing new do nothing. */
class ImageStateTest {

  /** The state as the plugin has written it so far. */
  private static final String WRITTEN =
      """
      {
        "fingerprint" : "sha256:fp",
        "baseDigest" : "sha256:base",
        "index" : "sha256:idx",
        "files" : {
          "init-image-linux-amd64.tar" : "aa11",
          "init-image.oci.tar" : "bb22"
        }
      }""";

  @TempDir Path dir;

  @Test
  void aStateAsWrittenSoFarReadsBackAndIsWrittenByteForByte() throws Exception {
    Path file = Files.writeString(dir.resolve(".image-state.json"), WRITTEN);

    ImageState read = ImageState.read(file).orElseThrow();

    assertThat(read)
        .isEqualTo(
            new ImageState(
                "sha256:fp",
                "sha256:base",
                "sha256:idx",
                Map.of("init-image-linux-amd64.tar", "aa11", "init-image.oci.tar", "bb22")));
    assertThat(read.files().keySet())
        .containsExactly("init-image-linux-amd64.tar", "init-image.oci.tar");
    Path again = dir.resolve("again.json");
    read.write(again);
    assertThat(Files.readString(again)).isEqualTo(WRITTEN);
  }

  @Test
  void aMissingBaseDigestStaysNull() throws Exception {
    String written =
        """
        {
          "fingerprint" : "sha256:fp",
          "baseDigest" : null,
          "index" : "sha256:idx",
          "files" : { }
        }""";
    Path file = Files.writeString(dir.resolve(".image-state.json"), written);

    ImageState read = ImageState.read(file).orElseThrow();

    assertThat(read).isEqualTo(new ImageState("sha256:fp", null, "sha256:idx", Map.of()));
    Path again = dir.resolve("again.json");
    read.write(again);
    assertThat(Files.readString(again)).isEqualTo(written);
  }
}
