package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.audit.AuditFixtures;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryConnections;
import io.attune.packbinaries.supplychain.CosignSignature;
import io.attune.packbinaries.supplychain.Referrers;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release pushed again with nothing changed, against the real local registry: the rerun confirms
 * with HEAD requests that the tags, signatures and referrers are what the last push left, and then
 * neither uploads, audits nor signs; anything else in the registry, in the parameters or in the
 * state file means the full push again.
 */
class NoOpPushTest {

  private static final List<String> TAGS = List.of("1.0.0", "latest");

  @TempDir static Path shared;
  private static Path layout;
  private static Path key;
  private static Path otherKey;

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private final List<FaultProxy.Request> requests = Collections.synchronizedList(new ArrayList<>());
  private FaultProxy proxy;
  private ArtifactLayout artifacts;
  private String repository;

  @BeforeAll
  static void imageAndKeys() throws Exception {
    TestEnvironment.requireDocker();
    TestEnvironment.requireRegistry();
    TestEnvironment.requireTool("openssl");
    layout =
        AuditFixtures.staticInitImage(
            "attune/noop-push-test:dev", "1.0.0", shared.resolve("image"));
    key = key("cosign");
    otherKey = key("other");
  }

  /** An unencrypted EC P-256 key made by openssl. */
  private static Path key(String name) throws Exception {
    return Fixtures.signingKey(shared.resolve(name + ".key"));
  }

