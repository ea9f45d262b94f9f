package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Pushes of one image at once attach the same SBOM to the same index: against the real registry
 * (distribution 2.8, no referrers API, so the tag schema's {@code sha256-<hex>} index), every
 * attachment must succeed and the tag list the artifact, however the registry orders the commits of
 * the manifests they share. docker/test/concurrent-releases.sh met the registry's 400
 * MANIFEST_BLOB_UNKNOWN on the referrers tag before the retry. Attachments of different documents
 * at once each read, merge and write the tag: every entry must stay listed.
 */
class ReferrersRaceTest {

  private final RecordingLog log = new RecordingLog();

  @Test
  void sixAttachmentsOfOneDocumentToOneSubjectAtOnceAllSucceed() throws Exception {
    TestEnvironment.requireRegistry();
    String registry = TestEnvironment.registry();
    byte[] document = "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8);
    String type = "application/vnd.cyclonedx+json";
    int rounds = 4;
    int pushes = 6;
    ExecutorService pool = Executors.newFixedThreadPool(pushes);
    try {
      for (int round = 0; round < rounds; round++) {
        String repository = Fixtures.freshRepository("referrers-race");
        Descriptor subject = putSubject(registry, repository);
        List<Future<Descriptor>> attached = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
          attached.add(pool.submit(() -> attach(registry, repository, subject, type, document)));
        }
        String artifact = null;
        for (Future<Descriptor> result : attached) {
          artifact = result.get().digest();
        }
        JsonNode index =
            Json.parse(
                Fixtures.storedManifest(
                    registry + "/" + repository + ":" + Referrers.fallbackTag(subject.digest())));
        assertThat(index.path("manifests").findValuesAsText("digest")).containsExactly(artifact);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "referrers race: "
            + rounds * pushes
            + " attachments, races met: "
            + log.lines.stream().filter(l -> l.contains("did not know")).count());
  }

  @Test
  void sixAttachmentsOfDifferentDocumentsToOneSubjectAtOnceAllStayListed() throws Exception {
    TestEnvironment.requireRegistry();
    String registry = TestEnvironment.registry();
    String type = "application/vnd.cyclonedx+json";
    int rounds = 4;
    int pushes = 6;
    ExecutorService pool = Executors.newFixedThreadPool(pushes);
    try {
      for (int round = 0; round < rounds; round++) {
        String repository = Fixtures.freshRepository("referrers-merge");
        Descriptor subject = putSubject(registry, repository);
        List<Future<Descriptor>> attached = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
          byte[] document =
              ("{\"bomFormat\":\"CycloneDX\",\"serialNumber\":\"" + i + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          String identity = "sbom-" + i;
          attached.add(
              pool.submit(() -> attach(registry, repository, subject, type, document, identity)));
        }
        List<String> artifacts = new ArrayList<>();
        for (Future<Descriptor> result : attached) {
          artifacts.add(result.get().digest());
        }
        JsonNode index =
            Json.parse(
                Fixtures.storedManifest(
                    registry + "/" + repository + ":" + Referrers.fallbackTag(subject.digest())));
        assertThat(index.path("manifests").findValuesAsText("digest"))
            .containsExactlyInAnyOrderElementsOf(artifacts);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "referrers merge: "
            + rounds * pushes
            + " attachments of different documents, entries added again: "
            + log.lines.stream().filter(l -> l.contains("adding it again")).count()
            + ", blob races met: "
            + log.lines.stream().filter(l -> l.contains("did not know")).count());
  }

  private Descriptor attach(
      String registry, String repository, Descriptor subject, String type, byte[] document)
      throws Exception {
    return attach(registry, repository, subject, type, document, "sbom");
  }

  private Descriptor attach(
      String registry,
      String repository,
      Descriptor subject,
      String type,
      byte[] document,
      String identity)
      throws Exception {
    try (RegistryClient client = new HttpRegistryClient(registry, repository, null, false)) {
      Uploads uploads =
          new Uploads(
              client, new RegistrySteps(Fixtures.fastRetry(3, log), registry, "none"), false);
      return new Referrers(uploads, log).attach(subject, type, document, identity, Map.of());
    }
  }

  /** An image manifest with the empty config and no layers: something to attach to. */
  private static Descriptor putSubject(String registry, String repository) throws Exception {
    byte[] config = Referrers.empty();
    String configDigest = "sha256:" + Sha256.of(config);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\""
                + Referrers.EMPTY_MEDIA_TYPE
                + "\",\"digest\":\""
                + configDigest
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    String digest = "sha256:" + Sha256.of(manifest);
    try (RegistryClient client = new HttpRegistryClient(registry, repository, null, false)) {
      client.pushBlob(configDigest, config);
      client.putManifest(digest, MediaTypes.OCI_MANIFEST, manifest);
    }
    return new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length);
  }
}
