package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.FaultProxy;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes a real two-platform layout to the real local registry, directly and through faults. */
class PublisherTest {

  @TempDir Path temp;
  private LayoutReader.Layout layout;
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void layout() throws Exception {
    layout = new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
  }

  private PushResult push(String registry, String repository, Retry retry, String... tags)
      throws Exception {
    ImageReference target = ImageReference.parse(registry + "/" + repository);
    RegistryClient client = new HttpRegistryClient(registry, repository, null, false);
    return new Publisher(client, target, retry, log, "no credentials").push(layout, List.of(tags));
  }

  @Test
  void pushesTheIndexAndItsImagesThenTheTagAndASecondPushUploadsNothing() throws Exception {
    String registry = TestEnvironment.registry();
    String repository = Fixtures.freshRepository("publish");

    PushResult first = push(registry, repository, Fixtures.fastRetry(3, log), "1.0");
    PushResult second = push(registry, repository, Fixtures.fastRetry(3, log), "1.0");

    long layoutBytes =
        layout.images().stream().flatMap(i -> i.blobs().stream()).mapToLong(Descriptor::size).sum();
    System.out.printf(
        "push bytes: first %d (%d blobs), second %d (%d blobs, %d skipped)%n",
        first.uploadedBytes(),
        first.uploadedBlobs(),
        second.uploadedBytes(),
        second.uploadedBlobs(),
        second.skippedBlobs());
    assertThat(first.uploadedBytes()).isEqualTo(layoutBytes).isGreaterThan(1_000_000);
    assertThat(second.uploadedBlobs()).isZero();
    assertThat(second.uploadedBytes()).isZero();
    assertThat(second.skippedManifests()).isEqualTo(3); // two images and the index

    // What a user checks: skopeo sees an OCI index under the tag, with both platforms, whose
    // manifests are exactly the local build's.
    JsonNode index =
        new ObjectMapper().readTree(Fixtures.storedManifest(registry + "/" + repository + ":1.0"));
    assertThat(index.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    Map<String, String> pushed = new HashMap<>();
    index
        .path("manifests")
        .forEach(
            m ->
                pushed.put(
                    m.path("platform").path("os").asText()
                        + "/"
                        + m.path("platform").path("architecture").asText(),
                    m.path("digest").asText()));
    Map<String, String> local = new HashMap<>();
    layout
        .images()
        .forEach(
            i ->
                local.put(
                    i.platform().os() + "/" + i.platform().architecture(), i.manifest().digest()));
    assertThat(pushed).isEqualTo(local).containsOnlyKeys("linux/amd64", "linux/arm64");
    assertThat(first.platforms()).containsValues(local.values().toArray(String[]::new));
    assertThat(Fixtures.storedManifest(first.pinnedReference())).isEqualTo(layout.indexBytes());
  }

  @Test
  void mountsTheBaseLayersFromTheBaseRepositoryAndUploadsOnlyTheRest() throws Exception {
    String registry = TestEnvironment.registry();
    String baseRepository = TestEnvironment.baseImage().replaceAll("^[^/]+/|:[^:/]+$", "");
    layout =
        new LayoutReader()
            .read(Fixtures.withBase(temp.resolve("layout"), TestEnvironment.baseImage()));
    String repository = Fixtures.freshRepository("mount");

    PushResult result = push(registry, repository, Fixtures.fastRetry(3, log), "1.0");

    long layerBytes =
        layout.images().stream()
            .flatMap(i -> i.layers().stream())
            .mapToLong(Descriptor::size)
            .sum();
    long configBytes = layout.images().stream().mapToLong(i -> i.config().size()).sum();
    System.out.printf(
        "push with base mount: uploaded %d bytes (%d blobs), mounted %d blobs (%d bytes)%n",
        result.uploadedBytes(), result.uploadedBlobs(), result.mountedBlobs(), layerBytes);
    assertThat(result.mountedBlobs())
        .isEqualTo(layout.images().stream().mapToInt(i -> i.layers().size()).sum());
    assertThat(result.uploadedBlobs()).isEqualTo(2); // the two configs
    assertThat(result.uploadedBytes()).isEqualTo(configBytes);
    assertThat(log.text())
        .contains("Mounted " + result.mountedBlobs() + " blobs from " + baseRepository);
    // The mounted layers are really there: skopeo copies the arm64 image out of the new repository.
    Fixtures.run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "--override-arch",
        "arm64",
        "docker://" + registry + "/" + repository + ":1.0",
        "oci:" + temp.resolve("copied") + ":x");
  }

