package io.attune.packbinaries.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFileTest {

  @TempDir Path temp;

  /** The project's own distributable compose file, as users pull it. */
  private Path distributable() throws Exception {
    Path source = Path.of("docker/distributable/docker-compose.yaml");
    Path copy = temp.resolve("docker-compose.yaml");
    Files.copy(source, copy);
    return copy;
  }

  @Test
  void resolvesTheDistributableImageWithComposeInterpolation() throws Exception {
    ComposeFile compose = ComposeFile.read(distributable(), ComposeFile.INIT_SERVICE);

    assertThat(compose.image(Map.of("ATTUNE_REGISTRY", "registry.example.com")))
        .isEqualTo("registry.example.com/attune/pack-binaries-init:latest");
    assertThat(
            compose.image(
                Map.of("ATTUNE_REGISTRY", "r.example.com:5000", "ATTUNE_VERSION", "1.2.0")))
        .isEqualTo("r.example.com:5000/attune/pack-binaries-init:1.2.0");
    assertThatThrownBy(() -> compose.image(Map.of()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("ATTUNE_REGISTRY: set ATTUNE_REGISTRY to the registry host");
  }

  @Test
  void interpolationFollowsCompose() throws Exception {
    Map<String, String> env = Map.of("SET", "x", "EMPTY", "");
    assertThat(
            ComposeFile.interpolate(
                "${SET}-${UNSET:-d}-${EMPTY:-d}-${EMPTY-d}-${UNSET-d}-$SET-$$", env))
        .isEqualTo("x-d-d--d-x-$");
    assertThatThrownBy(() -> ComposeFile.interpolate("${EMPTY:?must be set}", env))
        .hasMessageContaining("EMPTY: must be set");
    assertThat(ComposeFile.interpolate("${EMPTY?unused}", env)).isEmpty();
  }

  @Test
  void refusesAPushToARepositoryTheComposeFileDoesNotPull() throws Exception {
    ComposeFile compose = ComposeFile.read(distributable(), ComposeFile.INIT_SERVICE);
    Map<String, String> env = Map.of("ATTUNE_REGISTRY", "registry.example.com");

    compose.requireRepository("registry.example.com/attune/pack-binaries-init", env);
    assertThatThrownBy(() -> compose.requireRepository("registry.example.com/attune/other", env))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pulls registry.example.com/attune/pack-binaries-init:latest")
        .hasMessageContaining("not the repository being pushed, registry.example.com/attune/other");
  }

  @Test
  void writesTheDigestPinnedReferenceAndKeepsTheRestOfTheFile() throws Exception {
    Path file = distributable();
    String before = Files.readString(file);
    String pinned = "registry.example.com/attune/pack-binaries-init@sha256:" + "ab".repeat(32);

    ComposeFile.read(file, ComposeFile.INIT_SERVICE).writeImage(pinned);

    String after = Files.readString(file);
    assertThat(ComposeFile.read(file, ComposeFile.INIT_SERVICE).rawImage()).isEqualTo(pinned);
    String oldImage = ComposeFile.read(distributable2(before), ComposeFile.INIT_SERVICE).rawImage();
    assertThat(after).isEqualTo(before.replace(oldImage, pinned));
    assertThat(after).contains("# Distributable stack", "platform: ${PACK_BINARIES_PLATFORM:-}");
  }

  private Path distributable2(String text) throws Exception {
    Path copy = temp.resolve("original.yaml");
    Files.writeString(copy, text);
    return copy;
  }

  @Test
  void aFileWithoutTheServiceSaysWhatIsMissing() throws Exception {
    Path file = temp.resolve("c.yaml");
    Files.writeString(file, "services:\n  other:\n    image: x\n");
    assertThatThrownBy(() -> ComposeFile.read(file, ComposeFile.INIT_SERVICE))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("has no services.init-pack-binaries.image");
  }
}
