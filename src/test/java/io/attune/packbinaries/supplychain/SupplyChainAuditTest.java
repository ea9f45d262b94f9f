package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supply-chain audit against a registry that serves whatever an attacker with push rights put
 * there: attestations about other images, other payload types, other keys, documents that are not
 * JSON, and referrer lists that name one big document many times. In memory, so every byte the
 * audit asks for is counted.
 */
class SupplyChainAuditTest {

  private static final String REPOSITORY = "registry.example.com/attune/pack-binaries-init";
  private static final String INDEX = digestOf("the index");
  private static final String AMD64 = digestOf("the amd64 manifest");
  private static final String OTHER = digestOf("another image");

  /** Each step once, as a retry would run a step that succeeds. */
  private static final RegistrySteps DIRECT =
      new RegistrySteps(Retry.standard(1, BuildLog.SILENT), "registry.example.com", "no advice");

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private final InMemoryRegistry registry = new InMemoryRegistry();
  private SigningKey key;
  private SigningKey otherKey;
  private VerificationKey verification;

  @BeforeEach
  void keys() throws Exception {
    TestEnvironment.requireTool("openssl");
    key = SigningKey.read(Fixtures.signingKey(temp.resolve("cosign.key")), null);
    otherKey = SigningKey.read(Fixtures.signingKey(temp.resolve("other.key")), null);
    Path pub = Files.writeString(temp.resolve("cosign.pub"), key.publicKeyPem());
    verification = VerificationKey.read(pub, "pack.verify.publicKey");
  }

