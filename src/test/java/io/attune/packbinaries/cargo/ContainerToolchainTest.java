package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
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

/** The container toolchain against the real engine and the test environment's builder image. */
class ContainerToolchainTest {

  private static final TargetTriple X86 =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();

  @TempDir Path dir;

  private BuildRequest request(Path crate, String command, String image) {
    return new BuildRequest(
        crate.resolve("Cargo.toml"),
        List.of(X86),
        List.of("it-sensor"),
        List.of(),
        "release",
        command,
        image,
        Map.of("SQLX_OFFLINE", "true"),
        false,
        dir.resolve("target/pack-binaries"),
        null,
        null,
        null);
  }

  private Path fixtureCrate() throws Exception {
    Path source = Path.of("src/it/build-two-targets/crate");
    Path crate = dir.resolve("crate");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, crate.resolve(source.relativize(file).toString()));
      }
    }
    return crate;
  }

  private List<?> build(BuildRequest request, RecordingLog log) throws Exception {
    CommandTemplate template = CommandTemplate.parse(request.command(), request.profile());
    ContainerEngine engine = new ContainerEngine("docker", log);
    return new BinaryBuilder(
            request,
            new ContainerToolchain(request, engine, template, log),
            log,
            FileDigests.inMemory())
        .run(template);
  }

  @Test
  void aBinaryCargoDidNotLeaveWhereExpectedIsNamed() throws Exception {
    TestEnvironment.requireDocker();
    Path crate = fixtureCrate();
    // Builds fine, but into a directory the plugin does not read.
    BuildRequest request =
        request(
            crate,
            "cargo build --release --target {target} --target-dir /tmp/elsewhere",
            TestEnvironment.builderImage());

    assertThatThrownBy(() -> build(request, new RecordingLog()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "cargo succeeded for x86_64-unknown-linux-gnu but produced no binary"
                + " it-sensor (expected "
                + request.cargoOutputDirectory(X86).resolve("it-sensor")
                + ")");
    assertThat(request.outputDirectory().resolve("binaries.json")).doesNotExist();
  }

  @Test
  void anImageThatCannotBePulledIsNamedWithTheParameterToChange() throws Exception {
    TestEnvironment.requireDocker();
    Path crate = fixtureCrate();
    String image = TestEnvironment.registry() + "/attune/no-such-builder:0";
    BuildRequest request = request(crate, null, image);

    assertThatThrownBy(() -> build(request, new RecordingLog()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Cannot pull the builder image " + image)
        .hasMessageContaining("-Dpack.builder.image=");
  }

  @Test
  void aMissingEngineSaysWhatToInstall() throws Exception {
    assumeTrue(ProcessRunner.onPath("podman").isEmpty(), "podman is installed here");
    Path crate = fixtureCrate();
    BuildRequest request = request(crate, null, "any:1");
    RecordingLog log = new RecordingLog();
    CommandTemplate template = CommandTemplate.parse(null, "release");
    ContainerEngine podman = new ContainerEngine("podman", log);

    assertThatThrownBy(
            () ->
                new BinaryBuilder(
                        request,
                        new ContainerToolchain(request, podman, template, log),
                        log,
                        FileDigests.inMemory())
                    .run(template))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "Podman is not installed (podman not found on PATH); install Podman, or set"
                + " pack.container.engine=docker, or pack.toolchain=host");
  }

  @Test
  void anUnknownEngineIsRefused() {
    assertThatThrownBy(() -> new ContainerEngine("nerdctl", new RecordingLog()))
        .isInstanceOf(PackFailure.class)
        .hasMessage("pack.container.engine is 'nerdctl'; set it to docker or podman");
  }

  @Test
  void aMissingManifestIsNamed() {
    assertThatThrownBy(() -> BinaryBuilder.checkManifest(dir.resolve("Cargo.toml")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("No Cargo.toml at " + dir.resolve("Cargo.toml"))
        .hasMessageContaining("pack.cargo.manifest");
  }
}
