package io.attune.packbinaries.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Real inputs for registry tests: a two-platform OCI layout, fresh repository names. */
public final class Fixtures {

  private Fixtures() {}

  /** The test environment's two-platform busybox, copied by skopeo into a nested OCI layout. */
  public static Path busyboxLayout(Path directory) throws Exception {
    TestEnvironment.requireRegistry();
    TestEnvironment.requireTool("skopeo");
    run(
        "skopeo",
        "copy",
        "--all",
        "--src-tls-verify=false",
        "docker://" + TestEnvironment.baseImage(),
        "oci:" + directory + ":1.0");
    return directory;
  }

  /**
   * Records {@code baseName} as every image's base in the layout's index, as the image goal does:
   * the busybox images are then "built from" the base they were copied from, so every layer of
   * theirs is a base layer a push can mount.
   */
  public static Path withBase(Path layout, String baseName) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode layoutIndex = (ObjectNode) json.readTree(layout.resolve("index.json").toFile());
    ObjectNode top = (ObjectNode) layoutIndex.path("manifests").path(0);
    Path indexBlob = OciLayout.blobPath(layout, top.path("digest").asText());
    ObjectNode index = (ObjectNode) json.readTree(indexBlob.toFile());
    for (JsonNode entry : index.path("manifests")) {
      ((ObjectNode) entry).putObject("annotations").put(OciIndex.BASE_NAME, baseName);
    }
    Descriptor written =
        OciLayout.open(layout)
            .addBlob(top.path("mediaType").asText(), json.writeValueAsBytes(index));
    top.put("digest", written.digest()).put("size", written.size());
    Files.write(layout.resolve("index.json"), json.writeValueAsBytes(layoutIndex));
    return layout;
  }

  /** A repository nobody has pushed to yet, so a first push must upload everything. */
  public static String freshRepository(String purpose) {
    return "test/" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }

  public static int exitCode(String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  /**
   * The manifest {@code reference} names in a plain-HTTP test registry, exactly as stored, as
   * skopeo reads it.
   */
  public static byte[] storedManifest(String reference) throws IOException, InterruptedException {
    return run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Whether skopeo finds {@code reference} in a plain-HTTP test registry. */
  public static boolean exists(String reference) throws IOException, InterruptedException {
    return exitCode("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference)
        == 0;
  }

  /** An unencrypted EC P-256 key in {@code file}, made by openssl, as a signer would make one. */
  public static Path signingKey(Path file) throws IOException, InterruptedException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    run(
        "openssl",
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        file.toString());
    return file;
  }

  /** {@code plain} encrypted with {@code passphrase} (PKCS#8, AES-256) into {@code encrypted}. */
  public static Path encryptedKey(Path plain, Path encrypted, String passphrase)
      throws IOException, InterruptedException {
    run(
        "openssl",
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-in",
        plain.toString(),
        "-out",
        encrypted.toString(),
        "-passout",
        "pass:" + passphrase);
    return encrypted;
  }

  /** A TLS context that trusts the test environment's CA (its trust store), and nothing else. */
  public static SSLContext trustingTestCa() throws Exception {
    String truststore = TestEnvironment.value("PACK_TEST_TRUSTSTORE", "");
    TestEnvironment.require(
        !truststore.isEmpty() && Files.isRegularFile(Path.of(truststore)),
        "The secure registry's trust store");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(truststore))) {
      store.load(in, "changeit".toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Retries quickly, so fault tests take milliseconds, not seconds. */
  public static Retry fastRetry(int attempts, BuildLog log) {
    return new Retry(
        attempts,
        Duration.ofMillis(5),
        Duration.ofMillis(50),
        d -> Thread.sleep(d.toMillis()),
        log);
  }
}
