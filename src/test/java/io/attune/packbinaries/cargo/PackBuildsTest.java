package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the build goal refuses before any toolchain runs. */
class PackBuildsTest {

  @TempDir Path dir;

  private BuildRequest request(String pack, Path manifest) {
    return new BuildRequest(
        manifest,
        List.of(TargetTriple.DEFAULT),
        List.of(),
        List.of(),
        "release",
        "cargo build --release --target {target}",
        "builder:1",
        Map.of(),
        false,
        dir.resolve("target/pack-binaries"),
        null,
        pack,
        null);
  }

  @Test
  void anUnknownToolchainIsNamed() throws Exception {
    Path manifest = Files.writeString(dir.resolve("Cargo.toml"), "[package]\n");

    assertThatThrownBy(
            () ->
                PackBuilds.run(
                    List.of(request(null, manifest)),
                    "vm",
                    "docker",
                    new RecordingLog(),
                    FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessage("pack.toolchain is 'vm'; set it to container (the default) or host");
  }

  @Test
  void aPackWithoutItsCargoTomlFailsBeforeAnyPackBuilds() throws Exception {
    Path core = Files.writeString(dir.resolve("Cargo.toml"), "[package]\n");
    Path extra = dir.resolve("extra/Cargo.toml");

    assertThatThrownBy(
            () ->
                PackBuilds.run(
                    List.of(request("core", core), request("extra", extra)),
                    "container",
                    "no-such-engine-program",
                    new RecordingLog(),
                    FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("No Cargo.toml at " + extra);
    // Nothing was built or listed.
    org.assertj.core.api.Assertions.assertThat(dir.resolve("target/pack-binaries/binaries.json"))
        .doesNotExist();
  }
}
