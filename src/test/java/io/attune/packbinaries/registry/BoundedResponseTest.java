package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingFront;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index goal reads the manifests it is given from the registry. A front before the real
 * registry answers with bodies past every limit; the goal fails with a message naming the URL,
 * reads no further than the limit, and writes no report.
 */
class BoundedResponseTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String amd64Digest;

  @BeforeEach
  void perArchitectureImage() throws Exception {
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
    amd64Digest =
        layout.images().stream()
            .filter(i -> i.platform().architecture().equals("amd64"))
            .findFirst()
            .orElseThrow()
            .manifest()
            .digest();
  }

  private IndexBuilder.Request index(RecordingFront front) {
    String base = TestEnvironment.baseImage().replaceAll("^[^/]+/|:[^:/]+$", "");
    return new IndexBuilder.Request(
        front.address() + "/" + Fixtures.freshRepository("bounded"),
        List.of(front.address() + "/" + base + "@" + amd64Digest + "=linux/amd64"),
        List.of("1.0"),
        new RegistryAccess(
            new RegistryConnections(),
            true,
            false, // the front's certificate is the test CA's
            0,
            Duration.ofSeconds(5),
            null,
            Map.of("DOCKER_CONFIG", temp.toString())),
        temp.resolve("image.json"));
  }

  private RecordingFront front(RecordingFront.Injection injection) throws Exception {
    RecordingFront front =
        new RecordingFront(
            "http://" + TestEnvironment.registry(), null, StorageRedirectTest.tls().server());
    front.inject(injection);
    return front;
  }

  private String manifestUrl(RecordingFront front) {
    return "https://" + front.address() + "/v2/";
  }

  @Test
  void aManifestDeclaredOver4MiBFailsBeforeItIsRead() throws Exception {
    try (RecordingFront front = front(RecordingFront.Injection.HUGE_MANIFEST_DECLARED)) {
      assertThatThrownBy(() -> IndexBuilder.run(index(front), log))
          .isInstanceOf(PackFailure.class)
          .hasMessageContaining(manifestUrl(front))
          .hasMessageContaining("/manifests/" + amd64Digest)
          .hasMessageContaining("more than 4 MiB");
    }
    assertThat(Files.exists(temp.resolve("image.json"))).isFalse();
  }

  @Test
  void aManifestStreamedPast4MiBIsCutOffAtTheLimit() throws Exception {
    try (RecordingFront front = front(RecordingFront.Injection.HUGE_MANIFEST_STREAMED)) {
      assertThatThrownBy(() -> IndexBuilder.run(index(front), log))
          .isInstanceOf(PackFailure.class)
          .hasMessageContaining(manifestUrl(front))
          .hasMessageContaining("more than 4 MiB");
      // The client hung up: the front could not write its 64 MiB (socket buffers take a few).
      Thread.sleep(500);
      System.out.printf(
          "streamed manifest: the front wrote %d of %d bytes before the client hung up%n",
          front.injectedBytesSent(), RecordingFront.INJECTED_BYTES);
      assertThat(front.injectedBytesSent()).isLessThan(RecordingFront.INJECTED_BYTES / 2);
    }
    assertThat(Files.exists(temp.resolve("image.json"))).isFalse();
  }

  @Test
  void anErrorBodyOver64KiBIsReadNoFurtherAndNamed() throws Exception {
    try (RecordingFront front = front(RecordingFront.Injection.HUGE_ERROR)) {
      assertThatThrownBy(() -> IndexBuilder.run(index(front), log))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 400")
          .hasMessageContaining("its error body at " + manifestUrl(front))
          .hasMessageContaining("over 64 KiB");
    }
    assertThat(Files.exists(temp.resolve("image.json"))).isFalse();
  }
}
