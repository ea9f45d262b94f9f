package io.attune.packbinaries.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build-record.json}: written by the build goal, read by the push goal's supply chain. */
class BuildRecordTest {

  /** The record as the plugin has written it so far, for a workspace with a Cargo.lock. */
  private static final String WRITTEN =
      """
      {
        "builder" : "image attune/b:1 sha256:123",
        "commands" : {
          "aarch64-unknown-linux-gnu" : "cargo build -a",
          "x86_64-unknown-linux-gnu" : "cargo build --release --target x86_64-unknown-linux-gnu"
        },
        "crates" : [ {
          "name" : "anyhow",
          "version" : "1.0.75",
          "source" : "registry+https://github.com/rust-lang/crates.io-index",
          "checksum" : "a4668cab20f66d8d020e1fbc0ebe47217433c1b6c8f2040faf858554e394ace6",
          "dependencies" : [ ]
        }, {
          "name" : "timer",
          "version" : "0.1.0",
          "source" : null,
          "checksum" : null,
          "dependencies" : [ "anyhow" ]
        } ]
      }""";

  private static final String LOCK =
      """
      version = 3

      [[package]]
      name = "anyhow"
      version = "1.0.75"
      source = "registry+https://github.com/rust-lang/crates.io-index"
      checksum = "a4668cab20f66d8d020e1fbc0ebe47217433c1b6c8f2040faf858554e394ace6"

      [[package]]
      name = "timer"
      version = "0.1.0"
      dependencies = [
       "anyhow",
      ]
      """;

  @TempDir Path dir;

  @Test
  void aRecordAsWrittenSoFarReadsBack() throws Exception {
    Path file = Files.writeString(dir.resolve("build-record.json"), WRITTEN);

    BuildRecord read = BuildRecord.read(file).orElseThrow();

    assertThat(read.builder()).isEqualTo("image attune/b:1 sha256:123");
    assertThat(read.builderImage()).contains("attune/b:1");
    assertThat(read.commands())
        .containsExactly(
            Map.entry("aarch64-unknown-linux-gnu", "cargo build -a"),
            Map.entry(
                "x86_64-unknown-linux-gnu",
                "cargo build --release --target x86_64-unknown-linux-gnu"));
    assertThat(read.crates())
        .containsExactly(
            new Crate(
                "anyhow",
                "1.0.75",
                "registry+https://github.com/rust-lang/crates.io-index",
                "a4668cab20f66d8d020e1fbc0ebe47217433c1b6c8f2040faf858554e394ace6",
                List.of()),
            new Crate("timer", "0.1.0", null, null, List.of("anyhow")));
  }

  @Test
  void theBuildGoalWritesTheSameBytesFromTheLock() throws Exception {
    Path manifest = Files.createDirectories(dir.resolve("ws")).resolve("Cargo.toml");
    Files.writeString(manifest.resolveSibling("Cargo.lock"), LOCK);
    Path file = dir.resolve("build-record.json");

    BuildRecord.write(
        file,
        manifest,
        "image attune/b:1 sha256:123",
        Map.of(
            "x86_64-unknown-linux-gnu",
            "cargo build --release --target x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "cargo build -a"));

    assertThat(Files.readString(file)).isEqualTo(WRITTEN);
  }

  @Test
  void aWorkspaceWithoutLockRecordsNoCrates() throws Exception {
    Path manifest = Files.createDirectories(dir.resolve("ws")).resolve("Cargo.toml");
    Path file = dir.resolve("build-record.json");

    BuildRecord.write(file, manifest, "host rustc 1.96", Map.of());

    assertThat(Files.readString(file))
        .isEqualTo(
            """
            {
              "builder" : "host rustc 1.96",
              "commands" : { },
              "crates" : [ ]
            }""");
    assertThat(BuildRecord.read(file))
        .contains(new BuildRecord("host rustc 1.96", Map.of(), List.of()));
    assertThat(BuildRecord.read(dir.resolve("missing.json"))).isEmpty();
  }

  @Test
  void severalPacksRecordEachPacksOwnClosureOfItsLock() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(
        workspace.resolve("Cargo.lock"),
        """
        version = 4

        [[package]]
        name = "agent"
        version = "0.9.0"
        dependencies = ["agent-db"]

        [[package]]
        name = "agent-db"
        version = "0.9.0"

        [[package]]
        name = "extra-sensor"
        version = "2.0.0"
        dependencies = ["sensor-common"]

        [[package]]
        name = "sensor-common"
        version = "0.1.0"
        """);
    Path core = Files.createDirectories(dir.resolve("core"));
    Files.writeString(core.resolve("Cargo.lock"), LOCK);
    Path file = dir.resolve("build-record.json");

    BuildRecord.writePacks(
        file,
        List.of(
            new BuildRecord.PackSource("core", core.resolve("Cargo.toml"), null),
            new BuildRecord.PackSource("extra", workspace.resolve("Cargo.toml"), "extra-sensor"),
            new BuildRecord.PackSource("nolock", dir.resolve("none/Cargo.toml"), null)),
        "image attune/b:1 sha256:123",
        Map.of("x86_64-unknown-linux-gnu", "core: cargo build; extra: cargo build -p x"));
    BuildRecord read = BuildRecord.read(file).orElseThrow();

    assertThat(read.crates()).isEmpty();
    assertThat(read.hasCrates()).isTrue();
    assertThat(read.lock("extra").crates())
        .extracting(Crate::name)
        .containsExactly("extra-sensor", "sensor-common");
    assertThat(read.lock("core").crates())
        .extracting(Crate::name)
        .containsExactly("anyhow", "timer");
    assertThat(read.lock("nolock").crates()).isEmpty();
    // A binary without a pack, or of a pack the record does not know, gets the workspace's.
    assertThat(read.lock(null).crates()).isEmpty();
    assertThat(read.commands()).containsKey("x86_64-unknown-linux-gnu");
  }

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("build record", WRITTEN, dir, BuildRecordTest::readAndUse);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("build record", WRITTEN, dir, BuildRecordTest::readAndUse);
  }

  /** What the push goal does with a record: read it, then ask for the builder and the lock. */
  private static void readAndUse(Path file) throws java.io.IOException {
    BuildRecord.read(file)
        .ifPresent(
            record -> {
              record.builderImage();
              record.builderImageId();
              record.lock().crates().forEach(Crate::purl);
            });
  }
}