  /** Every request goes through a recording proxy, so a test sees what each push sent. */
  @BeforeEach
  void proxy() throws Exception {
    proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              requests.add(request);
              return FaultProxy.Action.FORWARD;
            });
    repository = proxy.address() + "/" + Fixtures.freshRepository("noop");
    artifacts = new ArtifactLayout(temp.resolve("project/target/pack-binaries"));
  }

  @AfterEach
  void closeProxy() throws Exception {
    proxy.close();
  }

  private PushResult push(Path signingKey, List<String> tags) throws Exception {
    log.lines.clear();
    requests.clear();
    return new ImagePush(log, FileDigests.inMemory())
        .run(
            new ImagePush.Request(
                layout,
                repository,
                tags,
                tags,
                new RegistryAccess(
                    new RegistryConnections(),
                    false,
                    false,
                    3,
                    Duration.ofSeconds(30),
                    null,
                    Map.of("DOCKER_CONFIG", temp.resolve("no-docker-config").toString())),
                null,
                false,
                artifacts.pushReport(),
                new SupplyChainRequest(
                    true,
                    signingKey,
                    null,
                    artifacts,
                    temp,
                    "0.1.0-TEST",
                    "io.attune.packs:core:1.0.0",
                    Map.of("pack.image", repository),
                    Instant.parse("2026-11-28T00:00:00Z")),
                true));
  }

  private PushResult push() throws Exception {
    return push(key, TAGS);
  }

  private RegistryClient client() throws Exception {
    ImageReference reference = ImageReference.parse(repository);
    return new HttpRegistryClient(reference.registry(), reference.repository(), null, false);
  }

  /**
   * The digest (from the manifest's bytes) of every tag the push and its supply chain write: the
   * release's tags, the signatures of the index and each platform, and the referrers tags.
   */
  private Map<String, String> tagDigests(PushResult pushed) throws Exception {
    List<String> tags = new ArrayList<>(pushed.tags());
    for (String digest : subjects(pushed)) {
      tags.add(CosignSignature.tag(digest));
      tags.add(Referrers.fallbackTag(digest));
    }
    Map<String, String> digests = new LinkedHashMap<>();
    try (RegistryClient client = client()) {
      for (String tag : tags) {
        digests.put(tag, client.manifest(tag).digest());
      }
    }
    return digests;
  }

  private static List<String> subjects(PushResult pushed) {
    List<String> subjects = new ArrayList<>(List.of(pushed.indexDigest()));
    subjects.addAll(pushed.platforms().values());
    return subjects;
  }

  private boolean pushedInFull() {
    return log.lines.stream().anyMatch(l -> l.startsWith("[INFO] Audited "))
        && log.lines.stream().anyMatch(l -> l.startsWith("[INFO] Supply chain records attached"))
        && log.lines.stream().anyMatch(l -> l.startsWith("[INFO] Tagged "));
  }

  private List<String> methods() {
    return requests.stream().map(FaultProxy.Request::method).distinct().toList();
  }

  @Test
  void aSecondPushWithNothingNewSendsOnlyHeadRequestsAndSignsNothingAgain() throws Exception {
    PushResult first = push();
    assertThat(pushedInFull()).isTrue();
    Map<String, String> published = tagDigests(first);
    byte[] audit = Files.readAllBytes(artifacts.auditReport());

    PushResult second = push();

    assertThat(log.lines)
        .contains(
            "[INFO] "
                + repository
                + "@"
                + first.indexDigest()
                + " already published with tags 1.0.0, latest, its SBOMs, signatures and"
                + " provenance, its audit passed; nothing pushed (push state "
                + artifacts.pushState().toAbsolutePath()
                + ")");
    assertThat(log.lines)
        .noneMatch(l -> l.startsWith("[INFO] Audited ") || l.startsWith("[INFO] Signed "));
    assertThat(methods()).containsExactly("HEAD");
    // The release's 2 tags, then 3 signature and 3 referrers tags.
    assertThat(requests.stream().filter(r -> r.path().contains("/manifests/"))).hasSize(8);
    // A signature made again would differ: ECDSA signatures are randomized.
    assertThat(tagDigests(second)).isEqualTo(published);
    assertThat(artifacts.auditReport()).hasBinaryContent(audit);
    assertThat(second.indexDigest()).isEqualTo(first.indexDigest());
    assertThat(Files.readString(artifacts.pushState()))
        .doesNotContain(Files.readString(key).lines().skip(1).findFirst().orElseThrow());

    // image.json reads as after a full rerun that found every blob and manifest in place.
    byte[] report = Files.readAllBytes(artifacts.pushReport());
    Files.delete(artifacts.pushState());
    push();
    assertThat(pushedInFull()).isTrue();
    assertThat(artifacts.pushReport()).hasBinaryContent(report);
  }

  @Test
  void aTagMovedElsewhereIsWrittenBackByAFullPush() throws Exception {
    PushResult first = push();
    String amd64 = first.platforms().get("linux/amd64");
    try (RegistryClient client = client()) {
      client.putManifest("latest", MediaTypes.OCI_MANIFEST, client.manifest(amd64).content());
    }

    push();

    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines)
        .contains(
            "[DEBUG] Pushing in full: latest is "
                + amd64
                + ", not "
                + first.indexDigest()
                + " as the last push left it");
    try (RegistryClient client = client()) {
      assertThat(client.manifest("latest").digest()).isEqualTo(first.indexDigest());
    }
    push();
    assertThat(methods()).containsExactly("HEAD");
  }

  @Test
  void anOverwrittenSignatureTagIsSignedAgainByAFullPush() throws Exception {
    PushResult first = push();
    String signatures = CosignSignature.tag(first.indexDigest());
    try (RegistryClient client = client()) {
      String amd64 = first.platforms().get("linux/amd64");
      client.putManifest(signatures, MediaTypes.OCI_MANIFEST, client.manifest(amd64).content());
    }

    push();

    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines).anyMatch(l -> l.startsWith("[INFO] Signed ") && !l.contains("already"));
    assertThat(log.lines)
        .anyMatch(l -> l.startsWith("[DEBUG] Pushing in full: " + signatures + " is sha256:"));
    push();
    assertThat(methods()).containsExactly("HEAD");
  }

  @Test
  void anotherKeyOrAnotherTagListPushesInFull() throws Exception {
    push();

    push(otherKey, TAGS);
    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines).contains("[DEBUG] Pushing in full: the push parameters changed");

    push(otherKey, List.of("1.0.0"));
    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines)
        .contains("[DEBUG] Pushing in full: the last push wrote the tags 1.0.0, latest");

    push(otherKey, List.of("1.0.0"));
    assertThat(methods()).containsExactly("HEAD");
  }

  @Test
  void aTruncatedOrMissingStateFilePushesInFullWithoutFailing() throws Exception {
    push();
    byte[] state = Files.readAllBytes(artifacts.pushState());
    PushState original = PushState.read(artifacts.pushState());
    Files.write(artifacts.pushState(), Arrays.copyOf(state, state.length / 2));

    push();

    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines)
        .anyMatch(
            l ->
                l.startsWith("[DEBUG] Pushing in full: the push state ")
                    && l.contains("is unusable"));
    PushState recorded = PushState.read(artifacts.pushState());
    assertThat(original.difference(recorded)).isNull();
    assertThat(recorded.attachments()).hasSize(6);

    Files.write(artifacts.pushState(), new byte[0]);
    push();
    assertThat(pushedInFull()).isTrue();
    Files.delete(artifacts.pushState());
    push();
    assertThat(pushedInFull()).isTrue();
    assertThat(log.lines).anyMatch(l -> l.contains("Pushing in full: there is no push state"));
    push();
    assertThat(methods()).containsExactly("HEAD");
  }
}
