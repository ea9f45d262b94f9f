package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.RegistrySteps;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;

/**
 * The registry requests of one push's attachments, with none spent twice: each blob goes up once,
 * and a registry known to have no referrers API is not asked. Safe for attachments made at once: a
 * blob two of them share goes up once, and both wait for it.
 */
final class Uploads {

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final Map<String, FutureTask<Void>> blobUploads = new ConcurrentHashMap<>();
  private final Map<String, String> relied = new ConcurrentHashMap<>();
  private final boolean referrersApi;

  /**
   * @param referrersApi whether the registry indexes referrers itself (its referrers API answered)
   */
  Uploads(RegistryClient client, RegistrySteps steps, boolean referrersApi) {
    this.client = client;
    this.steps = steps;
    this.referrersApi = referrersApi;
  }

  /**
   * Sends a small document's blob without asking first: a new attachment's blobs are almost never
   * there yet, and a HEAD would add a request to the two an upload takes. The registry keeps one
   * copy per digest either way.
   */
  void blob(String digest, byte[] content) throws PackFailure, IOException, InterruptedException {
    FutureTask<Void> upload =
        new FutureTask<>(
            () ->
                steps.run(
                    "Pushing blob " + digest,
                    () -> {
                      client.pushBlob(digest, content);
                      return null;
                    }));
    FutureTask<Void> first = blobUploads.putIfAbsent(digest, upload);
    if (first == null) {
      upload.run();
      first = upload;
    }
    // A manifest may name the blob only once it is there, whoever sends it.
    Futures.get(first);
  }

  /**
   * Sends a blob again, though this push sent it: the registry answered a manifest naming it as if
   * it had not got it (another push was committing the same blob at that moment).
   */
  void blobAgain(String digest, byte[] content)
      throws PackFailure, IOException, InterruptedException {
    steps.run(
        "Pushing blob " + digest + " again",
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

  /**
   * The manifest under {@code reference}, or empty when the registry has none (404); the
   * attachments rely on what it was.
   */
  Optional<byte[]> existingManifest(String what, String reference)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> existing = read(what, reference);
    existing.ifPresent(content -> reliedOnTag(reference, content));
    return existing;
  }

  /** The manifest under {@code reference}, or empty when the registry has none (404). */
  Optional<byte[]> read(String what, String reference)
      throws PackFailure, IOException, InterruptedException {
    return steps.run(
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
  }

  /**
   * The referrers API's index for {@code digest}; empty when the registry has no referrers API, in
   * which case the tag schema's index is where referrers are listed.
   */
  Optional<byte[]> referrers(String digest) throws PackFailure, IOException, InterruptedException {
    if (!referrersApi) {
      return Optional.empty();
    }
    return steps.run("Asking the referrers API for " + digest, () -> client.referrers(digest));
  }
}
