package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
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
    assertThat(read.isCurrent("fp", layout, ARM)).isTrue();
    assertThat(read.isCurrent("other", layout, ARM)).isFalse();
  }

  @Test
  void aChangedOrMissingBinaryOrChecksumMeansRebuild() throws Exception {
    Files.writeString(layout.binary(ARM, "s"), "tampered");
    assertThat(state.isCurrent("fp", layout, ARM)).isFalse();

    builtOnce();
    Files.delete(layout.checksum(ARM, "s"));
    assertThat(state.isCurrent("fp", layout, ARM)).isFalse();
  }

  @Test
  void anUnreadableStateIsNoState() throws Exception {
    Path file = root.resolve("broken.json");
    Files.writeString(file, "{not json");
    assertThat(BuildState.read(file)).isEmpty();
  }
}
