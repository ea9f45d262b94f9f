package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.LostRaces;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Attaches a document to a manifest as an OCI 1.1 artifact: an image manifest with {@code
 * artifactType}, the empty config, the document as its one layer and the manifest as its {@code
 * subject}. A registry with the referrers API indexes it from the subject; for one without (as
 * distribution 2.8), the artifact is also added to the referrers tag schema's index, tagged {@code
 * sha256-<hex>} of the subject, which is what clients look up there.
 */
public final class Referrers {

  /** The empty JSON object OCI 1.1 uses as an artifact's config. */
  private static final String EMPTY_TEXT = "{}";

  /** Its bytes: a new array each time, as arrays can be written to. */
  static byte[] empty() {
    return EMPTY_TEXT.getBytes(StandardCharsets.UTF_8);
  }

  static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";

  /** Rounds of writing the referrers tag while other pushes of the same subject drop our entry. */
  static final int RACE_ATTEMPTS = 6;

  /** Marks an artifact by the content it carries, so a rerun replaces its own entry. */
  static final String CONTENT_ANNOTATION = "io.attune.pack-binaries.content.sha256";

  /** The shortest pause before the tag is read back; see {@link #tagReferrers}. */
  static final Duration SETTLE_MIN = Duration.ofMillis(20);

  /** The longest: a slow write does not hold the push for long. */
  static final Duration SETTLE_MAX = Duration.ofSeconds(2);

  private final Uploads uploads;
  private final BuildLog log;
  private final Retry.Sleeper settle;

  Referrers(Uploads uploads, BuildLog log) {
    this(uploads, log, duration -> Thread.sleep(duration.toMillis()));
  }

  /** With {@code settle} for the pause before the tag is read back (tests pass their own). */
  Referrers(Uploads uploads, BuildLog log, Retry.Sleeper settle) {
    this.uploads = uploads;
    this.log = log;
    this.settle = settle;
  }

