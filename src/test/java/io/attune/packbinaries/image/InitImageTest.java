package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init image built with jib from the test registry's two-platform busybox. */
class InitImageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant BUILD_TIME = Instant.parse("2026-11-28T00:00:00Z");
  private static final String VERSION = "1.2.3";

  @TempDir Path temp;
  // jib logs from several threads.
  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void needsTheTestEnvironment() {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
  }

  @Test
  void twoBuildsInDifferentDirectoriesAtDifferentTimesGiveIdenticalDigests() throws Exception {
    InitImageResult first = build(temp.resolve("first/checkout"), ManifestFormat.OCI);
    Thread.sleep(1100);
    InitImageResult second = build(temp.resolve("second"), ManifestFormat.OCI);

    assertThat(second.index()).isEqualTo(first.index());
    // The test registry is on this machine: jib's fallback to plain HTTP is expected, not a
    // warning.
    assertThat(logLines)
        .anyMatch(line -> line.startsWith("[DEBUG] [linux/amd64] Failed to connect to https://"))
        .noneMatch(line -> line.startsWith("[WARN]") && line.contains("Attempting again"))
        // One line per platform when it is done, no progress lines.
        .noneMatch(line -> !line.startsWith("[DEBUG]") && line.contains("% done"));
    assertThat(second.images()).isEqualTo(first.images());
    assertThat(first.images()).hasSize(2);
    assertThat(Sha256.of(second.layoutArchive())).isEqualTo(Sha256.of(first.layoutArchive()));
    for (var tarball : first.platformTarballs().entrySet()) {
      assertThat(Sha256.of(second.platformTarballs().get(tarball.getKey())))
          .as("tarball of %s", tarball.getKey())
          .isEqualTo(Sha256.of(tarball.getValue()));
      // The digest taken as the archive was written is the file's.
      assertThat(first.archiveDigests().get(tarball.getValue().getFileName().toString()))
          .isEqualTo(Sha256.of(tarball.getValue()));
    }
    assertThat(first.archiveDigests().get(first.layoutArchive().getFileName().toString()))
        .isEqualTo(Sha256.of(first.layoutArchive()));
    assertThat(first.archiveDigests()).hasSize(3);
    // Each platform carries only its own binaries: the layers differ.
    assertThat(first.images().get(0).layers().get(first.images().get(0).layers().size() - 1))
        .isNotEqualTo(
            first.images().get(1).layers().get(first.images().get(1).layers().size() - 1));
  }

  @Test
  void aFailedBuildLeavesThePreviousImagesAsTheyWere() throws Exception {
    InitImageResult good = build(temp.resolve("project"), ManifestFormat.OCI);
    byte[] index = Files.readAllBytes(good.layout().resolve("index.json"));
    byte[] archive = Files.readAllBytes(good.layoutArchive());

    String missingBase = TestEnvironment.registry() + "/library/no-such-base:0";
    // Both platforms fail; the message is the first platform's, whichever failed first.
    assertThatThrownBy(() -> build(temp.resolve("project"), ManifestFormat.OCI, missingBase))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("Cannot build the linux/amd64 image from base")
        .hasMessageContaining("no-such-base");

    assertThat(good.layout().resolve("index.json")).hasBinaryContent(index);
    assertThat(good.layoutArchive()).hasBinaryContent(archive);
    try (Stream<Path> leftovers = Files.list(good.layout().getParent().getParent())) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).doesNotContain(".image.partial");
    }
  }

  @Test
  void aBaseWithoutOnePlatformFailsWithThatPlatformsMessageAndKeepsThePreviousImages()
      throws Exception {
    TestEnvironment.requireTool("skopeo");
    InitImageResult good = build(temp.resolve("project"), ManifestFormat.OCI);
    Map<Path, String> before = contents(good.layout().getParent());
    // The busybox base's amd64 image alone: jib builds linux/amd64 from it and refuses arm64.
    String amd64Only = TestEnvironment.registry() + "/test/amd64-only-" + UUID.randomUUID() + ":1";
    run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--override-arch",
        "amd64",
        "docker://" + TestEnvironment.baseImage(),
        "docker://" + amd64Only);
    logLines.clear();

    assertThatThrownBy(() -> build(temp.resolve("project"), ManifestFormat.OCI, amd64Only))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("Cannot build the linux/arm64 image from base '" + amd64Only)
        .hasMessageContaining("arm64/linux");

    assertThat(contents(good.layout().getParent())).isEqualTo(before);
    try (Stream<Path> leftovers = Files.list(good.layout().getParent().getParent())) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .doesNotContain(".image.partial", ".image.previous");
    }
    // The goal announces both builds at the start: they run at once.
    assertThat(logLines.subList(0, 2))
        .allMatch(line -> line.startsWith("[INFO] Building the linux/"));
  }

  /** Every file under {@code directory}, by path, with its sha256. */
  private static Map<Path, String> contents(Path directory) throws Exception {
    Map<Path, String> contents = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        contents.put(directory.relativize(file), Sha256.of(file));
      }
    }
    return contents;
  }

  @Test
  void theLayoutIsANestedIndexThatSkopeoInspectsAndCopiesToARegistry() throws Exception {
    TestEnvironment.requireTool("skopeo");
    InitImageResult result = build(temp.resolve("project"), ManifestFormat.OCI);

    JsonNode layoutIndex = JSON.readTree(result.layout().resolve("index.json").toFile());
    assertThat(layoutIndex.path("manifests")).hasSize(1);
    JsonNode top = layoutIndex.path("manifests").path(0);
    assertThat(top.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(top.path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo(VERSION);

    String raw = run("skopeo", "inspect", "--raw", "oci:" + result.layout() + ":" + VERSION);
    JsonNode index = JSON.readTree(raw);
    assertThat(Sha256.of(raw.trim().getBytes())).isEqualTo(result.index().hex());
    assertThat(index.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.index.v1+json");
    List<String> platforms = new ArrayList<>();
    index
        .path("manifests")
        .forEach(
            m ->
                platforms.add(
                    m.path("platform").path("os").asText()
                        + "/"
                        + m.path("platform").path("architecture").asText()
                        + " "
                        + m.path("annotations").path(OciIndex.TARGET_ANNOTATION).asText()));
    assertThat(platforms)
        .containsExactly(
            "linux/amd64 " + TestBinaries.AMD64.name(), "linux/arm64 " + TestBinaries.ARM64.name());

    String config =
        run(
            "skopeo",
            "inspect",
            "--config",
            "--override-arch",
            "arm64",
            "oci-archive:" + result.layoutArchive() + ":" + VERSION);
    JsonNode labels = JSON.readTree(config).path("config").path("Labels");
    assertThat(labels.path("io.attune.pack-binaries.sha256." + TestBinaries.NAME).asText())
        .isEqualTo(Sha256.of(TestBinaries.compiled(TestBinaries.ARM64)));
    assertThat(labels.path("org.opencontainers.image.created").asText())
        .isEqualTo("2026-11-28T00:00:00Z");
    assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
    assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo("abc123");
    assertThat(JSON.readTree(config).path("architecture").asText()).isEqualTo("arm64");

    String repository = TestEnvironment.registry() + "/test/init-" + UUID.randomUUID();
    run(
        "skopeo",
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "oci-archive:" + result.layoutArchive() + ":" + VERSION,
        "docker://" + repository + ":" + VERSION);
    String pushed =
        run(
            "skopeo",
            "inspect",
            "--raw",
            "--tls-verify=false",
            "docker://" + repository + ":" + VERSION);
    assertThat(Sha256.of(pushed.trim().getBytes())).isEqualTo(result.index().hex());
  }

  @Test
  void aDockerManifestListForOldRegistries() throws Exception {
    InitImageResult result = build(temp.resolve("project"), ManifestFormat.DOCKER);

    // skopeo's oci: transport only takes OCI media types, so read the layout as push does.
    JsonNode top =
        JSON.readTree(result.layout().resolve("index.json").toFile()).path("manifests").path(0);
    assertThat(top.path("mediaType").asText())
        .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
    Path listBlob = OciLayout.open(result.layout()).blob(top.path("digest").asText());
    assertThat(Sha256.of(listBlob)).isEqualTo(result.index().hex());
    JsonNode list = JSON.readTree(listBlob.toFile());
    assertThat(list.path("mediaType").asText())
        .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
    assertThat(list.path("manifests")).hasSize(2);
    for (JsonNode entry : list.path("manifests")) {
      assertThat(entry.path("mediaType").asText())
          .isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
      JsonNode manifest =
          JSON.readTree(
              OciLayout.open(result.layout()).blob(entry.path("digest").asText()).toFile());
      assertThat(manifest.path("config").path("mediaType").asText())
          .isEqualTo("application/vnd.docker.container.image.v1+json");
    }
    // The builder has already checked each manifest's digest against the one jib computed.

    // The push goal publishes it as a Docker manifest list, with both platforms.
    TestEnvironment.requireTool("skopeo");
    String repository = TestEnvironment.registry() + "/test/init-docker-" + UUID.randomUUID();
    PushResult pushed = push(result, repository);
    JsonNode remote =
        JSON.readTree(
            run(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + repository + ":" + VERSION));
    assertThat(remote.path("mediaType").asText())
        .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
    List<String> platforms = new ArrayList<>();
    remote
        .path("manifests")
        .forEach(
            m ->
                platforms.add(
                    m.path("platform").path("os").asText()
                        + "/"
                        + m.path("platform").path("architecture").asText()));
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
    assertThat(pushed.indexDigest()).isEqualTo(result.index().digest());
  }

  @Test
  void aPushMountsTheBaseLayersFromTheBaseRepositoryInTheSameRegistry() throws Exception {
    TestEnvironment.requireTool("skopeo");
    InitImageResult result = build(temp.resolve("project"), ManifestFormat.OCI);
    JsonNode index =
        JSON.readTree(OciLayout.open(result.layout()).blob(result.index().digest()).toFile());
    for (JsonNode entry : index.path("manifests")) {
      assertThat(entry.path("annotations").path(OciIndex.BASE_NAME).asText())
          .isEqualTo(TestEnvironment.baseImage());
    }
    // What a push without mounts uploads: every distinct blob (the script layer is shared).
    long layoutBytes =
        result.images().stream()
            .flatMap(i -> Stream.concat(Stream.of(i.config()), i.layers().stream()))
            .distinct()
            .mapToLong(Descriptor::size)
            .sum();
    String repository = TestEnvironment.registry() + "/test/init-mount-" + UUID.randomUUID();

    PushResult pushed = push(result, repository);

    System.out.printf(
        "first push of the image goal's layout: %d bytes in %d blobs uploaded, %d blobs mounted"
            + " (without mounts: %d bytes)%n",
        pushed.uploadedBytes(), pushed.uploadedBlobs(), pushed.mountedBlobs(), layoutBytes);
    // busybox has one layer per platform, mounted; the configs, the binaries' layers and the
    // script's layer (the same on both platforms, so sent once, not even checked twice) are
    // uploaded.
    assertThat(pushed.mountedBlobs()).isEqualTo(2);
    assertThat(pushed.uploadedBlobs()).isEqualTo(5);
    assertThat(pushed.skippedBlobs()).isZero();
    assertThat(pushed.uploadedBytes()).isLessThan(layoutBytes);
    assertThat(logLines)
        .anyMatch(line -> line.startsWith("[INFO] Mounted 2 blobs from library/busybox"));
    JsonNode report = JSON.readTree(temp.resolve("image.json").toFile());
    assertThat(report.path("mountedBlobs").asInt()).isEqualTo(2);
    // The whole image is in the new repository: skopeo copies the arm64 one out.
    run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "--override-arch",
        "arm64",
        "docker://" + repository + ":" + VERSION,
        "oci:" + temp.resolve("copied") + ":x");
  }

  /** What the push goal does with the layout, to a repository of the test registry. */
  private PushResult push(InitImageResult result, String repository) throws Exception {
    return new ImagePush(new RecordingLog(logLines), FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                result.layout(),
                repository,
                List.of(VERSION),
                List.of(VERSION),
                new RegistryAccess(
                    new RegistryConnections(),
                    false,
                    false,
                    3,
                    Retry.DEFAULT_TIMEOUT,
                    null,
                    Map.of("DOCKER_CONFIG", temp.resolve("no-docker-config").toString())),
                null,
                false,
                temp.resolve("image.json"),
                null,
                false));
  }

  @Test
  void eachLoadedImageInstallsItsOwnBinaryIntoTheVolume() throws Exception {
    TestEnvironment.requireQemuAarch64();
    InitImageResult result = build(temp.resolve("project"), ManifestFormat.OCI);
    for (TargetTriple target : List.of(TestBinaries.ARM64, TestBinaries.AMD64)) {
      String platform = target.platform().toString();
      String image = "pack-binaries-test/init:" + UUID.randomUUID();
      String volume = "pack-binaries-test-" + UUID.randomUUID();
      String loaded =
          run("docker", "load", "-i", result.platformTarballs().get(target.platform()).toString());
      String id = loaded.substring(loaded.lastIndexOf(':') - 6).trim();
      try {
        run("docker", "tag", localName(), image);
        String install =
            run("docker", "run", "--rm", "--platform", platform, "-v", volume + ":/packs", image);
        assertThat(install).contains("installed core/sensors/" + TestBinaries.NAME);

        String check =
            run(
                "docker",
                "run",
                "--rm",
                "--platform",
                platform,
                "-v",
                volume + ":/packs",
                "--entrypoint",
                "/bin/sh",
                image,
                "-c",
                "cd /packs/core/sensors && sha256sum "
                    + TestBinaries.NAME
                    + " && stat -c %a "
                    + TestBinaries.NAME
                    + " && ./"
                    + TestBinaries.NAME);
        assertThat(check)
            .as(platform)
            .contains(Sha256.of(TestBinaries.compiled(target)) + "  " + TestBinaries.NAME)
            .contains("755")
            .contains(TestBinaries.GREETING);
      } finally {
        quietly("docker", "volume", "rm", "-f", volume);
        quietly("docker", "rmi", "-f", image);
      }
      assertThat(id).isNotBlank();
    }
    quietly("docker", "rmi", localName());
  }

  private String localName() {
    return "pack-binaries-test/init:" + VERSION;
  }

  private InitImageResult build(Path project, ManifestFormat format) throws Exception {
    return build(project, format, TestEnvironment.baseImage());
  }

  private InitImageResult build(Path project, ManifestFormat format, String base) throws Exception {
    ArtifactLayout layout = new ArtifactLayout(project.resolve("target/pack-binaries"));
    Map<TargetTriple, String> verdicts = new LinkedHashMap<>();
    verdicts.put(TestBinaries.ARM64, "pass");
    verdicts.put(TestBinaries.AMD64, "pass");
    TestBinaries.stage(layout, verdicts);
    InitImageSettings settings =
        new InitImageSettings(
            base,
            "core",
            VERSION,
            "abc123",
            null,
            BUILD_TIME,
            format,
            localName(),
            false,
            false,
            null);
    BuildLog log = new RecordingLog(logLines);
    long start = System.nanoTime();
    InitImageResult result =
        new InitImage(settings, log)
            .build(
                VerifiedBinaries.select(layout, FileDigests.inMemory()), layout.imageDirectory());
    System.out.printf(
        "image goal core for 2 platforms: %.2f s%n", (System.nanoTime() - start) / 1e9);
    return result;
  }

  private static String run(String... command) throws Exception {
    StringBuilder out = new StringBuilder();
    ProcessRunner.Result result =
        new ProcessRunner(line -> out.append(line).append('\n')).run(List.of(command));
    assertThat(result.succeeded()).as(String.join(" ", command) + "\n" + out).isTrue();
    return out.toString();
  }

  private static void quietly(String... command) throws Exception {
    new ProcessRunner(line -> {}).run(List.of(command));
  }
}
