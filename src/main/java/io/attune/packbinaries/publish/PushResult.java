package io.attune.packbinaries.publish;

import java.util.List;
import java.util.Map;

/**
 * What a push left in the registry, and what it cost: the bytes uploaded show whether a rerun
 * re-sent anything; blobs mounted from the base's repository cost no upload.
 *
 * @param platforms platform ({@code linux/arm64}) to its manifest digest, in index order
 */
public record PushResult(
    String repository,
    List<String> tags,
    String indexDigest,
    Map<String, String> platforms,
    int uploadedBlobs,
    long uploadedBytes,
    int mountedBlobs,
    int skippedBlobs,
    int skippedManifests) {

  /** The same result with {@code written} as its tags. */
  public PushResult withTags(List<String> written) {
    return new PushResult(
        repository,
        List.copyOf(written),
        indexDigest,
        platforms,
        uploadedBlobs,
        uploadedBytes,
        mountedBlobs,
        skippedBlobs,
        skippedManifests);
  }

  /** {@code host/path@sha256:…}: the reference that always means exactly this release. */
  public String pinnedReference() {
    return repository + "@" + indexDigest;
  }
}
