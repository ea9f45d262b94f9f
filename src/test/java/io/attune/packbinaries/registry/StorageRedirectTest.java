package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.publish.Publisher;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingFront;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries backed by object storage send uploads and blob downloads to another origin. Behind a
 * {@link RecordingFront} that does the same before the real auth registries, a push and an index
 * succeed, and the second origin never receives the user's password or token: not over plain HTTP
 * after an https registry, not with token auth.
 */
class StorageRedirectTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  /** Pushes a layout and indexes it into another repository, both through the front. */
  private PushResult pushAndIndex(
      RecordingFront front, Credentials credentials, SSLContext trust, String purpose)
      throws Exception {
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout-" + purpose)));
    String registry = front.address();
    String perArch = Fixtures.freshRepository(purpose + "-perarch");
    PushResult pushed =
        new Publisher(
                new HttpRegistryClient(registry, perArch, credentials, false, trust),
                ImageReference.parse(registry + "/" + perArch),
                Fixtures.fastRetry(3, log),
                log,
                "advice")
            .push(layout, List.of("1.0"));
    List<IndexBuilder.Source> sources = new ArrayList<>();
    for (Map.Entry<String, String> platform : pushed.platforms().entrySet()) {
      sources.add(
          new IndexBuilder.Source(
              ImageReference.parse(registry + "/" + perArch).withDigest(platform.getValue()),
              Platform.parse(platform.getKey())));
    }
    PushResult index =
        new IndexBuilder(
                (host, repository) ->
                    new HttpRegistryClient(host, repository, credentials, false, trust),
                Fixtures.fastRetry(3, log),
                log)
            .build(
                sources,
                ImageReference.parse(registry + "/" + Fixtures.freshRepository(purpose + "-index")),
                List.of("1.0"),
                "advice",
                temp);
    assertThat(pushed.uploadedBlobs()).isEqualTo(4);
    assertThat(index.platforms()).isEqualTo(pushed.platforms());
    return pushed;
  }

  private static void assertCredentialsStayedWithTheRegistry(RecordingFront front, String scheme) {
    List<RecordingFront.Received> storage = front.receivedAtStorage();
    // The second origin really carried the traffic: each blob's upload, and the configs' reads.
    assertThat(storage)
        .filteredOn(r -> r.method().equals("PUT") && r.path().contains("/blobs/uploads/"))
        .hasSize(4);
    assertThat(storage).filteredOn(r -> r.method().equals("GET")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(storage)
        .as("requests the second origin received with an Authorization header")
        .noneMatch(RecordingFront.Received::hasAuthorization);
    // ...while the registry itself was sent the credentials.
    assertThat(front.receivedAtFront())
        .anySatisfy(
            r -> assertThat(r.headers().get("authorization")).anyMatch(v -> v.startsWith(scheme)));
  }

  @Test
  void basicCredentialsOfAnHttpsRegistryNeverGoToThePlainHttpStorageOrigin() throws Exception {
    String secure = TestEnvironment.secureRegistry();
    String passwordFile = TestEnvironment.value("PACK_TEST_REGISTRY_PASSWORD_FILE", "");
    String truststore = TestEnvironment.value("PACK_TEST_TRUSTSTORE", "");
    Path ca = Path.of(TestEnvironment.value("PACK_TEST_CA", "/nonexistent/ca.crt"));
    TestEnvironment.require(
        !passwordFile.isEmpty()
            && Files.isRegularFile(Path.of(passwordFile))
            && Files.isRegularFile(Path.of(truststore))
            && Files.isRegularFile(ca.resolveSibling("server.key")),
        "The secure registry's password file, trust store and server key");
    String password = Files.readString(Path.of(passwordFile)).strip();
    SSLContext trust = Fixtures.trustingTestCa();
    Credentials credentials =
        new Credentials(
            TestEnvironment.value("PACK_TEST_REGISTRY_USER", "attune"), password, "test");

    try (RecordingFront front =
        new RecordingFront(
            "https://" + secure,
            trust,
            RecordingFront.serverTls(
                ca.resolveSibling("server.crt"), ca.resolveSibling("server.key")))) {
      front.inject(RecordingFront.Injection.REDIRECT_MANIFEST_PUTS);

      PushResult pushed = pushAndIndex(front, credentials, trust, "storage-basic");

      assertCredentialsStayedWithTheRegistry(front, "Basic ");
      // Two platforms' manifests, the index and its tag, then the index goal's index and tag.
      assertThat(front.receivedAtStorage())
          .filteredOn(r -> r.method().equals("PUT") && r.path().contains("/manifests/"))
          .hasSizeGreaterThanOrEqualTo(6);
      RegistryClient direct =
          new HttpRegistryClient(
              secure, pushed.repository().replaceFirst("^[^/]+/", ""), credentials, false, trust);
      assertThat(direct.manifest("1.0").digest()).isEqualTo(pushed.indexDigest());
    }
    assertThat(log.text()).doesNotContain(password);
  }

  @Test
  void aBearerTokenNeverGoesToTheStorageOrigin() throws Exception {
    String password = "token-" + UUID.randomUUID();
    Tls tls = tls();
    // The front speaks TLS (the JDK's plain server never answers a TLS probe, as a registry does).
    try (TokenServer tokens = TokenServer.start("pack-ci", password);
        RecordingFront front =
            new RecordingFront("http://" + TestEnvironment.tokenRegistry(), null, tls.server())) {
      Credentials credentials = new Credentials("pack-ci", password, "test");

      PushResult pushed = pushAndIndex(front, credentials, tls.client(), "storage-token");

      assertCredentialsStayedWithTheRegistry(front, "Bearer ");
      assertThat(tokens.requestedScopes).isNotEmpty();
      RegistryClient direct =
          new HttpRegistryClient(
              TestEnvironment.tokenRegistry(),
              pushed.repository().replaceFirst("^[^/]+/", ""),
              credentials,
              false);
      assertThat(direct.manifest("1.0").digest()).isEqualTo(pushed.indexDigest());
    }
    assertThat(log.text()).doesNotContain(password);
  }

  /** The test CA's server certificate for the front, and the trust store that trusts it. */
  record Tls(SSLContext server, SSLContext client) {}

  static Tls tls() throws Exception {
    String truststore = TestEnvironment.value("PACK_TEST_TRUSTSTORE", "");
    Path ca = Path.of(TestEnvironment.value("PACK_TEST_CA", "/nonexistent/ca.crt"));
    TestEnvironment.require(
        Files.isRegularFile(Path.of(truststore))
            && Files.isRegularFile(ca.resolveSibling("server.key")),
        "The test CA's trust store and server key");
    return new Tls(
        RecordingFront.serverTls(ca.resolveSibling("server.crt"), ca.resolveSibling("server.key")),
        Fixtures.trustingTestCa());
  }
}
