package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingFront;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob downloads are bounded by the size the descriptor declares and checked against its digest
 * while they stream: a registry that sends more is cut off, and nothing but a complete, verified
 * blob ever appears at the destination. Against the real registry, and a front before it that
 * streams a body without end where a registry would not.
 */
class BlobDownloadTest {

  private static final int SIZE = 2 * 1024 * 1024;

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String repository;
  private HttpRegistryClient client;
  private byte[] content;
  private String digest;
  private Path downloads;

  @BeforeEach
  void aBlobInTheRegistry() throws IOException {
    TestEnvironment.requireRegistry();
    repository = Fixtures.freshRepository("download");
    client = new HttpRegistryClient(TestEnvironment.registry(), repository, null, false);
    content = new byte[SIZE];
    new Random(11).nextBytes(content);
    digest = "sha256:" + Sha256.of(content);
    client.pushBlob(digest, content);
    downloads = Files.createDirectories(temp.resolve("downloads"));
  }

  private List<String> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aBlobOfItsDeclaredSizeAndDigestIsWrittenAndNothingElse() throws IOException {
    Path destination = downloads.resolve("blob");
    client.downloadBlob(digest, SIZE, destination);
    assertThat(Files.readAllBytes(destination)).isEqualTo(content);
    assertThat(filesIn(downloads)).containsExactly("blob");
  }

  @Test
  void aBlobLongerThanItsDescriptorFailsBeforeAByteIsWrittenAndKeepsTheOldFile()
      throws IOException {
    Path destination = downloads.resolve("blob");
    Files.writeString(destination, "earlier");
    assertThatThrownBy(() -> client.downloadBlob(digest, SIZE - 1, destination))
        .isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("/v2/" + repository + "/blobs/" + digest)
        .hasMessageContaining("sent more than the " + (SIZE - 1) + " bytes the descriptor of blob");
    assertThat(Files.readString(destination)).isEqualTo("earlier");
    assertThat(filesIn(downloads)).containsExactly("blob");
  }

  @Test
  void aBlobShorterThanItsDescriptorFailsAndLeavesNothing() throws IOException {
    assertThatThrownBy(() -> client.downloadBlob(digest, SIZE + 1, downloads.resolve("blob")))
        .hasMessageContaining("ended blob " + digest + " after " + SIZE + " of the " + (SIZE + 1));
    assertThat(filesIn(downloads)).isEmpty();
  }

  @Test
  void aBodyStreamedPastTheDeclaredSizeIsCutOffThere() throws Exception {
    try (RecordingFront front = front()) {
      HttpRegistryClient through = new HttpRegistryClient(front.address(), repository, null, true);
      long start = System.nanoTime();
      assertThatThrownBy(() -> through.downloadBlob(digest, SIZE, downloads.resolve("blob")))
          .isInstanceOf(ResponseTooLargeException.class)
          .hasMessageContaining("sent more than the " + SIZE + " bytes");
      long millis = (System.nanoTime() - start) / 1_000_000;
      Thread.sleep(500);
      System.out.printf(
          "streamed blob: declared %d, the front wrote %d of %d bytes before the client hung up"
              + " (%d ms)%n",
          SIZE, front.injectedBytesSent(), RecordingFront.INJECTED_BYTES, millis);
      assertThat(front.injectedBytesSent()).isLessThan(RecordingFront.INJECTED_BYTES / 2);
    }
    assertThat(filesIn(downloads)).isEmpty();
  }

  @Test
  void aBodyOfTheDeclaredSizeWithAnotherDigestIsRefusedAndLeavesNothing() throws Exception {
    try (RecordingFront front = front()) {
      HttpRegistryClient through = new HttpRegistryClient(front.address(), repository, null, true);
      assertThatThrownBy(
              () ->
                  through.downloadBlob(
                      digest, RecordingFront.INJECTED_BYTES, downloads.resolve("blob")))
          .hasMessageContaining("returned content that does not hash to " + digest);
    }
    assertThat(filesIn(downloads)).isEmpty();
  }

