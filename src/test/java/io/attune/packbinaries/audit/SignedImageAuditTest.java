package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.supplychain.CosignSignature;
import io.attune.packbinaries.supplychain.Referrers;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit of a published image with {@code pack.verify.publicKey}, against the real registry: an
 * init image the plugin signed passes and lists its SBOMs and provenance; an unsigned one, one
 * signed with another key and one whose tag was moved to a changed index fail, each saying why.
 */
class SignedImageAuditTest {

  private static final String VERSION = "1.0.0";

  @TempDir static Path shared;
  private static Path layout;
  private static Path privateKey;
  private static Path publicKey;
  private static Path otherPublicKey;
  private static Path otherPrivateKey;

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  @BeforeAll
  static void imageAndKeys() throws Exception {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
    TestEnvironment.requireTool("openssl");
    layout =
        AuditFixtures.staticInitImage(
            "attune/signed-audit-test:dev", VERSION, shared.resolve("image"));
    privateKey = keyPair("cosign");
    publicKey = shared.resolve("cosign.pub");
    otherPrivateKey = keyPair("other");
    otherPublicKey = shared.resolve("other.pub");
  }

  /** NAME.key and NAME.pub, an EC P-256 pair made by openssl; returns the private key. */
  private static Path keyPair(String name) throws Exception {
    Path key = Fixtures.signingKey(shared.resolve(name + ".key"));
    Fixtures.run(
        "openssl",
        "pkey",
        "-in",
        key.toString(),
        "-pubout",
        "-out",
        shared.resolve(name + ".pub").toString());
    return key;
  }

  private PushResult push(String repository, Path key) throws Exception {
    return push(repository, key, Map.of());
  }

