package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.publish.Publisher;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token-auth registry (distribution's {@code auth: token}) with our TokenServer as its realm:
 * the client answers the Bearer challenge with the credentials we resolved, asks for the scopes
 * each request needs (a cross-repository mount needs pull on the source), and a refused password
 * reads like every other refusal.
 */
class TokenRegistryTest {

  private static final String USER = "pack-ci";

  @TempDir java.nio.file.Path temp;
  private final RecordingLog log = new RecordingLog();
  private final String password = "token-test-" + UUID.randomUUID();
  private final String registry = TestEnvironment.tokenRegistry();
  private TokenServer tokenServer;

  @BeforeEach
  void startTokenServer() throws Exception {
    tokenServer = TokenServer.start(USER, password);
  }

  @AfterEach
  void stopTokenServer() {
    if (tokenServer != null) {
      tokenServer.close();
    }
  }

  private CredentialResolver.Resolution fromSettings(String secret) {
    Credentials credentials =
        new Credentials(USER, secret, "settings.xml <server> '" + registry + "'");
    return new CredentialResolver(Map.of(), log).resolve(imageIn("x/y"), credentials);
  }

  private ImageReference imageIn(String repository) {
    try {
      return ImageReference.parse(registry + "/" + repository);
    } catch (PackFailure e) {
      throw new IllegalArgumentException(e);
    }
  }

  private PushResult push(CredentialResolver.Resolution resolution, String repository)
      throws Exception {
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
    RegistryClient client =
        new HttpRegistryClient(registry, repository, resolution.credentials(), false);
    return new Publisher(
            client,
            imageIn(repository),
            Fixtures.fastRetry(3, log),
            log,
            resolution.advice(registry))
        .push(layout, List.of("1.0"));
  }

  @Test
  void pushesThroughTokenAuthWithTheResolvedCredentials() throws Exception {
    String repository = Fixtures.freshRepository("token");

    PushResult result = push(fromSettings(password), repository);
    List<String> pushTokens = List.copyOf(tokenServer.requestedScopes);

    assertThat(result.platforms()).containsOnlyKeys("linux/amd64", "linux/arm64/v8");
    RegistryClient reader =
        new HttpRegistryClient(registry, repository, fromSettings(password).credentials(), false);
    RegistryClient.Manifest tagged = reader.manifest("1.0");
    assertThat(tagged.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(tagged.digest()).isEqualTo(result.indexDigest());
    assertThat(tokenServer.requestedScopes).contains("repository:" + repository + ":pull,push");
    // Blobs go up several at a time, so several requests meet each challenge at once: one token
    // per scope the registry asks for (pull for the checks, pull,push for the uploads), not one
    // per request.
    System.out.println("token requests of a concurrent push: " + pushTokens);
    assertThat(pushTokens).hasSizeLessThanOrEqualTo(2);
    assertThat(log.text()).doesNotContain(password);
  }

  @Test
  void aWrongPasswordFailsNamingTheCredentialSourceAndNeverThePassword() throws Exception {
    String wrong = "wrong-" + password;

    assertThatThrownBy(() -> push(fromSettings(wrong), Fixtures.freshRepository("token-wrong")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("was refused (HTTP 401)")
        .hasMessageContaining(
            "rejected user '" + USER + "' from settings.xml <server> '" + registry + "'")
        .hasMessageContaining("<id>" + registry + "</id>")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong))
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(wrong));
    assertThat(log.text()).doesNotContain(wrong);
  }

  @Test
  void anonymousGetsATokenThatGrantsNothingAndIsToldWhatWasTried() throws Exception {
    CredentialResolver.Resolution none =
        new CredentialResolver(Map.of("DOCKER_CONFIG", temp.toString()), log)
            .resolve(imageIn("x/y"), null);

    assertThatThrownBy(() -> push(none, Fixtures.freshRepository("token-anonymous")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("was refused (HTTP 401)")
        .hasMessageContaining("No credentials were found")
        .hasMessageContaining("docker login " + registry);
  }

  /** The index goal mounts each blob from the per-arch repository: the token must cover both. */
  @Test
  void indexesImagesOfAnotherRepositoryByMountingTheirBlobs() throws Exception {
    String perArch = Fixtures.freshRepository("token-perarch");
    PushResult pushed = push(fromSettings(password), perArch);
    List<IndexBuilder.Source> sources = new ArrayList<>();
    for (Map.Entry<String, String> platform : pushed.platforms().entrySet()) {
      sources.add(
          new IndexBuilder.Source(
              imageIn(perArch).withDigest(platform.getValue()), Platform.parse(platform.getKey())));
    }
    String indexRepository = Fixtures.freshRepository("token-index");
    Credentials credentials = fromSettings(password).credentials();
    tokenServer.requestedScopes.clear();

    PushResult index =
        new IndexBuilder(
                (host, repository) -> new HttpRegistryClient(host, repository, credentials, false),
                Fixtures.fastRetry(3, log),
                log)
            .build(sources, imageIn(indexRepository), List.of("1.0"), "advice", temp);

    assertThat(index.platforms()).isEqualTo(pushed.platforms());
    assertThat(tokenServer.requestedScopes)
        .anySatisfy(
            scopes ->
                assertThat(scopes.split(" "))
                    .contains(
                        "repository:" + indexRepository + ":pull,push",
                        "repository:" + perArch + ":pull"));
    RegistryClient reader = new HttpRegistryClient(registry, indexRepository, credentials, false);
    assertThat(reader.manifest("1.0").digest()).isEqualTo(index.indexDigest());
    assertThat(log.text()).doesNotContain(password);
  }

  /** A push mounts its base's layers from the base repository: the token must cover both. */
  @Test
  void mountsTheBaseLayersWithATokenThatCoversTheBaseRepository() throws Exception {
    String baseRepository = Fixtures.freshRepository("token-base");
    push(fromSettings(password), baseRepository);
    LayoutReader.Layout layout =
        new LayoutReader()
            .read(
                Fixtures.withBase(
                    Fixtures.busyboxLayout(temp.resolve("derived")),
                    imageIn(baseRepository).withTag("1.0").toString()));
    String repository = Fixtures.freshRepository("token-derived");
    Credentials credentials = fromSettings(password).credentials();
    tokenServer.requestedScopes.clear();

    PushResult result =
        new Publisher(
                new HttpRegistryClient(registry, repository, credentials, false),
                imageIn(repository),
                Fixtures.fastRetry(3, log),
                log,
                "advice")
            .push(layout, List.of("1.0"));

    assertThat(result.mountedBlobs()).isEqualTo(2);
    assertThat(result.uploadedBlobs()).isEqualTo(2); // the configs
    assertThat(tokenServer.requestedScopes)
        .anySatisfy(
            scopes ->
                assertThat(scopes.split(" "))
                    .contains(
                        "repository:" + repository + ":pull,push",
                        "repository:" + baseRepository + ":pull"));
    assertThat(log.text()).doesNotContain(password);
  }

  @Test
  void theIndexGoalGivesTheSameCredentialsAdviceOnARefusal() throws Exception {
    String perArch = Fixtures.freshRepository("token-perarch");
    PushResult pushed = push(fromSettings(password), perArch);
    String digest = pushed.platforms().get("linux/amd64");
    CredentialResolver.Resolution wrong = fromSettings("wrong-" + password);

    assertThatThrownBy(
            () ->
                new IndexBuilder(
                        (host, repository) ->
                            new HttpRegistryClient(host, repository, wrong.credentials(), false),
                        Fixtures.fastRetry(3, log),
                        log)
                    .build(
                        List.of(new IndexBuilder.Source(imageIn(perArch).withDigest(digest), null)),
                        imageIn(Fixtures.freshRepository("token-index")),
                        List.of("1.0"),
                        wrong.advice(registry),
                        temp))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("was refused (HTTP 401)")
        .hasMessageContaining(
            "rejected user '" + USER + "' from settings.xml <server> '" + registry + "'");
  }
}
