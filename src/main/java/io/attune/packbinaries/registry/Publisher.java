package io.attune.packbinaries.registry;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes an image layout in the one order that never exposes an incomplete release: every
 * platform's blobs, then its manifest by digest; then the index by digest; and only then the tags.
 * A push that stops anywhere before the tags leaves no tag pointing at anything new, and a rerun
 * skips every blob and manifest the registry already has.
 */
public final class Publisher {

  private final RegistryClient client;
  private final ImageReference target;
  private final Retry retry;
  private final BuildLog log;
  private final String refusalAdvice;
  private int uploadedBlobs;
  private long uploadedBytes;
  private int skippedBlobs;
  private int skippedManifests;

  /**
   * @param refusalAdvice what to say on a 401/403: which credentials were tried and how to add them
   *     (never the password)
   */
  public Publisher(
      RegistryClient client,
      ImageReference target,
      Retry retry,
      BuildLog log,
      String refusalAdvice) {
    this.client = client;
    this.target = target;
    this.retry = retry;
    this.log = log;
    this.refusalAdvice = refusalAdvice;
  }

  public PushResult push(LayoutReader.Layout layout, List<String> tags)
      throws PackFailure, IOException, InterruptedException {
    String repository = target.repositoryName();
    Map<String, String> platforms = new LinkedHashMap<>();
    for (LayoutReader.Image image : layout.images()) {
      String platform = image.platform().toString();
      for (Descriptor blob : image.blobs()) {
        String shortDigest = blob.digest().substring(0, 19);
        boolean present =
            step(
                "Checking blob " + shortDigest + "… of " + platform + " in " + repository,
                () -> client.hasBlob(blob.digest()));
        if (present) {
          skippedBlobs++;
          continue;
        }
        step(
            "Pushing blob " + shortDigest + "… of " + platform + " to " + repository,
            () -> {
              client.pushBlob(blob.digest(), layout.blob(blob.digest()));
              return null;
            });
        uploadedBlobs++;
        uploadedBytes += blob.size();
      }
      putManifestOnce(
          image.manifest().digest(),
          image.manifest().mediaType(),
          image.manifestBytes(),
          "manifest of " + platform);
      platforms.put(platform, image.manifest().digest());
    }
    String indexDigest = layout.index().digest();
    publishIndex(layout.indexBytes(), indexDigest, tags);
    log.info(
        "Uploaded "
            + uploadedBlobs
            + " blobs ("
            + uploadedBytes
            + " bytes), skipped "
            + skippedBlobs
            + " already present; "
            + skippedManifests
            + " manifests already present");
    return new PushResult(
        repository,
        List.copyOf(tags),
        indexDigest,
        platforms,
        uploadedBlobs,
        uploadedBytes,
        skippedBlobs,
        skippedManifests);
  }

  /** The index by digest, then each tag: the tags are the last thing a push writes. */
  public void publishIndex(byte[] indexBytes, String indexDigest, List<String> tags)
      throws PackFailure, IOException, InterruptedException {
    putManifestOnce(indexDigest, MediaTypes.OCI_INDEX, indexBytes, "image index");
    for (String tag : tags) {
      step(
          "Tagging " + target.repositoryName() + ":" + tag + " as the image index " + indexDigest,
          () -> {
            client.putManifest(tag, MediaTypes.OCI_INDEX, indexBytes);
            return null;
          });
      log.info("Tagged " + target.repositoryName() + ":" + tag);
    }
  }

  private void putManifestOnce(String digest, String mediaType, byte[] bytes, String what)
      throws PackFailure, IOException, InterruptedException {
    String where = " " + digest.substring(0, 19) + "… to " + target.repositoryName();
    boolean present = step("Checking " + what + where, () -> client.hasManifest(digest));
    if (present) {
      skippedManifests++;
      return;
    }
    step(
        "Pushing " + what + where,
        () -> {
          client.putManifest(digest, mediaType, bytes);
          return null;
        });
  }

  int uploadedBlobs() {
    return uploadedBlobs;
  }

  private <T> T step(String what, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    log.debug(what);
    return RegistryStep.run(retry, what, target.registry(), refusalAdvice, step);
  }
}
