package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What starts a builder container on the second build, against the real engine. The builder image
 * gets a tag of this test's own, so the engine's events show exactly this test's containers, even
 * with other builds running on the machine.
 */
class IncrementalBuildTest {

  private static final TargetTriple X86 =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();

  @TempDir Path dir;
  private String image;
  private Path crate;
  private String command = "cargo build --release --target {target}";
  private List<String> binaries = List.of("it-sensor");

  @BeforeEach
  void crateAndImage() throws Exception {
    TestEnvironment.requireDocker();
    image = "pack-binaries-test/incremental:" + UUID.randomUUID().toString().substring(0, 8);
    docker("tag", TestEnvironment.builderImage(), image);
    Path source = Path.of("src/it/build-two-targets/crate");
    crate = dir.resolve("crate");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, crate.resolve(source.relativize(file).toString()));
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
  void aFileNoSourceIncludesStartsNoContainerAnEditedSourceDoes() throws Exception {
    assertThat(containersStartedBy(this::build)).isEqualTo(1);
    Files.writeString(crate.resolve("build.log"), "a log beside the sources\n");
    Files.writeString(crate.resolve("src/main.rs~"), "an editor's backup\n");
    Files.createDirectories(crate.resolve("notes"));
    Files.writeString(crate.resolve("notes/todo.md"), "- nothing\n");

    RecordingLog second = new RecordingLog();
    assertThat(containersStartedBy(() -> build(second))).isZero();
    assertThat(second.text())
        .contains("it-sensor for x86_64-unknown-linux-gnu is up to date")
        .contains("no container started");

    Files.writeString(
        crate.resolve("src/main.rs"),
        Files.readString(crate.resolve("src/main.rs")) + "\n// edited\n");
    assertThat(containersStartedBy(this::build)).isEqualTo(1);
  }

  @Test
  void anUpToDateRunRecordsTheSameCargoCommandsAsTheBuildItSkips() throws Exception {
    // No binaries given: the build asks cargo metadata, and its commands name them (--bin).
    binaries = List.of();
    Path record = dir.resolve("target/pack-binaries/build-record.json");
    build();
    String built = Files.readString(record);
    assertThat(built).contains("--bin it-sensor");

    Object file = Files.readAttributes(record, BasicFileAttributes.class).fileKey();
    assertThat(containersStartedBy(this::build)).isZero();
    // The provenance, and the push's check for a no-op, read this file: left as it was, not
    // written again (a write renames a new file into place).
    assertThat(Files.readString(record)).isEqualTo(built);
    assertThat(Files.readAttributes(record, BasicFileAttributes.class).fileKey()).isEqualTo(file);
  }

  @Test
  void aCrateWithoutCargoLockIsUpToDateAfterItsFirstBuild() throws Exception {
    Files.delete(crate.resolve("Cargo.lock"));

    assertThat(containersStartedBy(this::build)).isEqualTo(1);
    assertThat(crate.resolve("Cargo.lock")).isRegularFile();
    assertThat(containersStartedBy(this::build)).isZero();
  }

  @Test
  void withoutDepInfoEveryFileOfTheWorkspaceCounts() throws Exception {
    // A builder command (real cargo, in the builder) that leaves no dep-info behind.
    Path wrapper = crate.resolve("cargo-without-dep-info");
    Files.writeString(
        wrapper, "#!/bin/sh\ncargo \"$@\" && find \"$CARGO_TARGET_DIR\" -name '*.d' -delete\n");
    wrapper.toFile().setExecutable(true, false);
    command = wrapper + " build --release --target {target}";
    build();
    Files.writeString(crate.resolve("build.log"), "a log beside the sources\n");

    assertThat(containersStartedBy(this::build)).isEqualTo(1);
  }

  @Test
  void withABuildScriptEveryFileOfTheWorkspaceCounts() throws Exception {
    // Without rerun-if-changed, cargo reruns a build script when any file of its package changes.
    Files.writeString(crate.resolve("build.rs"), "fn main() {}\n");
    build();
    Files.writeString(crate.resolve("data.txt"), "a file build.rs might read\n");

    assertThat(containersStartedBy(this::build)).isEqualTo(1);
  }

  private BuildRequest request() {
    return new BuildRequest(
        crate.resolve("Cargo.toml"),
        List.of(X86),
        binaries,
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

  private void build() throws Exception {
    build(new RecordingLog());
  }

  private void build(RecordingLog log) throws Exception {
    BuildRequest request = request();
    CommandTemplate template = CommandTemplate.parse(request.command(), request.profile());
    ContainerEngine engine = new ContainerEngine("docker", log);
    new BinaryBuilder(
            request,
            new ContainerToolchain(request, engine, template, log),
            log,
            FileDigests.inMemory())
        .run(template);
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

  /** Now, to the millisecond, as docker events' --since and --until take it. */
  private static String unixSeconds() {
    long now = System.currentTimeMillis();
    return String.format(java.util.Locale.ROOT, "%d.%03d", now / 1000, now % 1000);
  }

  private static List<String> docker(String... arguments) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("docker"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output.lines().toList();
  }
}
