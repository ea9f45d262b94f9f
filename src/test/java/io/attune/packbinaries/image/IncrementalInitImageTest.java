package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image goal's second run, against the test registry: skipped only when nothing changed. */
class IncrementalInitImageTest {

  private static final Instant BUILD_TIME = Instant.parse("2026-11-28T00:00:00Z");

  @TempDir Path temp;
  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
  private ArtifactLayout layout;

  @BeforeEach
  void needsTheTestEnvironment() throws Exception {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
    layout = new ArtifactLayout(temp.resolve("project/target/pack-binaries"));
    stage("");
  }

  @Test
  void aSecondBuildWithUnchangedInputsIsSkippedAndTouchesNoFile() throws Exception {
    IncrementalInitImage.Outcome first = build(settings("abc123"), "1.0.0");
    assertThat(first.upToDate()).isFalse();
    assertThat(IncrementalInitImage.stateFile(layout.imageDirectory())).isRegularFile();
    Map<Path, FileTime> times = modificationTimes(first);
    logLines.clear();

    IncrementalInitImage.Outcome second = build(settings("abc123"), "1.0.0");

    assertThat(second.upToDate()).isTrue();
    assertThat(logLines)
        .anyMatch(
            line ->
                line.matches(
                    "\\[INFO\\] init image up to date \\(binaries, base image "
                        + java.util.regex.Pattern.quote(TestEnvironment.baseImage())
                        + "@sha256:[0-9a-f]{64} and parameters unchanged\\); not rebuilt"))
        .noneMatch(line -> line.startsWith("[INFO] Building the"));
    assertThat(modificationTimes(first)).isEqualTo(times);
    assertThat(second.platformTarballs()).isEqualTo(first.platformTarballs());
  }

  @Test
  void anOutputDirectoryGivenThroughDotDotIsStillUpToDate() throws Exception {
    // The packs POM writes ${project.basedir}/../target/packs.
    Files.createDirectories(temp.resolve("project/packs"));
    layout = new ArtifactLayout(temp.resolve("project/packs/../target/pack-binaries"));
    stage("");
    build(settings("abc123"), "1.0.0");

    assertThat(build(settings("abc123"), "1.0.0").upToDate()).isTrue();
  }

  @Test
  void aChangedBinaryRebuilds() throws Exception {
    build(settings("abc123"), "1.0.0");
    stage("other bytes");
    assertThat(build(settings("abc123"), "1.0.0").upToDate()).isFalse();
    assertThat(build(settings("abc123"), "1.0.0").upToDate()).isTrue();
  }

  @Test
  void aChangedSettingOrPluginVersionRebuilds() throws Exception {
    build(settings("abc123"), "1.0.0");
    assertThat(build(settings("def456"), "1.0.0").upToDate()).as("revision").isFalse();
    assertThat(build(settings("def456"), "1.0.1").upToDate()).as("plugin version").isFalse();
    assertThat(build(settings("def456"), "1.0.1").upToDate()).isTrue();
  }

  @Test
  void aDeletedTarballOrDamagedBlobRebuilds() throws Exception {
    IncrementalInitImage.Outcome first = build(settings("abc123"), "1.0.0");
    Files.delete(first.platformTarballs().values().iterator().next());
    IncrementalInitImage.Outcome second = build(settings("abc123"), "1.0.0");
    assertThat(second.upToDate()).isFalse();
    assertThat(first.platformTarballs().values()).allMatch(Files::isRegularFile);

    Path blobs = layout.imageDirectory().resolve("layout/blobs/sha256");
    try (var files = Files.list(blobs)) {
      Path blob = files.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().get();
      Files.writeString(blob, "damaged", java.nio.file.StandardOpenOption.APPEND);
    }
    assertThat(build(settings("abc123"), "1.0.0").upToDate()).isFalse();
  }

  @Test
  void movingTheBaseTagRebuilds() throws Exception {
    TestEnvironment.requireTool("skopeo");
    String movingBase = TestEnvironment.registry() + "/test/moving-base:" + UUID.randomUUID();
    copy("docker://" + TestEnvironment.baseImage(), "docker://" + movingBase);
    InitImageSettings settings = settings("abc123", movingBase);
    IncrementalInitImage.Outcome first = build(settings, "1.0.0");
    assertThat(build(settings, "1.0.0").upToDate()).isTrue();

    // Another two-platform image under the same tag: our own init image will do.
    copy("oci:" + first.built().layout() + ":1.2.3", "docker://" + movingBase);
    assertThat(build(settings, "1.0.0").upToDate()).isFalse();
    assertThat(build(settings, "1.0.0").upToDate()).isTrue();
  }