  /** {@code properties} reach the provenance: different ones make a different attestation. */
  private PushResult push(String repository, Path key, Map<String, String> properties)
      throws Exception {
    ArtifactLayout artifacts = new ArtifactLayout(temp.resolve("push/target/pack-binaries"));
    return new ImagePush(log, FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                layout,
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
                artifacts.pushReport(),
                new SupplyChainRequest(
                    true,
                    key,
                    null,
                    artifacts,
                    temp,
                    "0.1.0-TEST",
                    "io.attune.packs:core:" + VERSION,
                    properties,
                    Instant.parse("2026-11-28T00:00:00Z")),
                false));
  }

  private Path report() {
    return temp.resolve("audit/target/pack-binaries/" + AuditReport.FILE_NAME);
  }

  private AuditReport audit(String reference, Path key) throws Exception {
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
                report(),
                true,
                key));
  }

  private static String repository(String purpose) {
    return TestEnvironment.registry() + "/" + Fixtures.freshRepository(purpose);
  }

  @Test
  void aSignedImagePassesAndItsSbomsAndProvenanceAreListed() throws Exception {
    String repository = repository("audit-signed");
    PushResult pushed = push(repository, privateKey);

    AuditReport report = audit(repository + ":" + VERSION, publicKey);

    assertThat(report.passed()).isTrue();
    assertThat(AuditReport.read(report()).digest()).isEqualTo(pushed.indexDigest());
    assertThat(log.text())
        .contains(
            "Signature of "
                + repository
                + "@"
                + pushed.indexDigest()
                + " verifies with "
                + publicKey)
        .contains("SBOM of linux/amd64: CycloneDX 1.6")
        .contains("SBOM of linux/arm64: CycloneDX 1.6")
        .contains("(valid)")
        .contains(
            "SLSA provenance of "
                + pushed.indexDigest()
                + " (signed, verifies with "
                + publicKey
                + "): https://slsa.dev/provenance/v1");
  }

  @Test
  void anUnsignedImageFailsAndGetsNoPassingReport() throws Exception {
    String repository = repository("audit-unsigned");
    PushResult pushed = push(repository, null);

    assertThatThrownBy(() -> audit(repository + ":" + VERSION, publicKey))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            repository
                + "@"
                + pushed.indexDigest()
                + " has no cosign signature (no tag "
                + CosignSignature.tag(pushed.indexDigest())
                + ")");
    assertThat(report()).doesNotExist();
    // Without a key the same image passes, its SBOMs listed and no provenance found.
    assertThat(audit(repository + ":" + VERSION, null).passed()).isTrue();
    assertThat(log.text())
        .contains("SBOM of linux/amd64: CycloneDX")
        .contains("No SLSA provenance attached to " + pushed.indexDigest());
  }

  @Test
  void anImageSignedWithAnotherKeyFails() throws Exception {
    String repository = repository("audit-other-key");
    push(repository, privateKey);

    assertThatThrownBy(() -> audit(repository + ":" + VERSION, otherPublicKey))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("None of the 1 signature(s)")
        .hasMessageContaining("verifies with " + otherPublicKey);
  }

  @Test
  void aReleasePushedAgainWithAnotherKeyPassesWithThatKey() throws Exception {
    String repository = repository("audit-resigned");
    PushResult pushed = push(repository, privateKey, Map.of("pack.targets", "first"));
    push(repository, otherPrivateKey, Map.of("pack.targets", "second"));

    assertThat(audit(repository + ":" + VERSION, otherPublicKey).passed()).isTrue();
    assertThat(log.text())
        .contains(
            "SLSA provenance of "
                + pushed.indexDigest()
                + " verifies with "
                + otherPublicKey
                + " (1 more attached, by other keys, about other images or unreadable)");
  }

  @Test
  void aReleaseAttachedAgainAfterMoreAttestationsThanTheAuditReadsStillPasses() throws Exception {
    // 17 attestations by the first key (the audit reads 16 of a kind), then one by the other key:
    // the last attached is read.
    String repository = repository("audit-many-attestations");
    for (int i = 0; i < 17; i++) {
      push(repository, privateKey, Map.of("pack.targets", "release-" + i));
    }
    PushResult last = push(repository, otherPrivateKey, Map.of("pack.targets", "last"));

    assertThat(audit(repository + ":" + VERSION, otherPublicKey).passed()).isTrue();
    assertThat(log.text())
        .contains("SLSA provenance of " + last.indexDigest() + " verifies with " + otherPublicKey)
        .contains("more application/vnd.dsse.envelope.v1+json artifacts are attached to");
  }

  @Test
  void provenanceSignedOnlyByAnotherKeyFails() throws Exception {
    String repository = repository("audit-provenance-other-key");
    PushResult pushed = push(repository, privateKey, Map.of("pack.targets", "first"));
    push(repository, otherPrivateKey, Map.of("pack.targets", "second"));
    // The referrers tag as the first push left it: only the first key's attestation, while the
    // signature tag now carries the second key's signature.
    ImageReference reference = ImageReference.parse(repository);
    RegistryClient client =
        new HttpRegistryClient(reference.registry(), reference.repository(), null, false);
    String tag = Referrers.fallbackTag(pushed.indexDigest());
    RegistryClient.Manifest referrers = client.manifest(tag);
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = (ObjectNode) json.readTree(referrers.content());
    ArrayNode manifests = (ArrayNode) index.path("manifests");
    assertThat(manifests).hasSize(2);
    manifests.remove(1);
    client.putManifest(tag, referrers.mediaType(), json.writeValueAsBytes(index));

    assertThatThrownBy(() -> audit(repository + ":" + VERSION, otherPublicKey))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "None of the 1 attestation(s) attached to "
                + pushed.indexDigest()
                + " is an in-toto statement about "
                + pushed.indexDigest()
                + " signed by "
                + otherPublicKey);
    assertThat(report()).doesNotExist();
  }

  @Test
  void aTagMovedToAChangedIndexFailsNamingBothDigests() throws Exception {
    String repository = repository("audit-tampered");
    PushResult pushed = push(repository, privateKey);
    ImageReference reference = ImageReference.parse(repository);
    RegistryClient client =
        new HttpRegistryClient(reference.registry(), reference.repository(), null, false);
    // The amd64 manifest with one annotation more (same layers, so the binaries still pass), an
    // index pointing at it under the tag, and the signed index's signature copied beside it.
    ObjectMapper json = new ObjectMapper();
    RegistryClient.Manifest index = client.manifest(pushed.indexDigest());
    ObjectNode changedIndex = (ObjectNode) json.readTree(index.content());
    ObjectNode entry = (ObjectNode) changedIndex.path("manifests").path(0);
    RegistryClient.Manifest image = client.manifest(entry.path("digest").asText());
    ObjectNode changed = (ObjectNode) json.readTree(image.content());
    changed.putObject("annotations").put("changed", "after signing");
    byte[] changedBytes = json.writeValueAsBytes(changed);
    client.putManifest("sha256:" + Sha256.of(changedBytes), image.mediaType(), changedBytes);
    entry.put("digest", "sha256:" + Sha256.of(changedBytes)).put("size", changedBytes.length);
    byte[] indexBytes = json.writeValueAsBytes(changedIndex);
    String changedDigest = "sha256:" + Sha256.of(indexBytes);
    RegistryClient.Manifest signature = client.manifest(CosignSignature.tag(pushed.indexDigest()));
    client.putManifest(
        CosignSignature.tag(changedDigest), signature.mediaType(), signature.content());
    client.putManifest(VERSION, index.mediaType(), indexBytes);

    assertThatThrownBy(() -> audit(repository + ":" + VERSION, publicKey))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("vouches for " + pushed.indexDigest() + ", not for " + changedDigest);
    assertThat(Files.exists(report())).isFalse();
    // The index as pushed, by its digest, still passes.
    assertThat(audit(repository + "@" + pushed.indexDigest(), publicKey).passed()).isTrue();
  }
}
