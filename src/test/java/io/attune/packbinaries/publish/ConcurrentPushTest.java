package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases of one image to one repository at once, each with a tag of its own, against the real
 * registry: each must succeed and its tag name the complete index, however the registry orders the
 * uploads and manifests the pushes share.
 */
class ConcurrentPushTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  @Test
  void sixPushesOfOneImageToOneRepositoryAtOnceAllSucceed() throws Exception {
    TestEnvironment.requireRegistry();
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
    String registry = TestEnvironment.registry();
    int rounds = 6;
    int pushes = 6;
    ExecutorService pool = Executors.newFixedThreadPool(pushes);
    try {
      for (int round = 0; round < rounds; round++) {
        String repository = Fixtures.freshRepository("concurrent");
        List<Future<PushResult>> results = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
          String tag = "1." + i;
          results.add(pool.submit(() -> push(layout, registry, repository, tag)));
        }
        for (Future<PushResult> result : results) {
          assertThat(result.get().indexDigest()).isEqualTo(layout.index().digest());
        }
        for (int i = 0; i < pushes; i++) {
          assertThat(Fixtures.storedManifest(registry + "/" + repository + ":1." + i))
              .isEqualTo(layout.indexBytes());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // How often the registry's race showed and was met (0 in a round that did not meet it).
    System.out.println(
        "concurrent pushes: "
            + rounds * pushes
            + " pushes, races met: "
            + log.lines.stream().filter(l -> l.contains("did not know")).count());
  }

  private PushResult push(
      LayoutReader.Layout layout, String registry, String repository, String tag) throws Exception {
    ImageReference target = ImageReference.parse(registry + "/" + repository);
    try (RegistryClient client = new HttpRegistryClient(registry, repository, null, false)) {
      Retry retry = Retry.standard(3, Duration.ofSeconds(30), log);
      return new Publisher(client, target, retry, log, "no credentials").push(layout, List.of(tag));
    }
  }
}