  @Test
  void anOpenedBlobIsTrustedOnlyOnceVerifyHasReadTheRest() throws IOException {
    try (BlobStream body = client.openBlob(digest, SIZE)) {
      byte[] start = body.readNBytes(1000);
      assertThat(start).isEqualTo(java.util.Arrays.copyOf(content, 1000));
      assertThat(body.received()).isEqualTo(1000);
      body.verify();
      assertThat(body.received()).isEqualTo(SIZE);
      assertThat(body.failure()).isNull();
    }
    assertThat(filesIn(downloads)).isEmpty();
  }

  @Test
  void anOpenedBlobShorterThanItsDescriptorFailsAtVerify() throws IOException {
    try (BlobStream body = client.openBlob(digest, SIZE + 1)) {
      assertThat(body.readAllBytes()).hasSize(SIZE);
      assertThatThrownBy(body::verify)
          .hasMessageContaining(
              "ended blob " + digest + " after " + SIZE + " of the " + (SIZE + 1));
    }
  }

  @Test
  void anOpenedBodyStreamedPastTheDeclaredSizeFailsAtTheFirstByteOverAndKeepsTheFailure()
      throws Exception {
    try (RecordingFront front = front()) {
      HttpRegistryClient through = new HttpRegistryClient(front.address(), repository, null, true);
      try (BlobStream body = through.openBlob(digest, SIZE)) {
        assertThatThrownBy(() -> body.transferTo(java.io.OutputStream.nullOutputStream()))
            .isInstanceOf(ResponseTooLargeException.class)
            .hasMessageContaining("sent more than the " + SIZE + " bytes");
        assertThat(body.received()).isEqualTo(SIZE);
        assertThat(body.failure()).isInstanceOf(ResponseTooLargeException.class);
        assertThatThrownBy(body::verify).isSameAs(body.failure());
      }
    }
  }

  @Test
  void anOpenedBodyOfTheDeclaredSizeWithAnotherDigestReadsWholeAndFailsAtVerify() throws Exception {
    try (RecordingFront front = front()) {
      HttpRegistryClient through = new HttpRegistryClient(front.address(), repository, null, true);
      try (BlobStream body = through.openBlob(digest, RecordingFront.INJECTED_BYTES)) {
        body.transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(body.received()).isEqualTo(RecordingFront.INJECTED_BYTES);
        assertThatThrownBy(body::verify)
            .hasMessageContaining("returned content that does not hash to " + digest);
        assertThat(body.failure()).isNull();
      }
    }
  }

  @Test
  void theAuditStopsAtALayerLongerThanItsManifestSays() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.createObjectNode().put("os", "linux").put("architecture", "amd64");
    byte[] configBytes = json.writeValueAsBytes(config);
    String configDigest = "sha256:" + Sha256.of(configBytes);
    client.pushBlob(configDigest, configBytes);
    ObjectNode manifest =
        json.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest
        .putObject("config")
        .put("mediaType", MediaTypes.OCI_CONFIG)
        .put("digest", configDigest)
        .put("size", configBytes.length);
    manifest
        .putArray("layers")
        .addObject()
        .put("mediaType", MediaTypes.OCI_LAYER)
        .put("digest", digest)
        .put("size", 1024); // the blob is 2 MiB: the manifest lies
    client.putManifest("lying", MediaTypes.OCI_MANIFEST, json.writeValueAsBytes(manifest));

    Path report = temp.resolve("out/audit-report.json");
    assertThatThrownBy(
            () ->
                new ImageAudit(log)
                    .run(
                        new ImageAudit.Request(
                            TestEnvironment.registry() + "/" + repository + ":lying",
                            new RegistryAccess(
                                new RegistryConnections(),
                                false,
                                false,
                                2,
                                Retry.DEFAULT_TIMEOUT,
                                null,
                                Map.of("DOCKER_CONFIG", temp.toString())),
                            report)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Downloading layer 1 (" + digest + ") of linux/amd64 failed: ")
        .hasMessageContaining("sent more than the 1024 bytes the descriptor of blob " + digest);
    assertThat(log.text()).doesNotContain("retrying");
    assertThat(filesIn(report.getParent())).isEmpty();
  }

  private RecordingFront front() throws Exception {
    RecordingFront front =
        new RecordingFront(
            "http://" + TestEnvironment.registry(), null, StorageRedirectTest.tls().server());
    front.inject(RecordingFront.Injection.HUGE_BLOB_STREAMED);
    return front;
  }
}