  @Test
  void aBaseOnAnotherRegistryIsNotMountedFrom() throws Exception {
    layout =
        new LayoutReader()
            .read(
                Fixtures.withBase(temp.resolve("layout"), "registry.example/library/busybox:1.36"));

    PushResult result =
        push(
            TestEnvironment.registry(),
            Fixtures.freshRepository("nomount"),
            Fixtures.fastRetry(3, log),
            "1.0");

    assertThat(result.mountedBlobs()).isZero();
    assertThat(result.uploadedBlobs()).isEqualTo(4);
    assertThat(log.text()).doesNotContain("Mounting");
  }

  /**
   * The push reads the layout without hashing its blobs (a rerun that finds them in place reads
   * none), so a blob damaged on disk is found when it is about to be sent: the push fails with the
   * layout's advice, and no tag names anything.
   */
  @Test
  void aBlobDamagedOnDiskFailsThePushBeforeItIsSentAndNoTagIsWritten() throws Exception {
    String registry = TestEnvironment.registry();
    String repository = Fixtures.freshRepository("damaged");
    Descriptor layer = layout.images().get(0).layers().get(0);
    Files.write(layout.blob(layer.digest()), new byte[(int) layer.size()]);
    layout = LayoutReader.hashingBlobsWhenSent(FileDigests.inMemory()).read(layout.directory());

    assertThatThrownBy(() -> push(registry, repository, Fixtures.fastRetry(3, log), "1.0"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("does not match its descriptor " + layer.digest())
        .hasMessageContaining("rebuild the layout with the image goal");
    assertThat(Fixtures.exists(registry + "/" + repository + ":1.0"))
        .as("the tag must not exist")
        .isFalse();
  }

  @Test
  void completesThroughDroppedConnections503And429() throws Exception {
    String repository = Fixtures.freshRepository("flaky");
    // Every third request fails, in turn with a 503, a dropped connection and a 429; an upload
    // (POST then PUT) therefore fails about every other time.
    try (FaultProxy proxy =
        new FaultProxy(
            TestEnvironment.registry(),
            request -> {
              if (request.number() % 3 != 1) {
                return FaultProxy.Action.FORWARD;
              }
              return switch ((request.number() / 3) % 3) {
                case 0 -> FaultProxy.Action.UNAVAILABLE;
                case 1 -> FaultProxy.Action.DROP;
                default -> FaultProxy.Action.TOO_MANY_REQUESTS;
              };
            })) {
      PushResult result = push(proxy.address(), repository, Fixtures.fastRetry(5, log), "1.0");

      // The kinds take turns: nine faults are three of each.
      assertThat(proxy.faults()).isGreaterThanOrEqualTo(9);
      assertThat(result.platforms()).hasSize(2);
    }
    assertThat(log.text()).contains("HTTP 503", "HTTP 429", "retrying");
    assertThat(Fixtures.storedManifest(TestEnvironment.registry() + "/" + repository + ":1.0"))
        .isEqualTo(layout.indexBytes());
  }

  @Test
  void aRegistryThatStopsAfterTheImageManifestsLeavesNoTagAndARerunFinishes() throws Exception {
    String registry = TestEnvironment.registry();
    String repository = Fixtures.freshRepository("stopped");
    AtomicInteger manifestPuts = new AtomicInteger();
    try (FaultProxy proxy =
        new FaultProxy(
            registry,
            request -> {
              if (manifestPuts.get() >= 2) {
                return FaultProxy.Action.UNAVAILABLE; // the registry went away
              }
              if (request.method().equals("PUT") && request.path().contains("/manifests/")) {
                manifestPuts.incrementAndGet();
              }
              return FaultProxy.Action.FORWARD;
            })) {
      assertThatThrownBy(() -> push(proxy.address(), repository, Fixtures.fastRetry(3, log), "1.0"))
          .hasMessageContaining("image index")
          .hasMessageContaining("failed after 3 attempts: HTTP 503");
    }
    assertThat(Fixtures.exists(registry + "/" + repository + ":1.0"))
        .as("the tag must not exist")
        .isFalse();

    PushResult rerun = push(registry, repository, Fixtures.fastRetry(3, log), "1.0");

    assertThat(rerun.uploadedBlobs()).isZero();
    assertThat(rerun.skippedManifests()).isEqualTo(2);
    assertThat(Fixtures.storedManifest(registry + "/" + repository + ":1.0"))
        .isEqualTo(layout.indexBytes());
  }
}