  /**
   * Attaches {@code document} unless the subject's referrers already list the very same artifact (a
   * rerun of the same push), which then costs one request.
   *
   * @param identity what makes this document the same one on a rerun (for a signed document, the
   *     digest of what was signed, since a new signature differs each time)
   * @return the artifact manifest's descriptor
   */
  public Descriptor attach(
      Descriptor subject,
      String artifactType,
      byte[] document,
      String identity,
      Map<String, String> annotations)
      throws PackFailure, IOException, InterruptedException {
    String emptyDigest = "sha256:" + Sha256.of(empty());
    String documentDigest = "sha256:" + Sha256.of(document);
    Map<String, String> all = new TreeMap<>(annotations);
    all.put(CONTENT_ANNOTATION, identity);
    ObjectNode manifest = Json.object();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", artifactType);
    descriptor(manifest.putObject("config"), EMPTY_MEDIA_TYPE, emptyDigest, empty().length)
        .put("data", "e30=");
    descriptor(
        manifest.putArray("layers").addObject(), artifactType, documentDigest, document.length);
    descriptor(
        manifest.putObject("subject"), subject.mediaType(), subject.digest(), subject.size());
    ObjectNode manifestAnnotations = manifest.putObject("annotations");
    all.forEach(manifestAnnotations::put);
    byte[] bytes = Json.compact(manifest);
    Descriptor artifact =
        new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + Sha256.of(bytes), bytes.length);
    Optional<byte[]> indexed = uploads.referrers(subject.digest());
    String tag = fallbackTag(subject.digest());
    Optional<byte[]> listed =
        indexed.isPresent() ? indexed : uploads.existingManifest(readingTag(tag), tag);
    if (listed.isPresent() && lists(listed.get(), artifact.digest())) {
      log.debug(artifactType + " " + artifact.digest() + " is already attached");
      if (indexed.isPresent()) {
        uploads.reliedOn(artifact.digest());
      }
      return artifact;
    }
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    blobs.put(emptyDigest, empty());
    blobs.put(documentDigest, document);
    for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
      uploads.blob(blob.getKey(), blob.getValue());
    }
    pushArtifact(subject, artifact, artifactType, bytes, blobs);
    if (indexed.isPresent()) {
      log.debug("The registry indexes referrers of " + subject.digest() + " itself");
      uploads.reliedOn(artifact.digest());
    } else {
      tagReferrers(subject, tag, artifact, artifactType, all, bytes, blobs);
    }
    return artifact;
  }

  /**
   * The artifact's manifest. When another push of the same blobs is committing them (distribution
   * answers 400 MANIFEST_BLOB_UNKNOWN meanwhile), sends its blobs again and retries ({@link
   * LostRaces}).
   */
  private void pushArtifact(
      Descriptor subject,
      Descriptor artifact,
      String artifactType,
      byte[] bytes,
      Map<String, byte[]> blobs)
      throws PackFailure, IOException, InterruptedException {
    LostRaces.put(
        "the " + artifactType + " for " + subject.digest(),
        () ->
            uploads.manifest(
                "Pushing " + artifactType + " for " + subject.digest(),
                artifact.digest(),
                MediaTypes.OCI_MANIFEST,
                bytes),
        () -> {
          for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            uploads.blobAgain(blob.getKey(), blob.getValue());
          }
        },
        log);
  }

  /**
   * Tags the referrers index with this artifact added, and sees that it stays there. The tag is
   * read, merged and written back (read-modify-write), and another push attaching another document
   * to the same subject at once may write an index it read before this write, dropping this entry.
   * So the tag is read again just before the write (the window for that is one read and one write,
   * not the artifact's uploads since the first read), and after the write and a pause twice as long
   * as that read and write took (at least {@link #SETTLE_MIN}, at most {@link #SETTLE_MAX}), read
   * back; while this artifact is missing, it is merged into what the tag holds then and written
   * again, at most {@link #RACE_ATTEMPTS} rounds. Every attacher does the same for its own entry,
   * so the tag converges on all of them. Costs two reads of the tag and the pause when no other
   * push writes it meanwhile.
   */
  private void tagReferrers(
      Descriptor subject,
      String tag,
      Descriptor artifact,
      String artifactType,
      Map<String, String> annotations,
      byte[] artifactBytes,
      Map<String, byte[]> blobs)
      throws PackFailure, IOException, InterruptedException {
    long start = System.nanoTime();
    Optional<byte[]> current = uploads.existingManifest(readingTag(tag), tag);
    for (int round = 1; ; round++) {
      writeTag(subject, tag, current, artifact, artifactType, annotations, artifactBytes, blobs);
      // Another attacher that read the tag before this write writes within about as long.
      settle.sleep(clamp(Duration.ofNanos(System.nanoTime() - start).multipliedBy(2)));
      start = System.nanoTime();
      current = uploads.existingManifest(readingTag(tag), tag);
      if (current.isPresent() && lists(current.get(), artifact.digest())) {
        return;
      }
      if (round == RACE_ATTEMPTS) {
        throw new IOException(
            "The referrers tag "
                + tag
                + " lost the "
                + artifactType
                + " "
                + artifact.digest()
                + " to other pushes writing it at once, "
                + RACE_ATTEMPTS
                + " times; push again once they are done");
      }
      log.info(
          "Another push rewrote the referrers tag "
              + tag
              + " at once without the "
              + artifactType
              + " "
              + artifact.digest()
              + "; adding it again (round "
              + (round + 1)
              + " of "
              + RACE_ATTEMPTS
              + ")");
    }
  }

  private static Duration clamp(Duration settle) {
    return settle.compareTo(SETTLE_MIN) < 0
        ? SETTLE_MIN
        : settle.compareTo(SETTLE_MAX) > 0 ? SETTLE_MAX : settle;
  }

  /**
   * Writes the referrers index: {@code listed} with this artifact added. When another push of the
   * same subject is committing its own (distribution answers 400 MANIFEST_BLOB_UNKNOWN meanwhile),
   * sends this artifact's manifest again, reads the tag again and retries ({@link LostRaces}).
   */
  private void writeTag(
      Descriptor subject,
      String tag,
      Optional<byte[]> listed,
      Descriptor artifact,
      String artifactType,
      Map<String, String> annotations,
      byte[] artifactBytes,
      Map<String, byte[]> blobs)
      throws PackFailure, IOException, InterruptedException {
    AtomicReference<Optional<byte[]>> current = new AtomicReference<>(listed);
    LostRaces.put(
        "the referrers index of " + subject.digest(),
        () ->
            uploads.manifest(
                "Tagging the referrers of " + subject.digest() + " as " + tag,
                tag,
                MediaTypes.OCI_INDEX,
                fallbackIndex(current.get(), artifact, artifactType, annotations)),
        () -> {
          pushArtifact(subject, artifact, artifactType, artifactBytes, blobs);
          current.set(uploads.existingManifest(readingTag(tag), tag));
        },
        log);
  }

  private static boolean lists(byte[] index, String digest) throws IOException {
    for (JsonNode entry : Json.parse(index).path("manifests")) {
      if (entry.path("digest").asText().equals(digest)) {
        return true;
      }
    }
    return false;
  }

  /** The tag schema's tag for referrers of {@code digest}. */
  public static String fallbackTag(String digest) {
    return digest.replace(':', '-');
  }

  /** What reading a referrers tag is called in the log and in failures. */
  static String readingTag(String tag) {
    return "Reading the referrers tag " + tag;
  }

  /** The tag schema's index: what {@code existing} lists, this artifact replacing its own. */
  private static byte[] fallbackIndex(
      Optional<byte[]> existing,
      Descriptor artifact,
      String artifactType,
      Map<String, String> annotations)
      throws IOException {
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    if (existing.isPresent()) {
      for (JsonNode entry : Json.parse(existing.get()).path("manifests")) {
        boolean replaced =
            entry.path("artifactType").asText().equals(artifactType)
                && entry
                    .path("annotations")
                    .path(CONTENT_ANNOTATION)
                    .asText()
                    .equals(annotations.get(CONTENT_ANNOTATION));
        if (!replaced) {
          manifests.add(entry);
        }
      }
    }
    ObjectNode entry =
        descriptor(manifests.addObject(), artifact.mediaType(), artifact.digest(), artifact.size());
    entry.put("artifactType", artifactType);
    ObjectNode entryAnnotations = entry.putObject("annotations");
    annotations.forEach(entryAnnotations::put);
    return Json.compact(index);
  }

  static ObjectNode descriptor(ObjectNode node, String mediaType, String digest, long size) {
    node.put("mediaType", mediaType);
    node.put("digest", digest);
    node.put("size", size);
    return node;
  }
}
