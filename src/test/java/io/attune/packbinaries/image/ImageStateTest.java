package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
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
  void aStateOfAnotherShapeIsNoState() throws Exception {
    Path file = dir.resolve(".image-state.json");
    for (String content :
        List.of(
            "",
            "null",
            "{}x",
            WRITTEN.replace("\"aa11\"", "11"),
            WRITTEN.replace("\"index\"", "\"indexes\""),
            WRITTEN.replace("\"sha256:base\"", "[ ]"),
            // Files it would read outside the image directory, or could not even name.
            WRITTEN.replace("\"init-image.oci.tar\"", "\"../../outside.tar\""),
            WRITTEN.replace("\"init-image.oci.tar\"", "\"/etc/passwd\""),
            WRITTEN.replace("\"init-image.oci.tar\"", "\"init-image\\u0000.oci.tar\""))) {
      Files.writeString(file, content);
      assertThat(ImageState.read(file)).as(content).isEmpty();
    }
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

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("image state", WRITTEN, dir, this::readAndCheck);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("image state", WRITTEN, dir, this::readAndCheck);
  }

  /** What the image goal does with a state: read it, then check it against the outputs. */
  private void readAndCheck(Path file) throws java.io.IOException {
    Optional<ImageState> read = ImageState.read(file);
    if (read.isPresent()) {
      read.get().hasFingerprint("sha256:fp");
      read.get().hasBaseDigest("sha256:base");
      read.get().filesIntact(dir, FileDigests.inMemory());
    }
  }
}