  private static String digestOf(String text) {
    return "sha256:" + Sha256.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private SupplyChainAudit.Findings audit(VerificationKey with) throws Exception {
    return new SupplyChainAudit(registry, DIRECT, log)
        .check(new SupplyChainAudit.Request(REPOSITORY, INDEX, Map.of("linux/amd64", AMD64), with));
  }

  private static byte[] statement(String subject, String builder) {
    ObjectNode statement = Json.object();
    statement.put("_type", "https://in-toto.io/Statement/v1");
    statement
        .putArray("subject")
        .addObject()
        .put("name", REPOSITORY)
        .putObject("digest")
        .put("sha256", subject.substring(7));
    statement.put("predicateType", Provenance.PREDICATE_TYPE);
    statement
        .putObject("predicate")
        .putObject("buildDefinition")
        .putObject("internalParameters")
        .put("builder", builder);
    return Json.compact(statement);
  }

  private static byte[] envelope(byte[] statement, SigningKey signer) {
    return Dsse.envelope(Provenance.PAYLOAD_TYPE, statement, signer, "");
  }

  /** A cosign signature of the index, by {@code signer}, under its tag. */
  private void signIndex(SigningKey signer) {
    byte[] payload = CosignSignature.payload(REPOSITORY, INDEX);
    String payloadDigest = registry.blob(payload);
    ObjectNode manifest = Json.object();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    ObjectNode layer = manifest.putArray("layers").addObject();
    layer.put("mediaType", CosignSignature.PAYLOAD_MEDIA_TYPE);
    layer.put("digest", payloadDigest);
    layer.put("size", payload.length);
    layer
        .putObject("annotations")
        .put(
            CosignSignature.SIGNATURE_ANNOTATION,
            Base64.getEncoder().encodeToString(signer.sign(payload)));
    registry.manifests.put(CosignSignature.tag(INDEX), Json.compact(manifest));
  }

  @Test
  void anInTotoStatementAboutThisDigestSignedWithTheKeyIsItsProvenance() throws Exception {
    signIndex(key);
    registry.attach(INDEX, Dsse.MEDIA_TYPE, envelope(statement(INDEX, "builder-GOOD"), key), 0);

    SupplyChainAudit.Findings findings = audit(verification);

    assertThat(findings.provenance()).isTrue();
    assertThat(findings.signed()).isTrue();
    assertThat(log.text())
        .contains("SLSA provenance of " + INDEX + " (signed, verifies with")
        .contains("builder-GOOD");
  }

  @Test
  void aStatementAboutAnotherDigestSignedWithTheRightKeyIsNotThisImagesProvenance()
      throws Exception {
    signIndex(key);
    registry.attach(INDEX, Dsse.MEDIA_TYPE, envelope(statement(OTHER, "builder-OTHER"), key), 0);

    assertThatThrownBy(() -> audit(verification))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("None of the 1 attestation(s) attached to " + INDEX)
        .hasMessageContaining("is an in-toto statement about " + INDEX + " signed by");
    assertThat(log.text())
        .contains("is a statement about " + OTHER + ", not about " + INDEX + "; skipped")
        .doesNotContain("builder-OTHER");

    log.lines.clear();
    assertThat(audit(null).provenance()).isFalse();
    assertThat(log.text()).doesNotContain("builder-OTHER");
  }

  @Test
  void anEnvelopeOfAnotherPayloadTypeOrByAnotherKeyIsNamedAndNotDescribed() throws Exception {
    signIndex(key);
    byte[] aboutThis = statement(INDEX, "builder-SNEAKY");
    registry.attach(INDEX, Dsse.MEDIA_TYPE, Dsse.envelope("text/plain", aboutThis, key, ""), 0);
    registry.attach(INDEX, Dsse.MEDIA_TYPE, envelope(aboutThis, otherKey), 1);

    assertThatThrownBy(() -> audit(verification)).isInstanceOf(PackFailure.class);
    assertThat(log.text())
        .contains("has the payloadType 'text/plain', not application/vnd.in-toto+json; skipped")
        .contains("is unsigned: no signature of it verifies with")
        .doesNotContain("builder-SNEAKY");

    // A good one beside them is enough.
    registry.attach(INDEX, Dsse.MEDIA_TYPE, envelope(statement(INDEX, "builder-GOOD"), key), 2);
    log.lines.clear();
    assertThat(audit(verification).provenance()).isTrue();
    assertThat(log.text()).contains("builder-GOOD").doesNotContain("builder-SNEAKY");
  }

  @Test
  void garbageReferrersAreReportedAndSkippedWhenTheAuditNeedsNothingFromThem() throws Exception {
    byte[] notJson = "an SBOM is not JSON".getBytes(StandardCharsets.UTF_8);
    registry.attach(AMD64, SbomDocument.MEDIA_TYPE, notJson, 0);
    registry.attach(
        INDEX, Dsse.MEDIA_TYPE, "{\"payloadType\":".getBytes(StandardCharsets.UTF_8), 0);
    registry.listMissing(AMD64, SbomDocument.MEDIA_TYPE, digestOf("nowhere"));
    registry.listMissing(AMD64, SbomDocument.MEDIA_TYPE, "sha256:../../etc/passwd");

    SupplyChainAudit.Findings findings = audit(null);

    assertThat(findings.sboms()).isEmpty();
    assertThat(findings.provenance()).isFalse();
    assertThat(log.text())
        .contains("The SBOM sha256:" + Sha256.of(notJson) + " of linux/amd64 is not JSON; skipped")
        .contains("is not a DSSE envelope (not a JSON object); skipped")
        .contains("is missing; skipped")
        .contains("names an artifact with an invalid digest; skipped");

    // With a key, what it must vouch for still has to be there: the signature of the index.
    assertThatThrownBy(() -> audit(verification))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("has no cosign signature");
  }

  @Test
  void sixtyEntriesNamingOneBigSbomReadItOnceAndManyDocumentsStopAtTheBudget() throws Exception {
    byte[] big = new byte[7 << 20];
    new Random(3).nextBytes(big);
    for (int i = 0; i < 60; i++) {
      registry.attach(AMD64, SbomDocument.MEDIA_TYPE, big, i); // 60 artifacts, one layer
    }
    audit(null);
    assertThat(registry.blobReads).hasValue(1);
    assertThat(registry.blobBytes).hasValue(big.length);

    // 40 different 3 MiB SBOMs: 16 considered, 10 read (30 MiB), the rest past the budget.
    InMemoryRegistry many = new InMemoryRegistry();
    for (int i = 0; i < 40; i++) {
      byte[] document = new byte[3 << 20];
      new Random(i).nextBytes(document);
      many.attach(AMD64, SbomDocument.MEDIA_TYPE, document, i);
    }
    log.lines.clear();
    new SupplyChainAudit(many, DIRECT, log)
        .check(new SupplyChainAudit.Request(REPOSITORY, INDEX, Map.of("linux/amd64", AMD64), null));
    System.out.println(
        "40 SBOMs of 3 MiB: " + many.blobReads + " read, " + many.blobBytes + " bytes");
    assertThat(many.blobReads.get()).isEqualTo(10);
    assertThat(many.blobBytes.get()).isLessThanOrEqualTo(SupplyChainAudit.MAX_TOTAL_BYTES);
    assertThat(log.text())
        .contains("24 more " + SbomDocument.MEDIA_TYPE + " artifacts are attached to " + AMD64)
        .contains("MiB it reads of attached documents; skipped");

    // One declared over the SBOM limit is not read at all.
    InMemoryRegistry huge = new InMemoryRegistry();
    huge.attachDeclaring(AMD64, SbomDocument.MEDIA_TYPE, digestOf("30 MiB"), 30L << 20);
    new SupplyChainAudit(huge, DIRECT, log)
        .check(new SupplyChainAudit.Request(REPOSITORY, INDEX, Map.of("linux/amd64", AMD64), null));
    assertThat(huge.blobReads).hasValue(0);
  }

  /** Manifests and blobs in maps; referrers through the tag schema, as distribution 2.8. */
  static final class InMemoryRegistry implements RegistryClient {
    final Map<String, byte[]> manifests = new HashMap<>();
    final Map<String, byte[]> blobs = new HashMap<>();
    final AtomicInteger blobReads = new AtomicInteger();
    final AtomicLong blobBytes = new AtomicLong();

    String blob(byte[] content) {
      String digest = "sha256:" + Sha256.of(content);
      blobs.put(digest, content);
      return digest;
    }

    /** An artifact of {@code document} about {@code subject}; {@code n} tells artifacts apart. */
    void attach(String subject, String artifactType, byte[] document, int n) {
      attachDeclaring(subject, artifactType, blob(document), document.length, n);
    }

    void attachDeclaring(String subject, String artifactType, String layerDigest, long size) {
      attachDeclaring(subject, artifactType, layerDigest, size, 0);
    }

    private void attachDeclaring(
        String subject, String artifactType, String layerDigest, long size, int n) {
      ObjectNode manifest = Json.object();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
      manifest.put("artifactType", artifactType);
      ObjectNode layer = manifest.putArray("layers").addObject();
      layer.put("mediaType", artifactType);
      layer.put("digest", layerDigest);
      layer.put("size", size);
      manifest.putObject("subject").put("digest", subject).put("mediaType", MediaTypes.OCI_INDEX);
      manifest.putObject("annotations").put("n", Integer.toString(n));
      byte[] bytes = Json.compact(manifest);
      String digest = "sha256:" + Sha256.of(bytes);
      manifests.put(digest, bytes);
      list(subject, artifactType, digest, bytes.length);
    }

    void listMissing(String subject, String artifactType, String digest) {
      list(subject, artifactType, digest, 100);
    }

    private void list(String subject, String artifactType, String digest, long size) {
      String tag = Referrers.fallbackTag(subject);
      ObjectNode index;
      try {
        index =
            manifests.containsKey(tag)
                ? (ObjectNode) Json.parse(manifests.get(tag))
                : Json.object().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      ArrayNode entries =
          index.has("manifests") ? (ArrayNode) index.get("manifests") : index.putArray("manifests");
      entries
          .addObject()
          .put("mediaType", MediaTypes.OCI_MANIFEST)
          .put("digest", digest)
          .put("size", size)
          .put("artifactType", artifactType);
      manifests.put(tag, Json.compact(index));
    }

    @Override
    public byte[] blob(String digest) throws IOException {
      byte[] content = blobs.get(digest);
      if (content == null) {
        throw new RegistryException(404, "no blob " + digest);
      }
      blobReads.incrementAndGet();
      blobBytes.addAndGet(content.length);
      return content;
    }

    @Override
    public Manifest manifest(String reference) throws IOException {
      byte[] content = manifests.get(reference);
      if (content == null) {
        throw new RegistryException(404, "no manifest " + reference);
      }
      return new Manifest(MediaTypes.OCI_MANIFEST, content, "sha256:" + Sha256.of(content));
    }

    @Override
    public Optional<byte[]> referrers(String digest) {
      return Optional.empty();
    }

    @Override
    public boolean hasBlob(String digest) {
      return blobs.containsKey(digest);
    }

    @Override
    public void pushBlob(String digest, Path content) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pushBlob(String digest, byte[] content) {
      blobs.put(digest, content);
    }

    @Override
    public boolean mountBlob(String digest, String fromRepository) {
      return false;
    }

    @Override
    public boolean mountOrPushBlob(String digest, String fromRepository, Path content) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void downloadBlob(String digest, long size, Path destination) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.attune.packbinaries.registry.BlobStream openBlob(String digest, long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasManifest(String digest) {
      return manifests.containsKey(digest);
    }

    @Override
    public Optional<String> manifestDigest(String reference) {
      return Optional.ofNullable(manifests.get(reference)).map(b -> "sha256:" + Sha256.of(b));
    }

    @Override
    public void putManifest(String reference, String mediaType, byte[] content) {
      manifests.put(reference, content);
    }

    @Override
    public void close() {}
  }
}
