package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.elf.ElfFacts;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes a real two-platform image with its SBOM, signature and provenance to the real local
 * registry, then checks them with tools we did not write: skopeo's sigstoreSigned policy, openssl,
 * and the CycloneDX schema validator.
 */
class SupplyChainRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final String VERSION = "1.0";
  private static final Path TIMER_MANIFEST = Path.of("packs/core/Cargo.toml").toAbsolutePath();

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private Path layoutDirectory;
  private ArtifactLayout artifacts;
  private Path source;
  private Path plainKey;
  private Path privateKey;
  private Path publicKey;
  private String builderId;

  @BeforeEach
  void release() throws Exception {
    TestEnvironment.requireTool("openssl");
    TestEnvironment.requireTool("git");
    layoutDirectory =
        Fixtures.withBase(
            Fixtures.busyboxLayout(temp.resolve("layout")), TestEnvironment.baseImage());
    artifacts = new ArtifactLayout(temp.resolve("project/target/pack-binaries"));
    // The timer sensor, as verify reported it for both platforms, and its Cargo.lock.
    List<VerifiedBinary> binaries = new ArrayList<>();
    for (String target : List.of("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu")) {
      binaries.add(
          new VerifiedBinary(
              artifacts.root().resolve(target + "/attune-core-timer-sensor").toString(),
              target,
              "ab".repeat(32),
              1234,
              VerifiedBinary.PASS,
              List.of(),
              List.of(),
              new ElfFacts("EXEC", "x", false, null, List.of(), true, null),
              null));
    }
    new VerifyReport(binaries).write(artifacts.verifyReport());
    TestEnvironment.requireDocker();
    builderId =
        Fixtures.run(
                "docker", "image", "inspect", "--format", "{{.Id}}", TestEnvironment.builderImage())
            .trim();
    BuildRecord.write(
        artifacts.buildRecord(),
        TIMER_MANIFEST,
        "image " + TestEnvironment.builderImage() + " " + builderId,
        Map.of(
            "x86_64-unknown-linux-gnu", "cargo build --release --target x86_64-unknown-linux-gnu"));
    source = temp.resolve("project");
    Files.writeString(source.resolve("pom.xml"), "<project/>");
    Fixtures.run("git", "-C", source.toString(), "init", "-q");
    Fixtures.run(
        "git",
        "-C",
        source.toString(),
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "add",
        "pom.xml");
    Fixtures.run(
        "git",
        "-C",
        source.toString(),
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "sources");
    plainKey = Fixtures.signingKey(temp.resolve("keys/plain.pem"));
    privateKey = Fixtures.encryptedKey(plainKey, temp.resolve("keys/cosign.key"), PASSPHRASE);
    publicKey = temp.resolve("keys/cosign.pub");
    Fixtures.run(
        "openssl", "pkey", "-in", plainKey.toString(), "-pubout", "-out", publicKey.toString());
  }

  private PushResult push(String repository, Path key) throws Exception {
    return push(repository, key, true);
  }

  private PushResult push(String repository, Path key, boolean sbom) throws Exception {
    return push(
        repository,
        key,
        sbom,
        Map.of("pack.image", repository, "pack.sign.passphraseEnv", "SECRET_NAME"));
  }

  private PushResult push(String repository, Path key, boolean sbom, Map<String, String> properties)
      throws Exception {
    SupplyChainRequest supplyChain =
        new SupplyChainRequest(
            sbom,
            key,
            Secret.of(PASSPHRASE),
            artifacts,
            source,
            "0.1.0-TEST",
            "io.attune.packs:core:" + VERSION,
            properties,
            Instant.parse("2026-11-28T00:00:00Z"));
    return new ImagePush(log, FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                layoutDirectory,
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
                supplyChain,
                false));
  }

  private String repository(String purpose) {
    return TestEnvironment.registry() + "/" + Fixtures.freshRepository(purpose);
  }

  @Test
  void aSignedPushVerifiesWithSkopeoAndOpenssl() throws Exception {
    TestEnvironment.requireTool("skopeo");
    String repository = repository("signed");
    PushResult result = push(repository, privateKey);

    // Debian's skopeo 1.9.3 finds and parses the signature, then refuses every sigstore signature
    // by a Debian patch ("sigstore disabled"); for an unsigned image it finds none. So it proves
    // the attachment is where and what cosign's format says; openssl checks the signature itself.
    assertThat(skopeoCopy(repository + ":" + VERSION)).isNotZero();
    assertThat(skopeoOutput).contains(DEBIAN_SIGSTORE_DISABLED);
    assertThat(skopeoCopy("--all", repository + ":" + VERSION)).isNotZero();
    assertThat(skopeoOutput).contains(DEBIAN_SIGSTORE_DISABLED);
    assertThat(opensslAccepts(repository, VERSION)).isTrue();

    RegistryClient client = client(repository);
    JsonNode signature =
        JSON.readTree(client.manifest(CosignSignature.tag(result.indexDigest())).content());
    assertThat(signature.path("layers")).hasSize(1);
    JsonNode layer = signature.path("layers").path(0);
    byte[] payload = client.blob(layer.path("digest").asText());
    assertThat(
            JSON.readTree(payload)
                .path("critical")
                .path("image")
                .path("docker-manifest-digest")
                .asText())
        .isEqualTo(result.indexDigest());
    byte[] sig =
        Base64.getDecoder()
            .decode(layer.path("annotations").path(CosignSignature.SIGNATURE_ANNOTATION).asText());
    assertThat(opensslVerifies(payload, sig)).isTrue();

    // The provenance: a DSSE envelope on the index, found through the referrers tag.
    byte[] envelope = referrer(client, result.indexDigest(), Dsse.MEDIA_TYPE);
    JsonNode dsse = JSON.readTree(envelope);
    byte[] statement = Base64.getDecoder().decode(dsse.path("payload").asText());
    byte[] dsseSig =
        Base64.getDecoder().decode(dsse.path("signatures").path(0).path("sig").asText());
    assertThat(
            opensslVerifies(
                Dsse.preAuthenticationEncoding(dsse.path("payloadType").asText(), statement),
                dsseSig))
        .isTrue();
    String text = new String(statement, StandardCharsets.UTF_8);
    String commit = Fixtures.run("git", "-C", source.toString(), "rev-parse", "HEAD").trim();
    assertThat(text)
        .contains(builderId.substring("sha256:".length()))
        .contains("\"gitCommit\":\"" + commit + "\"")
        .contains(result.indexDigest().substring(7))
        .contains("https://slsa.dev/provenance/v1")
        .doesNotContain("passphraseEnv")
        .doesNotContain(PASSPHRASE);

    // The SBOM of each platform, found through the referrers tag of its manifest.
    for (String platformDigest : result.platforms().values()) {
      byte[] sbom = referrer(client, platformDigest, SbomDocument.MEDIA_TYPE);
      SbomDocument.validate(sbom);
      JsonNode bom = JSON.readTree(sbom);
      assertThat(bom.path("components").findValuesAsText("purl"))
          .contains("pkg:cargo/attune-core-timer-sensor@0.1.0");
      assertThat(
              bom.path("metadata")
                  .path("component")
                  .path("hashes")
                  .path(0)
                  .path("content")
                  .asText())
          .isEqualTo(platformDigest.substring(7));
      assertThat(bom.path("components").findValuesAsText("purl"))
          .anyMatch(p -> p.startsWith("pkg:oci/busybox@sha256%3A"));
    }
    assertThat(log.text()).doesNotContain(PASSPHRASE);
    try (Stream<Path> files = Files.walk(artifacts.root())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain(PASSPHRASE);
      }
    }
  }

  @Test
  void aPushPublishesNoSecretFromTheBuildersEnvironmentOrCommand() throws Exception {
    String envSecret = "env-token-" + java.util.UUID.randomUUID();
    String commandSecret = "command-token-" + java.util.UUID.randomUUID();
    String urlSecret = "url-password-" + java.util.UUID.randomUUID();
    String command =
        "cargo build --release --target {target} --config registries.corp.token="
            + commandSecret
            + " --config=net.git-fetch-with-cli=true --index https://ci:"
            + urlSecret
            + "@git.example.com/index";
    // The build goal records the cargo command it ran, secrets and all, in its local record.
    BuildRecord.write(
        artifacts.buildRecord(),
        TIMER_MANIFEST,
        "image " + TestEnvironment.builderImage() + " " + builderId,
        Map.of(
            "x86_64-unknown-linux-gnu", command.replace("{target}", "x86_64-unknown-linux-gnu")));
    String repository = repository("no-secrets");
    Map<String, String> properties = new java.util.TreeMap<>();
    properties.put("pack.image", repository);
    properties.put("pack.targets", "x86_64-unknown-linux-gnu");
    properties.put(
        "pack.builder.environment",
        "SQLX_OFFLINE=true,CARGO_REGISTRIES_CORP_TOKEN=" + envSecret + ",RUST_LOG=a,b");
    properties.put("pack.builder.command", command);
    properties.put("pack.sign.passphraseEnv", "SECRET_NAME");
    properties.put("pack.some.future.property", envSecret);

    PushResult result = push(repository, privateKey, true, properties);

    RegistryClient client = client(repository);
    JsonNode dsse = JSON.readTree(referrer(client, result.indexDigest(), Dsse.MEDIA_TYPE));
    String statement =
        new String(
            Base64.getDecoder().decode(dsse.path("payload").asText()), StandardCharsets.UTF_8);
    System.out.println(
        "recorded: "
            + JSON.readTree(statement)
                .path("predicate")
                .path("buildDefinition")
                .path("externalParameters"));
    JsonNode recorded =
        JSON.readTree(statement)
            .path("predicate")
            .path("buildDefinition")
            .path("externalParameters");
    assertThat(recorded.path("properties").path("pack.builder.environment").asText())
        .isEqualTo("SQLX_OFFLINE,CARGO_REGISTRIES_CORP_TOKEN,RUST_LOG");
    assertThat(recorded.path("properties").path("pack.targets").asText())
        .isEqualTo("x86_64-unknown-linux-gnu");
    assertThat(recorded.path("properties").has("pack.some.future.property")).isFalse();
    assertThat(recorded.path("properties").has("pack.sign.passphraseEnv")).isFalse();
    assertThat(recorded.path("properties").path("pack.builder.command").asText())
        .contains("--config registries.corp.token=[redacted]")
        .contains("https://[redacted]@git.example.com/index");
    assertThat(recorded.path("cargoCommands").path("x86_64-unknown-linux-gnu").asText())
        .startsWith("cargo build --release --target x86_64-unknown-linux-gnu --config")
        .contains("registries.corp.token=[redacted]");
    for (String secret : List.of(envSecret, commandSecret, urlSecret)) {
      assertThat(statement).doesNotContain(secret);
      assertThat(log.text()).doesNotContain(secret);
      for (String platformDigest : result.platforms().values()) {
        assertThat(
                new String(
                    referrer(client, platformDigest, SbomDocument.MEDIA_TYPE),
                    StandardCharsets.UTF_8))
            .doesNotContain(secret);
      }
      try (Stream<Path> files = Files.walk(artifacts.root())) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          if (!file.equals(artifacts.buildRecord())) { // the build's own local record
            assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
                .as(file.toString())
                .doesNotContain(secret);
          }
        }
      }
    }
  }

  @Test
  void anUnsignedAndATamperedIndexAreRefused() throws Exception {
    TestEnvironment.requireTool("skopeo");
    String unsigned = repository("unsigned");
    push(unsigned, null);
    assertThat(skopeoCopy(unsigned + ":" + VERSION)).as(skopeoOutput).isNotZero();
    assertThat(skopeoOutput).contains("A signature was required, but no signature exists");
    assertThat(opensslAccepts(unsigned, VERSION)).isFalse();

    String repository = repository("tampered");
    PushResult result = push(repository, privateKey);
    RegistryClient client = client(repository);
    RegistryClient.Manifest index = client.manifest(result.indexDigest());
    // The amd64 image with one annotation more, an index pointing at it tagged in place of the
    // signed one, and the signed index's signature copied beside it: the signature names the
    // other digest, and the changed image has none.
    ObjectMapper json = new ObjectMapper();
    var tampered = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(index.content());
    var entry = (com.fasterxml.jackson.databind.node.ObjectNode) tampered.path("manifests").path(0);
    RegistryClient.Manifest image = client.manifest(entry.path("digest").asText());
    var changed = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(image.content());
    changed.putObject("annotations").put("tampered", "yes");
    byte[] changedBytes = json.writeValueAsBytes(changed);
    String changedDigest = "sha256:" + Sha256.of(changedBytes);
    client.putManifest(changedDigest, image.mediaType(), changedBytes);
    entry.put("digest", changedDigest).put("size", changedBytes.length);
    byte[] tamperedBytes = json.writeValueAsBytes(tampered);
    String tamperedDigest = "sha256:" + Sha256.of(tamperedBytes);
    RegistryClient.Manifest signature = client.manifest(CosignSignature.tag(result.indexDigest()));
    client.putManifest(
        CosignSignature.tag(tamperedDigest), signature.mediaType(), signature.content());

    assertThat(opensslAccepts(repository, VERSION)).isTrue();
    client.putManifest(VERSION, index.mediaType(), tamperedBytes);
    assertThat(opensslAccepts(repository, VERSION)).isFalse();
    // skopeo, pulling this machine's platform (the changed amd64 image), finds no signature.
    assertThat(skopeoCopy(repository + ":" + VERSION)).isNotZero();
    assertThat(skopeoOutput).contains("no signature exists");
  }

  @Test
  void aRerunAddsNothingAndRewritesTheSameDocuments() throws Exception {
    String repository = repository("rerun");
    PushResult first = push(repository, privateKey);
    Path supplyChain = artifacts.supplyChainDirectory();
    byte[] statement =
        Files.readAllBytes(supplyChain.resolve(SupplyChainDocuments.PROVENANCE_FILE));
    String arm64 =
        first.platforms().keySet().stream()
            .filter(p -> p.contains("arm64"))
            .findFirst()
            .orElseThrow();
    byte[] sbom = Files.readAllBytes(supplyChain.resolve(SupplyChainDocuments.sbomFile(arm64)));
    // Without the push state, the rerun attaches everything again rather than confirming it.
    Files.delete(artifacts.pushState());
    PushResult second = push(repository, privateKey);

    assertThat(second.indexDigest()).isEqualTo(first.indexDigest());
    assertThat(supplyChain.resolve(SupplyChainDocuments.PROVENANCE_FILE))
        .hasBinaryContent(statement);
    assertThat(supplyChain.resolve(SupplyChainDocuments.sbomFile(arm64))).hasBinaryContent(sbom);
    RegistryClient client = client(repository);
    assertThat(
            JSON.readTree(client.manifest(CosignSignature.tag(first.indexDigest())).content())
                .path("layers"))
        .hasSize(1);
    assertThat(
            JSON.readTree(client.manifest(Referrers.fallbackTag(first.indexDigest())).content())
                .path("manifests"))
        .hasSize(1);
  }

  /**
   * Attachments to different manifests go up at once, and the SBOMs and the provenance share one
   * blob, the empty config. Signing an image pushed before (so nothing went up beside it) makes all
   * of them send it; the proxy holds its upload back, and every artifact manifest must still wait
   * for it: a registry refuses a manifest whose blob it has not got.
   */
  @Test
  void attachmentsMadeAtOnceWaitForTheBlobTheyShare() throws Exception {
    String empty = Sha256.of(Referrers.empty()); // the hex: the query has the digest URL-encoded
    List<String> emptyUploads = Collections.synchronizedList(new ArrayList<>());
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              if (request.method().equals("PUT") && request.query().contains(empty)) {
                emptyUploads.add(request.path());
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return FaultProxy.Action.FORWARD;
            })) {
      String repository = proxy.address() + "/" + Fixtures.freshRepository("shared-blob");
      push(repository, null, false);

      PushResult signed = push(repository, privateKey);

      assertThat(emptyUploads).hasSize(1);
      assertThat(log.text()).contains("Attached the SLSA provenance of ");
      RegistryClient client = client(repository);
      assertThat(
              JSON.readTree(client.manifest(Referrers.fallbackTag(signed.indexDigest())).content())
                  .path("manifests"))
          .hasSize(1);
    }
  }

  @Test
  void aFirstPushsAttachmentsSpendNoRequestTwice() throws Exception {
    List<String> plain = requestsOfAFirstPush(false);
    List<String> signed = requestsOfAFirstPush(true);
    // Two SBOMs, three signatures and the provenance on a registry without the referrers API,
    // once the index is in and audited: 1 referrers probe, 6 tag reads (the referrers tags of the
    // SBOMs' and the provenance's subjects, 3 signature tags), 10 blobs (the empty config, 2
    // SBOMs, the envelope, 3 payloads and 3 configs; 2 requests each, sent without asking), then
    // 2 for each SBOM and the provenance (artifact, tag), 1 for each signature; and for each
    // referrers tag written (the SBOMs' and the provenance's), a read just before the write and
    // one after it, which tell whether another push rewrote it at once without this entry
    // (Referrers).
    assertThat(signed.size() - plain.size()).isLessThanOrEqualTo(1 + 20 + 16 + 6);
    assertThat(count(signed, "HEAD ") - count(plain, "HEAD ")).isZero();
    assertThat(count(signed, "GET ") - count(plain, "GET ")).isEqualTo(7 + 6);
    assertThat(signed).filteredOn(line -> line.contains("/referrers/")).hasSize(1);
  }

  /**
   * The documents' blobs go up beside the audit, not beside the image's own uploads, which they
   * would slow on a small machine. The proxy holds the platform manifests back for a second, time
   * enough to make the documents: none of their blobs may start uploading before the index.
   */
  @Test
  void aFirstPushSendsTheDocumentsBlobsOnlyOnceTheImageIsIn() throws Exception {
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger manifestsHeld = new AtomicInteger();
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              String line = request.method() + " " + request.path();
              requests.add(line);
              if (isManifestByDigest(line) && manifestsHeld.incrementAndGet() <= 2) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return FaultProxy.Action.FORWARD;
            })) {
      push(proxy.address() + "/" + Fixtures.freshRepository("documents-later"), privateKey);
    }
    List<String> sent = List.copyOf(requests);
    // The two platform manifests, then the index; the attachments' manifests come after it.
    int indexPut =
        IntStream.range(0, sent.size())
            .filter(i -> isManifestByDigest(sent.get(i)))
            .skip(2)
            .findFirst()
            .orElseThrow();

    // Before the index, the image's uploads alone (as many as an unsigned push makes); the
    // documents' 10 blobs after it.
    long imageUploads =
        requestsOfAFirstPush(false).stream().filter(SupplyChainRegistryTest::startsUpload).count();
    assertThat(sent.subList(0, indexPut))
        .filteredOn(SupplyChainRegistryTest::startsUpload)
        .hasSize((int) imageUploads);
    assertThat(sent.subList(indexPut, sent.size()))
        .filteredOn(SupplyChainRegistryTest::startsUpload)
        .hasSize(10);
  }

  private static boolean isManifestByDigest(String request) {
    return request.startsWith("PUT ") && request.contains("/manifests/sha256:");
  }

  private static boolean startsUpload(String request) {
    return request.startsWith("POST ") && request.contains("/blobs/uploads/");
  }

  private static long count(List<String> requests, String method) {
    return requests.stream().filter(line -> line.startsWith(method)).count();
  }

  /** The requests of a first push to a fresh repository, as "METHOD /path". */
  private List<String> requestsOfAFirstPush(boolean supplyChain) throws Exception {
    List<FaultProxy.Request> requests = Collections.synchronizedList(new ArrayList<>());
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              requests.add(request);
              return FaultProxy.Action.FORWARD;
            })) {
      String repository = proxy.address() + "/" + Fixtures.freshRepository("requests");
      if (supplyChain) {
        push(repository, privateKey);
      } else {
        push(repository, null, false);
      }
    }
    return requests.stream().map(r -> r.method() + " " + r.path()).toList();
  }

  /**
   * A push reads the tags its attachments rewrite while the audit runs, once each, and what it
   * reads is what the attachments then add to: a signature tag left by an earlier push of the same
   * index (deleted since, so this push is a first one again) keeps its signature beside the new
   * one.
   */
  @Test
  void aFirstPushOverTagsLeftByAnEarlierPushKeepsWhatTheyList() throws Exception {
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              requests.add(request.method() + " " + request.path());
              return FaultProxy.Action.FORWARD;
            })) {
      String repository = proxy.address() + "/" + Fixtures.freshRepository("orphan-tags");
      String index = push(repository, privateKey).indexDigest();
      Fixtures.run(
          "skopeo", "delete", "--tls-verify=false", "docker://" + repository + "@" + index);
      Files.delete(artifacts.pushState());
      Path otherKey =
          Fixtures.encryptedKey(
              Fixtures.signingKey(temp.resolve("keys/other-plain.pem")),
              temp.resolve("keys/other.key"),
              PASSPHRASE);
      requests.clear();

      push(repository, otherKey);

      List<String> tagReads =
          requests.stream()
              .filter(r -> r.startsWith("GET ") && r.contains("/manifests/sha256-"))
              .toList();
      // Each once before the attachments write, and the one referrers tag written again (the
      // provenance's, signed by another key) twice more: just before its write and after it
      // (Referrers).
      assertThat(tagReads).hasSize(8);
      assertThat(tagReads.stream().distinct()).hasSize(6);
      assertThat(tagReads)
          .filteredOn(r -> r.endsWith("/manifests/" + Referrers.fallbackTag(index)))
          .hasSize(3);
      assertThat(
              JSON.readTree(client(repository).manifest(CosignSignature.tag(index)).content())
                  .path("layers"))
          .hasSize(2);
    }
  }

  @Test
  void aWrongPassphraseFailsBeforeAnyTagIsWritten() throws Exception {
    String repository = repository("wrong-passphrase");
    // The same key, encrypted with another passphrase than the one the push is given.
    Path key = Fixtures.encryptedKey(plainKey, temp.resolve("keys/other.key"), "another one");
    assertThatThrownBy(() -> push(repository, key))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Could not decrypt pack.sign.key")
        .hasMessageNotContaining(PASSPHRASE);
    assertThat(
            Fixtures.exitCode(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + repository + ":" + VERSION))
        .isNotZero();
  }

  private RegistryClient client(String repository) throws Exception {
    var reference = io.attune.packbinaries.registry.ImageReference.parse(repository);
    return new HttpRegistryClient(reference.registry(), reference.repository(), null, false);
  }

  /** The one layer of the referrer of {@code subject} with that artifact type, via the tag. */
  private static byte[] referrer(RegistryClient client, String subject, String artifactType)
      throws Exception {
    JsonNode index = JSON.readTree(client.manifest(Referrers.fallbackTag(subject)).content());
    for (JsonNode entry : index.path("manifests")) {
      if (entry.path("artifactType").asText().equals(artifactType)) {
        JsonNode manifest = JSON.readTree(client.manifest(entry.path("digest").asText()).content());
        assertThat(manifest.path("subject").path("digest").asText()).isEqualTo(subject);
        return client.blob(manifest.path("layers").path(0).path("digest").asText());
      }
    }
    throw new AssertionError("no " + artifactType + " among the referrers of " + subject);
  }

  private boolean opensslVerifies(byte[] content, byte[] signature) throws Exception {
    Path data = Files.write(Files.createTempFile(temp, "data", ""), content);
    Path sig = Files.write(Files.createTempFile(temp, "sig", ""), signature);
    return Fixtures.exitCode(
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            publicKey.toString(),
            "-signature",
            sig.toString(),
            data.toString())
        == 0;
  }

  private static final String DEBIAN_SIGSTORE_DISABLED = "Debian-local change: sigstore disabled";

  /**
   * The check skopeo's sigstoreSigned policy would make, with openssl: the tag's manifest digest
   * has a cosign signature whose payload names that digest and this repository and which openssl
   * verifies with the public key.
   */
  private boolean opensslAccepts(String repository, String tag) throws Exception {
    RegistryClient client = client(repository);
    String digest = client.manifest(tag).digest();
    RegistryClient.Manifest signatures;
    try {
      signatures = client.manifest(CosignSignature.tag(digest));
    } catch (io.attune.packbinaries.registry.RegistryException e) {
      return false;
    }
    for (JsonNode layer : JSON.readTree(signatures.content()).path("layers")) {
      byte[] payload = client.blob(layer.path("digest").asText());
      JsonNode critical = JSON.readTree(payload).path("critical");
      byte[] sig =
          Base64.getDecoder()
              .decode(
                  layer.path("annotations").path(CosignSignature.SIGNATURE_ANNOTATION).asText());
      if (critical.path("image").path("docker-manifest-digest").asText().equals(digest)
          && critical.path("identity").path("docker-reference").asText().equals(repository)
          && opensslVerifies(payload, sig)) {
        return true;
      }
    }
    return false;
  }

  private String skopeoOutput = "";

  /** skopeo copy under a policy that accepts only images signed by the test key. */
  private int skopeoCopy(String... options) throws Exception {
    List<String> copyOptions = new ArrayList<>(List.of(options));
    String reference = copyOptions.remove(copyOptions.size() - 1);
    Path registriesD = Files.createDirectories(temp.resolve("registries.d"));
    Files.writeString(
        registriesD.resolve("local.yaml"),
        "docker:\n  " + TestEnvironment.registry() + ":\n    use-sigstore-attachments: true\n");
    Path policy = temp.resolve("policy.json");
    Files.writeString(
        policy,
        "{\"default\":[{\"type\":\"reject\"}],\"transports\":{"
            + "\"docker\":{\""
            + TestEnvironment.registry()
            + "\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\""
            + publicKey
            + "\",\"signedIdentity\":{\"type\":\"matchRepository\"}}]},"
            + "\"dir\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]}}}");
    Path out = Files.createTempDirectory(temp, "copy");
    Process process =
        new ProcessBuilder(
                "skopeo",
                "--policy",
                policy.toString(),
                "--registries.d",
                registriesD.toString(),
                "copy",
                "--src-tls-verify=false",
                "docker://" + reference,
                "dir:" + out)
            .redirectErrorStream(true)
            .start();
    skopeoOutput = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.waitFor();
  }
}
