package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.publish.Publisher;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS + htpasswd registry: who may push, and what a refusal says. */
class SecureRegistryTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String registry;
  private String password;
  private SSLContext trust;

  @BeforeEach
  void secureRegistry() throws Exception {
    registry = TestEnvironment.secureRegistry();
    String passwordFile = TestEnvironment.value("PACK_TEST_REGISTRY_PASSWORD_FILE", "");
    String truststore = TestEnvironment.value("PACK_TEST_TRUSTSTORE", "");
    TestEnvironment.require(
        !passwordFile.isEmpty()
            && Files.isRegularFile(Path.of(passwordFile))
            && Files.isRegularFile(Path.of(truststore)),
        "The secure registry's password file and trust store");
    TestEnvironment.require(
        TestEnvironment.commandSucceeds(
            "curl",
            "-sS",
            "--cacert",
            TestEnvironment.value("PACK_TEST_CA", ""),
            "https://" + registry + "/v2/"),
        "The secure registry on " + registry);
    password = Files.readString(Path.of(passwordFile)).strip();
    trust = Fixtures.trustingTestCa();
  }

  private PushResult push(CredentialResolver.Resolution resolution, String repository)
      throws Exception {
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
    ImageReference target = ImageReference.parse(registry + "/" + repository);
    RegistryClient client =
        new HttpRegistryClient(registry, repository, resolution.credentials(), false, trust);
    return new Publisher(
            client, target, Fixtures.fastRetry(3, log), log, resolution.advice(registry))
        .push(layout, List.of("1.0"));
  }

  private String user() {
    return TestEnvironment.value("PACK_TEST_REGISTRY_USER", "attune");
  }

  @Test
  void pushesWithCredentialsFromMavenSettings() throws Exception {
    Credentials fromSettings =
        new Credentials(user(), password, "settings.xml <server> '" + registry + "'");
    CredentialResolver.Resolution resolution =
        new CredentialResolver(Map.of(), log)
            .resolve(ImageReference.parse(registry + "/x/y"), fromSettings);

    PushResult result = push(resolution, Fixtures.freshRepository("settings"));

    assertThat(result.platforms()).hasSize(2);
    assertThat(log.text()).doesNotContain(password);
  }

  @Test
  void pushesWithCredentialsFromADockerConfigFile() throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString((user() + ":" + password).getBytes(StandardCharsets.UTF_8));
    Path dockerConfig = Files.createDirectories(temp.resolve("docker"));
    Files.writeString(
        dockerConfig.resolve("config.json"),
        "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
    CredentialResolver resolver =
        new CredentialResolver(Map.of("DOCKER_CONFIG", dockerConfig.toString()), log);
    CredentialResolver.Resolution resolution =
        resolver.resolve(ImageReference.parse(registry + "/x/y"), null);

    assertThat(resolution.credentials().source())
        .contains(dockerConfig.resolve("config.json").toString());
    assertThat(push(resolution, Fixtures.freshRepository("dockerconfig")).platforms()).hasSize(2);
  }

  @Test
  void wrongCredentialsFailNamingTheSourceAndNeverThePassword() throws Exception {
    String wrong = "wrong-" + password;
    Credentials fromSettings =
        new Credentials(user(), wrong, "settings.xml <server> '" + registry + "'");
    CredentialResolver.Resolution resolution =
        new CredentialResolver(Map.of(), log)
            .resolve(ImageReference.parse(registry + "/x/y"), fromSettings);

    assertThatThrownBy(() -> push(resolution, Fixtures.freshRepository("wrong")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining(
            "rejected user '" + user() + "' from settings.xml <server> '" + registry + "'")
        .hasMessageContaining("<id>" + registry + "</id>")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    assertThat(log.text()).doesNotContain(wrong);
  }

  @Test
  void noCredentialsFailListingWhatWasTried() throws Exception {
    CredentialResolver resolver =
        new CredentialResolver(Map.of("DOCKER_CONFIG", temp.toString()), BuildLog.SILENT);
    CredentialResolver.Resolution resolution =
        resolver.resolve(ImageReference.parse(registry + "/x/y"), null);

    assertThatThrownBy(() -> push(resolution, Fixtures.freshRepository("anonymous")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("No credentials were found")
        .hasMessageContaining("settings.xml <server> with id '" + registry + "': none")
        .hasMessageContaining("docker login " + registry);
  }

  @Test
  void anUntrustedCertificateFailsUnlessInsecureIsAllowed() throws Exception {
    Credentials credentials = new Credentials(user(), password, "test");
    String repository = Fixtures.freshRepository("untrusted");
    ImageReference target = ImageReference.parse(registry + "/" + repository);
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));

    RegistryClient verifying = new HttpRegistryClient(registry, repository, credentials, false);
    assertThatThrownBy(
            () ->
                new Publisher(verifying, target, Fixtures.fastRetry(3, log), log, "")
                    .push(layout, List.of("1.0")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("is not trusted")
        .hasMessageContaining("pack.allowInsecureRegistries");

    RegistryClient insecure = new HttpRegistryClient(registry, repository, credentials, true);
    assertThat(
            new Publisher(insecure, target, Fixtures.fastRetry(3, log), log, "")
                .push(layout, List.of("1.0"))
                .platforms())
        .hasSize(2);
  }
}
