package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildStateTest {

  private static final TargetTriple ARM =
      TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();

  @TempDir Path root;
  private ArtifactLayout layout;
  private BuildState state;

  @BeforeEach
  void builtOnce() throws Exception {
    layout = new ArtifactLayout(root);
    Path binary = layout.binary(ARM, "s");
    Files.createDirectories(binary.getParent());
    Files.writeString(binary, "binary");
    String sha = Sha256.of(binary);
    Files.writeString(layout.checksum(ARM, "s"), BuildState.checksumLine(sha, "s"));
    state =
        new BuildState("fp", null, List.of(new BuiltBinary(ARM.name(), "s", "x/s", sha, 6, true)));
    state.write(BuildState.file(root.resolve(".build-state"), ARM));
  }

  @Test
  void isCurrentOnlyForTheSameFingerprintAndUntouchedOutputs() throws Exception {
    BuildState read = BuildState.read(BuildState.file(root.resolve(".build-state"), ARM)).get();

    assertThat(read).isEqualTo(state);
    assertThat(read.isCurrent("fp", layout, ARM, FileDigests.inMemory())).isTrue();
    assertThat(read.isCurrent("other", layout, ARM, FileDigests.inMemory())).isFalse();
  }

  @Test
  void aChangedOrMissingBinaryOrChecksumMeansRebuild() throws Exception {
    Files.writeString(layout.binary(ARM, "s"), "tampered");
    assertThat(state.isCurrent("fp", layout, ARM, FileDigests.inMemory())).isFalse();

    builtOnce();
    Files.delete(layout.checksum(ARM, "s"));
    assertThat(state.isCurrent("fp", layout, ARM, FileDigests.inMemory())).isFalse();
  }

  /** A state file as the plugin has written it since 0.1.0: it must stay a no-op after upgrade. */
  private static final String WRITTEN_WITH_INPUTS =
      """
      {
        "fingerprint" : "fp2",
        "inputs" : [ "src/main.rs", "Cargo.toml" ],
        "binaries" : [ {
          "target" : "x86_64-unknown-linux-gnu",
          "name" : "timer",
          "path" : "x86_64-unknown-linux-gnu/timer",
          "sha256" : "ab12",
          "size" : 123456,
          "stripped" : true
        }, {
          "target" : "aarch64-unknown-linux-gnu",
          "name" : "timer",
          "path" : "aarch64-unknown-linux-gnu/timer",
          "sha256" : "cd34",
          "size" : 7,
          "stripped" : false
        } ]
      }""";

  private static final String WRITTEN_WITHOUT_INPUTS =
      """
      {
        "fingerprint" : "fp1",
        "inputs" : null,
        "binaries" : [ ]
      }""";

  @Test
  void aStateFileAsWrittenSoFarReadsBackAndIsWrittenByteForByte() throws Exception {
    Path file = root.resolve("written.json");
    Files.writeString(file, WRITTEN_WITH_INPUTS);

    BuildState read = BuildState.read(file).orElseThrow();

    assertThat(read)
        .isEqualTo(
            new BuildState(
                "fp2",
                List.of("src/main.rs", "Cargo.toml"),
                List.of(
                    new BuiltBinary(
                        "x86_64-unknown-linux-gnu",
                        "timer",
                        "x86_64-unknown-linux-gnu/timer",
                        "ab12",
                        123456,
                        true),
                    new BuiltBinary(
                        "aarch64-unknown-linux-gnu",
                        "timer",
                        "aarch64-unknown-linux-gnu/timer",
                        "cd34",
                        7,
                        false))));
    Path again = root.resolve("again.json");
    read.write(again);
    assertThat(Files.readString(again)).isEqualTo(WRITTEN_WITH_INPUTS);
  }

  @Test
  void aStateWithoutInputsKeepsTheNull() throws Exception {
    Path file = root.resolve("written.json");
    Files.writeString(file, WRITTEN_WITHOUT_INPUTS);

    BuildState read = BuildState.read(file).orElseThrow();

    assertThat(read).isEqualTo(new BuildState("fp1", null, List.of()));
    Path again = root.resolve("again.json");
    read.write(again);
    assertThat(Files.readString(again)).isEqualTo(WRITTEN_WITHOUT_INPUTS);
  }

  @Test
  void aStateWhoseBinaryHasNoNameOrDigestIsNoState() throws Exception {
    Path file = root.resolve("edited.json");
    Files.writeString(file, WRITTEN_WITH_INPUTS.replace("\"name\" : \"timer\",", ""));
    assertThat(BuildState.read(file)).isEmpty();

    Files.writeString(file, WRITTEN_WITH_INPUTS.replace("\"sha256\" : \"ab12\",", ""));
    assertThat(BuildState.read(file)).isEmpty();
  }

  @Test
  void aStateOfAnotherShapeIsNoState() throws Exception {
    Path file = root.resolve("edited.json");
    for (String content :
        List.of(
            "",
            "null",
            "[]",
            WRITTEN_WITH_INPUTS.replace("\"size\" : 7", "\"size\" : \"7\""),
            WRITTEN_WITH_INPUTS.replace("\"stripped\" : false", "\"stripped\" : \"no\""),
            WRITTEN_WITH_INPUTS.replace("[ \"src/main.rs\", \"Cargo.toml\" ]", "\"src\""),
            WRITTEN_WITH_INPUTS.replace("\"fingerprint\" : \"fp2\",", "\"other\" : 1,"),
            WRITTEN_WITH_INPUTS.replace("\"fingerprint\" : \"fp2\",", ""),
            WRITTEN_WITHOUT_INPUTS.replace("[ ]", "null"),
            WRITTEN_WITHOUT_INPUTS.replace("[ ]", "[ null ]"),
            // Inputs the fingerprint would read outside the workspace, or could not even name.
            WRITTEN_WITH_INPUTS.replace("\"src/main.rs\"", "\"../../outside.rs\""),
            WRITTEN_WITH_INPUTS.replace("\"src/main.rs\"", "\"/etc/passwd\""),
            WRITTEN_WITH_INPUTS.replace("\"src/main.rs\"", "\"src/ma\\u0000in.rs\""))) {
      Files.writeString(file, content);
      assertThat(BuildState.read(file)).as(content).isEmpty();
    }
  }

  @Test
  void anUnreadableStateIsNoState() throws Exception {
    Path file = root.resolve("broken.json");
    Files.writeString(file, "{not json");
    assertThat(BuildState.read(file)).isEmpty();
  }

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("build state", WRITTEN_WITH_INPUTS, root, this::readAndCheck);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("build state", WRITTEN_WITH_INPUTS, root, this::readAndCheck);
  }

  /**
   * What the build goal does with a state: read it, fingerprint the inputs it lists, then check it
   * against the outputs.
   */
  private void readAndCheck(Path file) throws java.io.IOException {
    Optional<BuildState> read = BuildState.read(file);
    if (read.isPresent()) {
      if (read.get().inputs() != null) {
        Fingerprint.inputs(root, List.of(), read.get().inputs());
      }
      read.get().isCurrent("fp2", layout, ARM, FileDigests.inMemory());
    }
  }
}
