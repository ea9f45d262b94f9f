package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.image.ImageBinary;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.image.InitImageResult;
import io.attune.packbinaries.image.InitImageSettings;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audits images in the real local registry: a two-platform init image the plugin built and pushed
 * passes, and the two faults the seed's users met, built with `docker build --platform` and pushed
 * with `docker push`, fail naming the platform and the file.
 */
class ImageAuditTest {

  private static final TargetTriple AMD64 =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple ARM64 =
      TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow();

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void needsTheTestEnvironment() {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
  }

  private Path report() {
    return temp.resolve("target/pack-binaries/" + AuditReport.FILE_NAME);
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
                report()));
  }

  /** The init image the image goal builds, from {@code base}, with {@code binaries}. */
  private InitImageResult initImage(String base, ImageBinary... binaries) throws Exception {
    return new InitImage(
            new InitImageSettings(
                base,
                "core",
                "1.0.0",
                null,
                null,
                Instant.parse("2026-11-28T00:00:00Z"),
                ManifestFormat.OCI,
                "attune/audit-test:dev",
                false,
                false,
                null),
            log)
        .build(List.of(binaries), temp.resolve("target/pack-binaries/image"));
  }

  /** The push goal's work with its audit on, tagging 1.0.0. */
  private PushResult pushAndAudit(InitImageResult built, String repository) throws Exception {
    return new ImagePush(log, FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                built.layout(),
                repository,
                List.of("1.0.0"),
                List.of("1.0.0"),
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
                temp.resolve("target/pack-binaries/image.json"),
                null,
                true));
  }

  @Test
  void theTwoPlatformInitImageThePluginPushedPassesItsOwnAuditAndAnAuditByTag() throws Exception {
    Path amd64 = AuditFixtures.staticAmd64();
    Path arm64 = AuditFixtures.staticArm64();
    InitImageResult built =
        initImage(
            TestEnvironment.baseImage(),
            new ImageBinary(AMD64, AuditFixtures.SENSOR, amd64, Sha256.of(amd64)),
            new ImageBinary(ARM64, AuditFixtures.SENSOR, arm64, Sha256.of(arm64)));
    String repository = TestEnvironment.registry() + "/" + Fixtures.freshRepository("audit-push");

    PushResult pushed = pushAndAudit(built, repository);

    // The push's own audit wrote its report beside image.json.
    AuditReport afterPush = AuditReport.read(report());
    assertThat(afterPush.passed()).isTrue();
    assertThat(afterPush.digest()).isEqualTo(pushed.indexDigest());
    assertThat(log.text()).contains("Audited " + pushed.pinnedReference() + ": 2 binaries");

    long start = System.nanoTime();
    AuditReport byTag = audit(repository + ":1.0.0");
    System.out.printf(
        "audit of a two-platform image by tag: %.2f s%n", (System.nanoTime() - start) / 1e9);
    assertThat(byTag.passed()).isTrue();
    assertThat(byTag.platforms())
        .extracting(AuditedPlatform::platform)
        .containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    Map<String, String> machines = new LinkedHashMap<>();
    for (AuditedPlatform platform : byTag.platforms()) {
      assertThat(platform.binaries()).hasSize(1);
      AuditedBinary binary = platform.binaries().get(0);
      assertThat(binary.path()).isEqualTo(AuditFixtures.SENSOR_PATH);
      // The label the image goal wrote is what was checked, and it matches the file.
      assertThat(binary.labelSha256()).isEqualTo(binary.sha256());
      machines.put(platform.platform(), binary.elf().machine());
      // The busybox script and every other non-ELF file are left alone, not failed.
      assertThat(platform.reasons()).isEmpty();
    }
    assertThat(machines)
        .containsEntry("linux/amd64", "x86-64")
        .containsEntry("linux/arm64", "aarch64");
    assertThat(byTag.platforms().get(0).binaries().get(0).sha256())
        .isIn(Sha256.of(amd64), Sha256.of(arm64));
  }

  @Test
  void aPushWhoseAuditFailsWritesNoTag() throws Exception {
    // The verify goal passes the sensor; the base image brings a dynamic program under
    // /pack-binaries/, which only reading the pushed image back finds.
    String base =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/amd64",
            Map.of("/pack-binaries/other/sensors/tool", AuditFixtures.dynamicAmd64()));
    Path amd64 = AuditFixtures.staticAmd64();
    InitImageResult built =
        initImage(base, new ImageBinary(AMD64, AuditFixtures.SENSOR, amd64, Sha256.of(amd64)));
    String repository =
        TestEnvironment.registry() + "/" + Fixtures.freshRepository("audit-push-fails");

    assertThatThrownBy(() -> pushAndAudit(built, repository))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("failed the audit")
        .hasMessageContaining(
            "linux/amd64: /pack-binaries/other/sensors/tool is dynamically linked");

    assertThat(AuditReport.read(report()).passed()).isFalse();
    assertThat(log.text()).doesNotContain("Tagged ");
    assertThat(
            Fixtures.exitCode(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + repository + ":1.0.0"))
        .as("the release's tag")
        .isNotZero();
  }

  @Test
  void anImageLabelledArm64ThatCarriesAnX86StaticBinaryFailsNamingPlatformAndFile()
      throws Exception {
    String image =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/arm64",
            Map.of(AuditFixtures.SENSOR_PATH, AuditFixtures.staticAmd64()));

    assertThatThrownBy(() -> audit(image))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("failed the audit")
        .hasMessageContaining(
            "linux/arm64: "
                + AuditFixtures.SENSOR_PATH
                + " is an x86-64 binary, but target aarch64-unknown-linux-musl needs aarch64")
        .hasMessageContaining(report().toString());
    AuditReport written = AuditReport.read(report());
    assertThat(written.passed()).isFalse();
    AuditedBinary binary = written.platforms().get(0).binaries().get(0);
    assertThat(binary.elf().machine()).isEqualTo("x86-64");
    assertThat(binary.sha256()).isEqualTo(Sha256.of(AuditFixtures.staticAmd64()));
  }

  @Test
  void anImageWhoseBinaryIsDynamicFailsNamingPlatformFileAndLoader() throws Exception {
    String image =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/amd64",
            Map.of(AuditFixtures.SENSOR_PATH, AuditFixtures.dynamicAmd64()));

    assertThatThrownBy(() -> audit(image))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "linux/amd64: "
                + AuditFixtures.SENSOR_PATH
                + " is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2");
    AuditedBinary binary = AuditReport.read(report()).platforms().get(0).binaries().get(0);
    assertThat(binary.elf().needed()).contains("libc.so.6");
    assertThat(binary.verdict()).isEqualTo(AuditedBinary.FAIL);
  }

  @Test
  void aBinaryALaterLayerDeletesIsNotInTheImageAndNotAudited() throws Exception {
    String old = "/pack-binaries/core/sensors/old-dynamic-sensor";
    String image =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/amd64",
            Map.of(
                old,
                AuditFixtures.dynamicAmd64(),
                AuditFixtures.SENSOR_PATH,
                AuditFixtures.staticAmd64()),
            "RUN rm " + old);

    AuditReport report = audit(image);

    assertThat(report.passed()).isTrue();
    assertThat(report.platforms().get(0).binaries())
        .extracting(AuditedBinary::path)
        .containsExactly(AuditFixtures.SENSOR_PATH);
  }

  @Test
  void aBinaryThatDiffersFromTheImagesLabelFails() throws Exception {
    String wrong = "0".repeat(64);
    String image =
        AuditFixtures.dockerImage(
            temp.resolve("context"),
            "linux/amd64",
            Map.of(AuditFixtures.SENSOR_PATH, AuditFixtures.staticAmd64()),
            "LABEL " + OciIndex.SHA256_LABEL_PREFIX + AuditFixtures.SENSOR + "=" + wrong);

    assertThatThrownBy(() -> audit(image))
        .hasMessageContaining("linux/amd64: " + AuditFixtures.SENSOR_PATH + " has sha256 ")
        .hasMessageContaining("says " + wrong);
  }

  @Test
  void anImageWithNothingUnderPackBinariesFails() throws Exception {
    assertThatThrownBy(() -> audit(TestEnvironment.baseImage()))
        .hasMessageContaining("linux/amd64: no ELF file under /pack-binaries/")
        .hasMessageContaining("linux/arm64: no ELF file under /pack-binaries/");
  }

  @Test
  void aTagThatDoesNotExistIsAClearFailureAndLeavesNoEarlierReport() throws Exception {
    String missing = TestEnvironment.registry() + "/" + Fixtures.freshRepository("nothing") + ":9";
    Files.createDirectories(report().getParent());
    Files.writeString(report(), "{\"verdict\":\"pass\"}");
    assertThatThrownBy(() -> audit(missing))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Check the repository and tag");
    assertThat(Files.exists(report())).isFalse();
  }
}
