package io.attune.packbinaries.publish;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.LostRaces;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;

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
  private final RegistrySteps steps;
  private final BuildLog log;

  /** Requests at a time while blobs go up: docker push's default. */
  private static final int PARALLEL_REQUESTS = 5;

  private static final String INDEX = "image index";

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
    this.steps = new RegistrySteps(retry, target.registry(), refusalAdvice);
    this.log = log;
  }

  /**
   * A publisher to {@code target} over {@code client}, retried as {@code access} says, a refusal
   * answered with the advice of the credentials {@code resolution} found.
   */
  public static Publisher over(
      RegistryClient client,
      ImageReference target,
      RegistryAccess access,
      CredentialResolver.Resolution resolution,
      BuildLog log) {
    return new Publisher(
        client, target, access.retry(log), log, resolution.advice(target.registry()));
  }

  /** How this publisher runs its registry steps: retried, a refusal turned into advice. */
  public RegistrySteps steps() {
    return steps;
  }

  /** Publishes the layout, then writes the tags: a push with nothing between them. */
  public PushResult push(LayoutReader.Layout layout, List<String> tags)
      throws PackFailure, IOException, InterruptedException {
    PushResult published = publish(layout);
    tag(layout.index().mediaType(), layout.indexBytes(), layout.index().digest(), tags);
    return published.withTags(tags);
  }

  /**
   * Every platform's blobs and manifest, then the index, each by digest; no tag. What the registry
   * already has is skipped.
   *
   * @return what was published, without tags
   */
  public PushResult publish(LayoutReader.Layout layout)
      throws PackFailure, IOException, InterruptedException {
    return publish(layout, true);
  }

  /**
   * Every platform's blobs and manifest, each by digest; neither the index nor a tag: a split
   * release's part, which the fan-in lists in an index of its own.
   *
   * @return what was published, its index digest the layout's (which the registry does not hold)
   */
  public PushResult publishImages(LayoutReader.Layout layout)
      throws PackFailure, IOException, InterruptedException {
    return publish(layout, false);
  }

  private PushResult publish(LayoutReader.Layout layout, boolean withIndex)
      throws PackFailure, IOException, InterruptedException {
    List<BlobJob> blobs = blobJobs(layout);
    List<LayoutReader.Image> images = layout.images();
    List<BlobOutcome> outcomes;
    List<Boolean> manifestsPresent;
    boolean indexPresent;
    String indexDigest = layout.index().digest();
    // Each request waits mostly for the registry, so blobs go up several at a time (as docker
    // push does, five at most), and the manifests and the index are checked beside them; then
    // the missing manifests go up at once, then the index.
    try (ParallelTasks parallel = new ParallelTasks("push", PARALLEL_REQUESTS)) {
      List<Future<Boolean>> manifestChecks = new ArrayList<>();
      for (LayoutReader.Image image : images) {
        manifestChecks.add(
            parallel.start(() -> hasManifest(image.manifest().digest(), manifestOf(image))));
      }
      Future<Boolean> indexCheck =
          withIndex ? parallel.start(() -> hasManifest(indexDigest, INDEX)) : null;
      outcomes = parallel.map(blobs, job -> publishBlob(job, layout));
      manifestsPresent = new ArrayList<>();
      List<LayoutReader.Image> missing = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        boolean present = Futures.get(manifestChecks.get(i));
        manifestsPresent.add(present);
        if (!present) {
          missing.add(images.get(i));
        }
      }
      parallel.map(
          missing,
          image -> {
            putImageManifest(image, layout);
            return null;
          });
      indexPresent = indexCheck != null && Futures.get(indexCheck);
    }
    Map<String, String> platforms = new LinkedHashMap<>();
    images.forEach(i -> platforms.put(i.platform().toString(), i.manifest().digest()));
    int uploadedBlobs = 0;
    long uploadedBytes = 0;
    int mountedBlobs = 0;
    int skippedBlobs = 0;
    Set<String> mountedFrom = new TreeSet<>();
    for (int i = 0; i < blobs.size(); i++) {
      switch (outcomes.get(i)) {
        case PRESENT -> skippedBlobs++;
        case MOUNTED -> {
          mountedBlobs++;
          mountedFrom.add(blobs.get(i).mountSource());
        }
        case UPLOADED -> {
          uploadedBlobs++;
          uploadedBytes += blobs.get(i).blob().size();
        }
      }
    }
    int skippedManifests = (int) manifestsPresent.stream().filter(present -> present).count();
    if (mountedBlobs > 0) {
      log.info("Mounted " + mountedBlobs + " blobs from " + String.join(", ", mountedFrom));
    }
    if (indexPresent) {
      skippedManifests++;
    } else if (withIndex) {
      putIndex(layout);
    }
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
            + " manifests already present");
    return new PushResult(
        repository(),
        List.of(),
        indexDigest,
        platforms,
        uploadedBlobs,
        uploadedBytes,
        mountedBlobs,
        skippedBlobs,
        skippedManifests);
  }

  /** The platform's manifest; on a lost race, its blobs checked (and sent if missing) again. */
  private void putImageManifest(LayoutReader.Image image, LayoutReader.Layout layout)
      throws PackFailure, IOException, InterruptedException {
    LostRaces.put(
        "the " + manifestOf(image),
        () ->
            putManifest(
                image.manifest().digest(),
                image.manifest().mediaType(),
                image.manifestBytes(),
                manifestOf(image)),
        () -> {
          for (BlobJob job : blobJobs(layout)) {
            if (image.blobs().contains(job.blob())) {
              publishBlob(job, layout);
            }
          }
        },
        log);
  }

  /** The index; on a lost race, its platforms' manifests checked (and sent if missing) again. */
  private void putIndex(LayoutReader.Layout layout)
      throws PackFailure, IOException, InterruptedException {
    LostRaces.put(
        "the " + INDEX,
        () ->
            putManifest(
                layout.index().digest(), layout.index().mediaType(), layout.indexBytes(), INDEX),
        () -> {
          for (LayoutReader.Image image : layout.images()) {
            if (!hasManifest(image.manifest().digest(), manifestOf(image))) {
              putImageManifest(image, layout);
            }
          }
        },
        log);
  }

  /** What became of one blob. */
  private enum BlobOutcome {
    PRESENT,
    MOUNTED,
    UPLOADED
  }

  /**
   * One blob of the layout, once however many platforms share it.
   *
   * @param mountSource the base's repository to mount it from when it is a layer, or null
   */
  private record BlobJob(Descriptor blob, String platform, String mountSource) {}

  private List<BlobJob> blobJobs(LayoutReader.Layout layout) {
    Map<String, BlobJob> jobs = new LinkedHashMap<>();
    for (LayoutReader.Image image : layout.images()) {
      String mountSource = mountSource(image);
      for (Descriptor blob : image.blobs()) {
        String from = image.layers().contains(blob) ? mountSource : null;
        BlobJob known = jobs.get(blob.digest());
        if (known == null || (known.mountSource() == null && from != null)) {
          jobs.put(blob.digest(), new BlobJob(blob, image.platform().toString(), from));
        }
      }
    }
    return List.copyOf(jobs.values());
  }

  /**
   * Skips a blob the repository has; else asks the registry to mount it from the base's repository
   * and, when the registry opens an ordinary upload instead, uploads it in that same session.
   */
  private BlobOutcome publishBlob(BlobJob job, LayoutReader.Layout layout)
      throws PackFailure, IOException, InterruptedException {
    String digest = job.blob().digest();
    String of = digest.substring(0, 19) + "… of " + job.platform();
    if (step("Checking blob " + of + " in " + repository(), () -> client.hasBlob(digest))) {
      return BlobOutcome.PRESENT;
    }
    // Hashed here, not when the layout was read: a push that finds a blob in place reads none.
    Path content = layout.checkedBlob(job.blob());
    if (job.mountSource() != null) {
      boolean mounted =
          step(
              "Pushing blob "
                  + of
                  + " to "
                  + repository()
                  + ", mounted from "
                  + job.mountSource()
                  + " if the registry can",
              () -> client.mountOrPushBlob(digest, job.mountSource(), content));
      return mounted ? BlobOutcome.MOUNTED : BlobOutcome.UPLOADED;
    }
    step(
        "Pushing blob " + of + " to " + repository(),
        () -> {
          client.pushBlob(digest, content);
          return null;
        });
    return BlobOutcome.UPLOADED;
  }

  private String repository() {
    return target.repositoryName();
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

  /**
   * The index (an OCI image index or a Docker manifest list, as {@code mediaType} says) by digest,
   * unless the registry has it.
   *
   * @return whether the registry had it
   */
  public boolean publishIndex(String mediaType, byte[] indexBytes, String indexDigest)
      throws PackFailure, IOException, InterruptedException {
    boolean present = hasManifest(indexDigest, INDEX);
    if (!present) {
      putManifest(indexDigest, mediaType, indexBytes, INDEX);
    }
    return present;
  }

  /** Each tag names the index, which must be in the registry: the last thing a push writes. */
  public void tag(String mediaType, byte[] indexBytes, String indexDigest, List<String> tags)
      throws PackFailure, IOException, InterruptedException {
    // The tags at once: each names the index, which is complete and audited by now.
    try (ParallelTasks parallel = new ParallelTasks("tag", Math.max(1, tags.size()))) {
      parallel.map(
          tags,
          tag -> {
            String what = "Tagging " + target.repositoryName() + ":" + tag;
            LostRaces.put(
                "the tag " + tag,
                () ->
                    step(
                        what + " as the image index " + indexDigest,
                        () -> {
                          client.putManifest(tag, mediaType, indexBytes);
                          return null;
                        }),
                () -> {
                  if (!hasManifest(indexDigest, INDEX)) {
                    throw new PackFailure(
                        what
                            + " failed: the registry no longer has the image index "
                            + indexDigest);
                  }
                },
                log);
            return null;
          });
    }
    tags.forEach(tag -> log.info("Tagged " + target.repositoryName() + ":" + tag));
  }

  private static String manifestOf(LayoutReader.Image image) {
    return "manifest of " + image.platform();
  }

  private boolean hasManifest(String digest, String what)
      throws PackFailure, IOException, InterruptedException {
    return step("Checking " + what + where(digest), () -> client.hasManifest(digest));
  }

  private void putManifest(String digest, String mediaType, byte[] bytes, String what)
      throws PackFailure, IOException, InterruptedException {
    step(
        "Pushing " + what + where(digest),
        () -> {
          client.putManifest(digest, mediaType, bytes);
          return null;
        });
  }

  private String where(String digest) {
    return " " + digest.substring(0, 19) + "… to " + target.repositoryName();
  }

  private <T> T step(String what, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    log.debug(what);
    return steps.run(what, step);
  }
}
