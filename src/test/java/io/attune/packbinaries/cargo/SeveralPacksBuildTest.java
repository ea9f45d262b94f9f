package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.artifacts.Crate;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packs in one build, against the real engine and builder: the core pack a crate of its own,
 * the extra pack one package of a workspace whose other member, the agent, must never be compiled
 * (its source is a compile error). Both ship a binary named {@code sensor}.
 */
class SeveralPacksBuildTest {

  private static final TargetTriple X86 =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();

  @TempDir Path dir;
  private String image;
  private Path project;

  @BeforeEach
  void projectAndImage() throws Exception {
    TestEnvironment.requireDocker();
    image = "pack-binaries-test/several-packs:" + UUID.randomUUID().toString().substring(0, 8);
    docker("tag", TestEnvironment.builderImage(), image);
    Path source = Path.of("src/it/build-several-packs");
    project = dir.resolve("project");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path relative = source.relativize(file);
        if (!relative.startsWith("target")) {
          Files.copy(file, project.resolve(relative.toString()));
        }
      }
    }
  }

  @AfterEach
  void untag() throws Exception {
    if (image != null) {
      docker("rmi", image);
    }
  }

  @Test
  void eachPackBuildsOnlyItsOwnBinariesAndStaysUpToDateOnItsOwn() throws Exception {
    List<List<BuiltBinary>> first = new ArrayList<>();
    // Both packs, of two workspaces, in one builder container.
    assertThat(containersStartedBy(() -> first.add(build(new RecordingLog())))).isEqualTo(1);
    List<BuiltBinary> built = first.get(0);

    Path out = dir.resolve("target/pack-binaries");
    assertThat(BuiltBinaries.read(out.resolve("binaries.json")))
        .containsExactlyElementsOf(built)
        .extracting(BuiltBinary::qualifiedName, BuiltBinary::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "core/sensor", "packs/core/x86_64-unknown-linux-gnu/sensor"),
            org.assertj.core.groups.Tuple.tuple(
                "extra/sensor", "packs/extra/x86_64-unknown-linux-gnu/sensor"));
    assertThat(built.get(0).sha256()).isNotEqualTo(built.get(1).sha256());
    assertThat(run(out.resolve(built.get(0).path()), "--version"))
        .isEqualTo("core core-sensor 1.0.0");
    assertThat(run(out.resolve(built.get(1).path()), "--version"))
        .isEqualTo("extra extra-sensor 2.0.0");
    assertThat(out.resolve("packs/extra/x86_64-unknown-linux-gnu/sensor.sha256"))
        .content()
        .isEqualTo(built.get(1).sha256() + "  sensor\n");

    // Each pack's own crates: the agent and its database crate went into neither.
    BuildRecord record = BuildRecord.read(out.resolve("build-record.json")).orElseThrow();
    assertThat(record.lock("extra").crates())
        .extracting(Crate::name)
        .containsExactly("extra-sensor", "sensor-common");
    assertThat(record.lock("core").crates()).extracting(Crate::name).containsExactly("core-sensor");
    assertThat(record.commands().get(X86.name()))
        .isEqualTo(
            "core: cargo build --release --target x86_64-unknown-linux-gnu --bin sensor;"
                + " extra: cargo build --release --target x86_64-unknown-linux-gnu"
                + " --package extra-sensor --bin sensor");

    RecordingLog second = new RecordingLog();
    assertThat(containersStartedBy(() -> build(second))).isZero();
    assertThat(second.text())
        .contains("core/sensor for x86_64-unknown-linux-gnu is up to date")
        .contains("extra/sensor for x86_64-unknown-linux-gnu is up to date");

    // An edit in the extra pack's workspace rebuilds that pack alone.
    Path main = project.resolve("extra-sensor/src/main.rs");
    Files.writeString(main, Files.readString(main) + "\n// edited\n");
    RecordingLog third = new RecordingLog();
    assertThat(containersStartedBy(() -> build(third))).isEqualTo(1);
    assertThat(third.text())
        .contains("core/sensor for x86_64-unknown-linux-gnu is up to date")
        .doesNotContain("extra/sensor for x86_64-unknown-linux-gnu is up to date");
  }

  private BuildRequest request(String pack, Path manifest, String cargoPackage) {
    return new BuildRequest(
        manifest,
        List.of(X86),
        List.of(),
        List.of(),
        "release",
        "cargo build --release --target {target}",
        image,
        Map.of("SQLX_OFFLINE", "true"),
        false,
        dir.resolve("target/pack-binaries"),
        null,
        pack,
        cargoPackage);
  }

  private List<BuiltBinary> build(RecordingLog log) throws Exception {
    List<BuildRequest> requests =
        List.of(
            request("core", project.resolve("core/Cargo.toml"), null),
            request("extra", project.resolve("Cargo.toml"), "extra-sensor"));
    CommandTemplate template =
        CommandTemplate.parse(requests.get(0).command(), requests.get(0).profile());
    ContainerEngine engine = new ContainerEngine("docker", log);
    try (BuilderContainer container = new BuilderContainer(requests, engine, log)) {
      List<BinaryBuilder> builders = new ArrayList<>();
      for (BuildRequest request : requests) {
        builders.add(
            new BinaryBuilder(
                request,
                new ContainerToolchain(request, engine, template, log, container),
                log,
                FileDigests.inMemory()));
      }
      return BinaryBuilder.runAll(builders, template);
    }
  }

  private static String run(Path binary, String argument) throws Exception {
    Process process =
        new ProcessBuilder(binary.toString(), argument).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();
    return output.trim();
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  /** The containers of this test's image the engine started while {@code step} ran. */
  private long containersStartedBy(Step step) throws Exception {
    String since = unixSeconds();
    step.run();
    String until = unixSeconds();
    return docker(
            "events",
            "--since",
            since,
            "--until",
            until,
            "--filter",
            "type=container",
            "--filter",
            "event=start",
            "--filter",
            "image=" + image,
            "--format",
            "{{.ID}}")
        .stream()
        .filter(line -> !line.isBlank())
        .count();
  }

  private static String unixSeconds() {
    long now = System.currentTimeMillis();
    return String.format(java.util.Locale.ROOT, "%d.%03d", now / 1000, now % 1000);
  }

  private static List<String> docker(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output.lines().toList();
  }
}
