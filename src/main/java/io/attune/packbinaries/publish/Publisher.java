package io.attune.packbinaries.publish;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryStep;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.supplychain.RegistrySteps;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publishes an image layout in the one order that never exposes an incomplete release: every
 * platform's blobs (the base image's layers mounted from the base's repository when it is in the
 * same registry), then its manifest by digest; then the index by digest; and only then the tags. A
 * push that stops anywhere before the tags leaves no tag pointing at anything new, and a rerun
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
  private int mountedBlobs;
  private int skippedBlobs;
  private int skippedManifests;
  private long beforeTagsNanos;
  private BeforeTags beforeTags = (indexDigest, steps) -> {};

  /** Work that needs the index in the registry and must finish before any tag names it. */
  @FunctionalInterface
  public interface BeforeTags {
    void run(String indexDigest, RegistrySteps steps)
        throws PackFailure, IOException, InterruptedException;
  }

  /** Runs {@code work} after the index is pushed and before the tags; returns this. */
  public Publisher beforeTags(BeforeTags work) {
    this.beforeTags = work;
    return this;
  }

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
    long started = System.nanoTime();
    String repository = target.repositoryName();
    Map<String, String> platforms = new LinkedHashMap<>();
    Set<String> mountedFrom = new TreeSet<>();
    for (LayoutReader.Image image : layout.images()) {
      String platform = image.platform().toString();
      String mountSource = mountSource(image);
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
        // Only layers can come from the base, and they come first: once one is not there, no
        // later layer is, so the rest of this image goes straight to upload.
        if (mountSource != null && image.layers().contains(blob)) {
          if (mount(blob, mountSource, platform)) {
            mountedBlobs++;
            mountedFrom.add(mountSource);
            continue;
          }
          mountSource = null;
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
    if (mountedBlobs > 0) {
      log.info("Mounted " + mountedBlobs + " blobs from " + String.join(", ", mountedFrom));
    }
    String indexDigest = layout.index().digest();
    publishIndex(layout.index().mediaType(), layout.indexBytes(), indexDigest, tags);
    log.info(
        "Uploaded "
            + uploadedBlobs
            + " blobs ("
            + uploadedBytes
            + " bytes), mounted "
            + mountedBlobs
            + ", skipped "
            + skippedBlobs
            + " already present; "
            + skippedManifests
            + " manifests already present; published in "
            + (System.nanoTime() - started - beforeTagsNanos) / 1_000_000
            + " ms, besides the work before the tags");
    return new PushResult(
        repository,
        List.copyOf(tags),
        indexDigest,
        platforms,
        uploadedBlobs,
        uploadedBytes,
        mountedBlobs,
        skippedBlobs,
        skippedManifests);
  }

  /**
   * The repository of the image's base when it is in the target registry (a registry mounts only
   * its own blobs), else null: the base's layers are linked there instead of uploaded again.
   */
  private String mountSource(LayoutReader.Image image) {
    if (image.baseName() == null) {
      return null;
    }
    try {
      ImageReference base = ImageReference.parse(image.baseName());
      if (base.registry().equals(target.registry())
          && !base.repository().equals(target.repository())) {
        return base.repository();
      }
    } catch (PackFailure e) {
      log.debug("Not mounting from the base " + image.baseName() + ": " + e.getMessage());
    }
    return null;
  }

  /** A refused or failed mount is not a failed push: the blob is uploaded instead. */
  private boolean mount(Descriptor blob, String from, String platform) throws InterruptedException {
    String what =
        "Mounting blob " + blob.digest().substring(0, 19) + "… of " + platform + " from " + from;
    try {
      return step(what, () -> client.mountBlob(blob.digest(), from));
    } catch (PackFailure | IOException e) {
      log.debug(what + " did not work, uploading it: " + e.getMessage());
      return false;
    }
  }

  /**
   * The index (an OCI image index or a Docker manifest list, as {@code mediaType} says) by digest,
   * then each tag: the tags are the last thing a push writes.
   */
  public void publishIndex(
      String mediaType, byte[] indexBytes, String indexDigest, List<String> tags)
      throws PackFailure, IOException, InterruptedException {
    putManifestOnce(indexDigest, mediaType, indexBytes, "image index");
    long beforeTagsStarted = System.nanoTime();
    beforeTags.run(indexDigest, this::step);
    beforeTagsNanos += System.nanoTime() - beforeTagsStarted;
    for (String tag : tags) {
      step(
          "Tagging " + target.repositoryName() + ":" + tag + " as the image index " + indexDigest,
          () -> {
            client.putManifest(tag, mediaType, indexBytes);
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

  /** Runs one registry request as the push runs its own: retried, a refusal turned into advice. */
  <T> T step(String what, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    log.debug(what);
    return RegistryStep.run(retry, what, target.registry(), refusalAdvice, step);
  }
}
