package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry requests of one push's attachments, with none spent twice: each blob goes up once,
 * and a registry that has answered once that it has no referrers API is not asked again.
 */
final class Uploads {

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final Set<String> sentBlobs = new HashSet<>();
  private final Map<String, String> relied = new LinkedHashMap<>();
  private boolean noReferrersApi;

  /**
   * @param sent blobs already sent to this repository in this push
   */
  Uploads(RegistryClient client, RegistrySteps steps, Set<String> sent) {
    this.client = client;
    this.steps = steps;
    this.sentBlobs.addAll(sent);
  }

  /** The blobs sent so far. */
  Set<String> sent() {
    return Set.copyOf(sentBlobs);
  }

  /**
   * Sends a small document's blob without asking first: a new attachment's blobs are almost never
   * there yet, and a HEAD would add a request to the two an upload takes. The registry keeps one
   * copy per digest either way.
   */
  void blob(String digest, byte[] content) throws PackFailure, IOException, InterruptedException {
    if (!sentBlobs.add(digest)) {
      return;
    }
    steps.run(
        "Pushing blob " + digest,
        () -> {
          client.pushBlob(digest, content);
          return null;
        });
  }

  void manifest(String what, String reference, String mediaType, byte[] content)
      throws PackFailure, IOException, InterruptedException {
    steps.run(
        what,
        () -> {
          client.putManifest(reference, mediaType, content);
          return null;
        });
    reliedOnTag(reference, content);
  }

  /**
   * Records that the attachments rely on the manifest {@code digest}, which no tag names (a
   * registry with the referrers API lists an artifact by its subject alone).
   */
  void reliedOn(String digest) {
    relied.put(digest, digest);
  }

  /**
   * Each tag the attachments wrote or found in place, with the digest of its manifest then, and
   * each untagged manifest they rely on: what must still be there for a rerun to add nothing.
   */
  Map<String, String> reliedOn() {
    return Map.copyOf(relied);
  }

  private void reliedOnTag(String reference, byte[] content) {
    if (!reference.contains(":")) {
      relied.put(reference, "sha256:" + Sha256.of(content));
    }
  }

  /** The manifest under {@code reference}, or empty when the registry has none (404). */
  Optional<byte[]> existingManifest(String what, String reference)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> existing =
        steps.run(
            what,
            () -> {
              try {
                return Optional.of(client.manifest(reference).content());
              } catch (RegistryException e) {
                if (e.status() == 404) {
                  return Optional.<byte[]>empty();
                }
                throw e;
              }
            });
    existing.ifPresent(content -> reliedOnTag(reference, content));
    return existing;
  }

  /**
   * The referrers API's index for {@code digest}; empty when the registry has no referrers API, in
   * which case the tag schema's index is where referrers are listed.
   */
  Optional<byte[]> referrers(String digest) throws PackFailure, IOException, InterruptedException {
    if (noReferrersApi) {
      return Optional.empty();
    }
    Optional<byte[]> index =
        steps.run("Asking the referrers API for " + digest, () -> client.referrers(digest));
    noReferrersApi = index.isEmpty();
    return index;
  }
}
