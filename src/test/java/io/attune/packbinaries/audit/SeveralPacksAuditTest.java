package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.image.ImageBinary;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.image.InitImageResult;
import io.attune.packbinaries.image.InitImageSettings;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An init image of two packs that both ship a binary named {@code sensor}: each lands in its own
 * pack's directory with a label of its own, and the push's audit checks each against its label.
 */
class SeveralPacksAuditTest {

  private static final TargetTriple AMD64 =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple ARM64 =
      TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow();
  private static final String LABEL = "io.attune.pack-binaries.sha256.";

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void needsTheTestEnvironment() {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
  }

  private InitImageResult initImage(List<ImageBinary> binaries) throws Exception {
    return new InitImage(
            new InitImageSettings(
                TestEnvironment.baseImage(),
                "core",
                "1.0.0",
                null,
                null,
                Instant.parse("2026-11-28T00:00:00Z"),
                ManifestFormat.OCI,
                "attune/several-packs-test:dev",
                false,
                false,
                null),
            log)
        .build(binaries, temp.resolve("target/pack-binaries/image"));
  }

  /** A second static x86-64 program, other bytes than {@link AuditFixtures#staticAmd64}. */
  private Path otherStaticAmd64() throws Exception {
    TestEnvironment.requireTool("musl-gcc");
    Path source = Files.writeString(temp.resolve("extra.c"), "int main(void) { return 7; }\n");
    Path binary = temp.resolve("extra-amd64");
    Fixtures.run("musl-gcc", "-static", "-Os", "-o", binary.toString(), source.toString());
    return binary;
  }

  @Test
  void twoPacksBinariesOfOneNameGoToTheirPacksWithLabelsOfTheirOwnAndPassTheAudit()
      throws Exception {
    Path core = AuditFixtures.staticAmd64();
    Path extra = otherStaticAmd64();
    Path arm64 = AuditFixtures.staticArm64();
    InitImageResult built =
        initImage(
            List.of(
                new ImageBinary(AMD64, "sensor", core, Sha256.of(core), "core"),
                new ImageBinary(AMD64, "sensor", extra, Sha256.of(extra), "extra"),
                new ImageBinary(ARM64, "sensor", arm64, Sha256.of(arm64), "core"),
                new ImageBinary(ARM64, "sensor", arm64, Sha256.of(arm64), "extra")));

    Map<String, String> amd64Labels = labels(built, "amd64");
    assertThat(amd64Labels)
        .containsEntry(LABEL + "core/sensor", Sha256.of(core))
        .containsEntry(LABEL + "extra/sensor", Sha256.of(extra))
        .doesNotContainKey(LABEL + "sensor")
        .containsEntry("org.opencontainers.image.title", "pack-binaries-init (core, extra)");

    String repository = TestEnvironment.registry() + "/" + Fixtures.freshRepository("packs");
    AuditReport report = pushAndAudit(built, repository);

    assertThat(report.passed()).isTrue();
    for (AuditedPlatform platform : report.platforms()) {
      assertThat(platform.binaries())
          .extracting(AuditedBinary::path)
          .containsExactlyInAnyOrder(
              "/pack-binaries/core/sensors/sensor", "/pack-binaries/extra/sensors/sensor");
      platform.binaries().forEach(b -> assertThat(b.labelSha256()).isEqualTo(b.sha256()));
    }
  }

  @Test
  void onePacksImageKeepsTheLabelByNameAlone() throws Exception {
    Path core = AuditFixtures.staticAmd64();
    InitImageResult built =
        initImage(List.of(new ImageBinary(AMD64, "sensor", core, Sha256.of(core), "extra")));

    assertThat(labels(built, "amd64"))
        .containsEntry(LABEL + "sensor", Sha256.of(core))
        .containsEntry("org.opencontainers.image.title", "pack-binaries-init (extra)");
  }

  @Test
  void twoBinariesForOnePathFailNamingThePathAndBothFiles() throws Exception {
    Path core = AuditFixtures.staticAmd64();
    Path extra = otherStaticAmd64();

    assertThatThrownBy(
            () ->
                initImage(
                    List.of(
                        new ImageBinary(AMD64, "sensor", core, Sha256.of(core), "core"),
                        // No pack: the image goal's pack, core, so the same path.
                        new ImageBinary(AMD64, "sensor", extra, Sha256.of(extra)))))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Two binaries would go to one path of the linux/amd64 image")
        .hasMessageContaining("/pack-binaries/core/sensors/sensor from " + core)
        .hasMessageContaining(extra.toString());
  }

  @Test
  void aPacksBinaryIsCheckedAgainstItsOwnPacksLabelNeverAnothers() throws Exception {
    Path core = AuditFixtures.staticAmd64();
    Path extra = otherStaticAmd64();
    // As if the extra pack's sensor had been swapped for the core's after the build, and a pack
    // removed whose label stayed behind.
    String image =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/amd64",
            Map.of(
                "/pack-binaries/core/sensors/sensor", core,
                "/pack-binaries/extra/sensors/sensor", core),
            "LABEL " + LABEL + "core/sensor=" + Sha256.of(core),
            "LABEL " + LABEL + "extra/sensor=" + Sha256.of(extra),
            "LABEL " + LABEL + "gone/sensor=" + Sha256.of(extra));

    assertThatThrownBy(() -> audit(image))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "/pack-binaries/extra/sensors/sensor has sha256 "
                + Sha256.of(core)
                + ", but the image's label "
                + LABEL
                + "extra/sensor says "
                + Sha256.of(extra))
        .hasMessageContaining(
            "the label "
                + LABEL
                + "gone/sensor records a binary /pack-binaries/gone/sensors/sensor that is not"
                + " under /pack-binaries/")
        .hasMessageNotContaining("/pack-binaries/core/sensors/sensor has sha256");
  }

  /** The labels of the built image's platform with {@code architecture}, from the OCI layout. */
  private static Map<String, String> labels(InitImageResult built, String architecture)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(blob(built.layout(), built.index().digest()));
    for (JsonNode entry : index.path("manifests")) {
      if (entry.path("platform").path("architecture").asText().equals(architecture)) {
        JsonNode manifest = json.readTree(blob(built.layout(), entry.path("digest").asText()));
        JsonNode config =
            json.readTree(blob(built.layout(), manifest.path("config").path("digest").asText()));
        Map<String, String> labels = new TreeMap<>();
        config
            .path("config")
            .path("Labels")
            .fields()
            .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        return labels;
      }
    }
    throw new AssertionError("no " + architecture + " image");
  }

  private static byte[] blob(Path layout, String digest) throws Exception {
    return Files.readAllBytes(layout.resolve("blobs").resolve(digest.replace(':', '/')));
  }

  private AuditReport audit(String reference) throws Exception {
    return new ImageAudit(log)
        .run(
            new ImageAudit.Request(
                reference,
                new RegistryAccess(
                    new RegistryConnections(),
                    false,
                    false,
                    3,
                    Retry.DEFAULT_TIMEOUT,
                    null,
                    Map.of("DOCKER_CONFIG", temp.resolve("no-docker-config").toString())),
                temp.resolve("target/pack-binaries/" + AuditReport.FILE_NAME)));
  }

  /** Copies the layout to {@code repository} as skopeo would, then audits it as verify does. */
  private AuditReport pushAndAudit(InitImageResult built, String repository) throws Exception {
    TestEnvironment.requireTool("skopeo");
    Fixtures.run(
        "skopeo",
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "oci:" + built.layout() + ":1.0.0",
        "docker://" + repository + ":1.0.0");
    return audit(repository + ":1.0.0");
  }
}