  @Test
  void theRegistryIsAskedForTheBaseDigestOnlyWhenNothingLocalHasChanged() throws Exception {
    List<String> tagRequests = Collections.synchronizedList(new ArrayList<>());
    String base = TestEnvironment.baseImage();
    String tagPath =
        "/v2/" + base.substring(base.indexOf('/') + 1).replaceFirst(":([^:/]+)$", "/manifests/$1");
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              if (request.path().equals(tagPath)) {
                tagRequests.add(request.method());
              }
              return FaultProxy.Action.FORWARD;
            })) {
      InitImageSettings settings =
          settings("abc123", proxy.address() + base.substring(base.indexOf('/')));

      assertThat(build(settings, "1.0.0").upToDate()).isFalse();
      // jib pulls the tag once per platform; nobody asked before the build.
      assertThat(tagRequests).as("first build").containsExactly("GET", "GET");

      tagRequests.clear();
      assertThat(build(settings, "1.0.0").upToDate()).isTrue();
      // The state holds the digest jib built from: one question decides the run is a no-op, a
      // HEAD, which Docker Hub does not count as a pull.
      assertThat(tagRequests).as("no-op run").containsExactly("HEAD");

      tagRequests.clear();
      stage("other bytes");
      assertThat(build(settings, "1.0.0").upToDate()).isFalse();
      assertThat(tagRequests).as("changed binaries").containsExactly("GET", "GET");
      assertThat(build(settings, "1.0.0").upToDate()).isTrue();
    }
  }

  @Test
  void aBaseThatCannotBeResolvedIsNotTrustedAndFallsThroughToTheBuild() {
    BuildLog quiet = new RecordingLog(logLines);
    assertThat(BaseImageDigest.resolve("127.0.0.1:1/library/busybox:1.36", true, Map.of(), quiet))
        .isEmpty();
    String pinned = "127.0.0.1:1/library/busybox@sha256:" + "a".repeat(64);
    assertThat(BaseImageDigest.resolve(pinned, false, Map.of(), quiet))
        .contains("sha256:" + "a".repeat(64));
  }

  private IncrementalInitImage.Outcome build(InitImageSettings settings, String pluginVersion)
      throws Exception {
    long start = System.nanoTime();
    IncrementalInitImage.Outcome outcome =
        new IncrementalInitImage(
                settings,
                pluginVersion,
                System.getenv(),
                new RecordingLog(logLines),
                FileDigests.inMemory())
            .build(
                VerifiedBinaries.select(layout, FileDigests.inMemory()), layout.imageDirectory());
    System.out.printf(
        "image goal (%s): %.2f s%n",
        outcome.upToDate() ? "up to date" : "built", (System.nanoTime() - start) / 1e9);
    return outcome;
  }

  private void stage(String trailer) throws Exception {
    Map<TargetTriple, String> verdicts = new LinkedHashMap<>();
    verdicts.put(TestBinaries.ARM64, "pass");
    verdicts.put(TestBinaries.AMD64, "pass");
    TestBinaries.stage(layout, verdicts, trailer);
  }

  private static InitImageSettings settings(String revision) {
    return settings(revision, TestEnvironment.baseImage());
  }

  private static InitImageSettings settings(String revision, String base) {
    return new InitImageSettings(
        base,
        "core",
        "1.2.3",
        revision,
        null,
        BUILD_TIME,
        ManifestFormat.OCI,
        "attune/pack-binaries-init-test:incremental",
        false,
        false,
        null);
  }

  private Map<Path, FileTime> modificationTimes(IncrementalInitImage.Outcome outcome)
      throws Exception {
    Map<Path, FileTime> times = new LinkedHashMap<>();
    for (Path file : outcome.platformTarballs().values()) {
      times.put(file, Files.getLastModifiedTime(file));
    }
    Path image = layout.imageDirectory();
    for (Path file :
        List.of(
            image.resolve(InitImage.LAYOUT_ARCHIVE),
            image.resolve("layout/index.json"),
            IncrementalInitImage.stateFile(image))) {
      times.put(file, Files.getLastModifiedTime(file));
    }
    return times;
  }

  private static void copy(String source, String destination) throws Exception {
    StringBuilder out = new StringBuilder();
    ProcessRunner.Result result =
        new ProcessRunner(line -> out.append(line).append('\n'))
            .run(
                List.of(
                    "skopeo",
                    "copy",
                    "--all",
                    "--src-tls-verify=false",
                    "--dest-tls-verify=false",
                    source,
                    destination));
    assertThat(result.succeeded()).as("skopeo copy %s %s%n%s", source, destination, out).isTrue();
  }
}
