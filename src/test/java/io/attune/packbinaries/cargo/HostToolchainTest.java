package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostToolchainTest {

  @TempDir Path dir;

  private BuildRequest request(String command, String target) {
    return new BuildRequest(
        dir.resolve("crate/Cargo.toml"),
        List.of(TargetTriple.find(target).orElseThrow()),
        List.of(),
        List.of(),
        "release",
        command,
        "unused",
        Map.of(),
        false,
        dir.resolve("target/pack-binaries"),
        null,
        null,
        null);
  }

  private HostToolchain toolchain(String command) throws PackFailure {
    return new HostToolchain(
        request(command, TargetTriple.DEFAULT.name()),
        CommandTemplate.parse(command, "release"),
        new RecordingLog());
  }

  private List<BuiltBinary> build(BuildRequest request, RecordingLog log) throws Exception {
    CommandTemplate template = CommandTemplate.parse(request.command(), request.profile());
    return new BinaryBuilder(
            request, new HostToolchain(request, template, log), log, FileDigests.inMemory())
        .run(template);
  }

  /** The host toolchain is optional for users; the test environment installs cargo. */
  private void requireHostCargo() throws Exception {
    TestEnvironment.requireTool("cargo");
    Path source = Path.of("src/it/build-two-targets/crate");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, dir.resolve("crate").resolve(source.relativize(file).toString()));
      }
    }
  }

  @Test
  void buildsOnTheHostAndThenFindsTheBinaryUpToDate() throws Exception {
    requireHostCargo();
    BuildRequest request =
        request("cargo build --release --target {target}", "x86_64-unknown-linux-gnu");

    List<BuiltBinary> first = build(request, new RecordingLog());
    RecordingLog second = new RecordingLog();
    List<BuiltBinary> again = build(request, second);

    Path binary = request.outputDirectory().resolve("x86_64-unknown-linux-gnu/it-sensor");
    assertThat(first)
        .singleElement()
        .satisfies(b -> assertThat(b.sha256()).isEqualTo(Sha256.of(binary)));
    assertThat(again).isEqualTo(first);
    assertThat(second.text())
        .contains(
            "it-sensor for x86_64-unknown-linux-gnu is up to date (sources, Cargo.lock, builder"
                + " image and parameters unchanged); cargo not run")
        .doesNotContain("Compiling");
    Process run = new ProcessBuilder(binary.toString(), "--version").start();
    assertThat(new String(run.getInputStream().readAllBytes()).trim()).isEqualTo("it-sensor 0.3.1");
  }

  @Test
  void aMissingZigbuildSaysHowToInstallIt() throws Exception {
    requireHostCargo();
    assumeTrue(
        !TestEnvironment.commandSucceeds("cargo", "zigbuild", "--version"),
        "zigbuild is installed");

    assertThatThrownBy(() -> build(request(null, "x86_64-unknown-linux-musl"), new RecordingLog()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("cargo failed for x86_64-unknown-linux-musl")
        .hasMessageContaining(
            "cargo-zigbuild is not installed: run `cargo install --locked cargo-zigbuild`");
  }

  @Test
  void aMissingStandardLibrarySaysWhichTargetToAdd() throws Exception {
    requireHostCargo();
    assumeTrue(
        !TestEnvironment.commandSucceeds(
            "sh", "-c", "rustup target list --installed | grep -q aarch64-unknown-linux-musl"),
        "the aarch64 musl std is installed");
    BuildRequest request =
        request("cargo build --release --target {target}", "aarch64-unknown-linux-musl");

    assertThatThrownBy(() -> build(request, new RecordingLog()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "The Rust standard library for aarch64-unknown-linux-musl is not"
                + " installed: run `rustup target add aarch64-unknown-linux-musl`");
  }

  @Test
  void aMissingBuildProgramSaysWhatToInstallAndTheAlternative() throws Exception {
    assumeTrue(ProcessRunner.onPath("cargo-nonexistent").isEmpty());
    HostToolchain toolchain = toolchain("cargo-nonexistent zigbuild --release --target {target}");

    assertThatThrownBy(toolchain::identity)
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("cargo-nonexistent is not installed (not found on PATH)")
        .hasMessageContaining("cargo install --locked cargo-zigbuild")
        .hasMessageContaining("drop pack.toolchain=host");
  }

  @Test
  void saysThatNoContainerIsInvolved() throws Exception {
    assertThat(toolchain(null).skippedWork()).isEqualTo("cargo not run");
  }
}
