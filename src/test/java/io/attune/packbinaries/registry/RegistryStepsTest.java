package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push, the index goal and the audit turn the same registry failure into the same advice: the
 * audit no longer has a handler of its own. Against the TLS + htpasswd registry of the test
 * environment, whose CA the JVM does not trust.
 */
class RegistryStepsTest {

  private static final String DIGEST = "sha256:" + "0".repeat(64);

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String registry;
  private Map<String, String> environment;

  @BeforeEach
  void secureRegistry() {
    registry = TestEnvironment.secureRegistry();
    TestEnvironment.require(
        TestEnvironment.commandSucceeds(
            "curl",
            "-sS",
            "--cacert",
            TestEnvironment.value("PACK_TEST_CA", ""),
            "https://" + registry + "/v2/"),
        "The secure registry on " + registry);
    environment = Map.of("DOCKER_CONFIG", temp.resolve("no-docker-config").toString());
  }

  private Throwable push(String repository, boolean allowInsecure, Credentials credentials)
      throws Exception {
    Path layout = Fixtures.busyboxLayout(temp.resolve("layout-" + System.nanoTime()));
    return catchThrowable(
        () ->
            new ImagePush(log, FileDigests.inMemory())
                .run(
                    new ImagePush.Request(
                        layout,
                        registry + "/" + repository,
                        List.of("1.0"),
                        List.of("1.0"),
                        new RegistryAccess(
                            new RegistryConnections(),
                            allowInsecure,
                            false,
                            3,
                            Duration.ofSeconds(10),
                            credentials,
                            environment),
                        null,
                        false,
                        temp.resolve("image.json"),
                        null,
                        false)));
  }

  private Throwable index(String repository, boolean allowInsecure, Credentials credentials) {
    return catchThrowable(
        () ->
            IndexBuilder.run(
                new IndexBuilder.Request(
                    registry + "/" + repository,
                    List.of(registry + "/" + repository + "@" + DIGEST + "=linux/amd64"),
                    List.of("1.0"),
                    new RegistryAccess(
                        new RegistryConnections(),
                        allowInsecure,
                        false,
                        3,
                        Duration.ofSeconds(10),
                        credentials,
                        environment),
                    temp.resolve("index.json")),
                log));
  }

  private Throwable audit(String reference, boolean allowInsecure, Credentials credentials) {
    return catchThrowable(
        () ->
            new ImageAudit(log)
                .run(
                    new ImageAudit.Request(
                        reference,
                        new RegistryAccess(
                            new RegistryConnections(),
                            allowInsecure,
                            false,
                            3,
                            Retry.DEFAULT_TIMEOUT,
                            credentials,
                            environment),
                        temp.resolve("audit-report.json"))));
  }

  /** The advice: the message from where it stops naming the step. */
  private static String advice(Throwable failure, String from) {
    assertThat(failure).isInstanceOf(PackFailure.class);
    String message = failure.getMessage();
    assertThat(message).contains(from);
    return message.substring(message.indexOf(from));
  }

  @Test
  void anUntrustedCertificateReadsTheSameInThePushTheIndexAndTheAudit() throws Exception {
    String repository = Fixtures.freshRepository("untrusted");
    String from = "failed: the TLS certificate of " + registry + " is not trusted";

    String pushed = advice(push(repository, false, null), from);
    String indexed = advice(index(repository, false, null), from);
    String audited = advice(audit(registry + "/" + repository + ":1.0", false, null), from);

    assertThat(audited)
        .contains("MAVEN_OPTS=\"-Djavax.net.ssl.trustStore=FILE")
        .contains("-D" + PropertyNames.ALLOW_INSECURE_REGISTRIES + "=true")
        .isEqualTo(pushed)
        .isEqualTo(indexed);
    assertThat(Files.exists(temp.resolve("audit-report.json"))).isFalse();
  }

  @Test
  void aRefusedPasswordReadsTheSameInThePushTheIndexAndTheAudit() throws Exception {
    String repository = Fixtures.freshRepository("refused");
    String user = TestEnvironment.value("PACK_TEST_REGISTRY_USER", "attune");
    Credentials wrong =
        new Credentials(user, "not-the-password", "settings.xml <server> '" + registry + "'");
    String from = "was refused (HTTP 401). ";

    String pushed = advice(push(repository, true, wrong), from);
    String indexed = advice(index(repository, true, wrong), from);
    String audited = advice(audit(registry + "/" + repository + ":1.0", true, wrong), from);

    assertThat(audited)
        .contains("user '" + user + "' from settings.xml <server> '" + registry + "'")
        .doesNotContain("not-the-password")
        .isEqualTo(pushed)
        .isEqualTo(indexed);
    assertThat(log.text()).doesNotContain("not-the-password");
  }

  @Test
  void anUnknownHostFailsTheIndexAndTheAuditAtOnce() {
    String host = "pack-registry.invalid";
    long start = System.nanoTime();
    Throwable indexed =
        catchThrowable(
            () ->
                IndexBuilder.run(
                    new IndexBuilder.Request(
                        host + "/x/y",
                        List.of(host + "/x/y@" + DIGEST + "=linux/amd64"),
                        List.of("1.0"),
                        new RegistryAccess(
                            new RegistryConnections(),
                            false,
                            false,
                            0,
                            Retry.DEFAULT_TIMEOUT,
                            null,
                            environment),
                        temp.resolve("index.json")),
                    log));
    Throwable audited = audit(host + "/x/y:1.0", false, null);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    String from = "failed: the host " + host + " (of https://" + host + ") cannot be resolved";
    assertThat(advice(indexed, from)).isEqualTo(advice(audited, from));
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    assertThat(log.text()).doesNotContain("retrying");
  }
}
