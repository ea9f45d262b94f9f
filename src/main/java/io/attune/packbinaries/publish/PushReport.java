package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes {@code image.json}: what was pushed, for release notes, deploy jobs and benches. */
public final class PushReport {

  private PushReport() {}

  public static void write(Path file, PushResult result) throws IOException {
    ObjectNode root = Json.object();
    root.put("reference", result.repository());
    root.put("indexDigest", result.indexDigest());
    root.put("pinnedReference", result.pinnedReference());
    ArrayNode tags = root.putArray("tags");
    result.tags().forEach(tags::add);
    ArrayNode platforms = root.putArray("platforms");
    for (Map.Entry<String, String> entry : result.platforms().entrySet()) {
      platforms.addObject().put("platform", entry.getKey()).put("digest", entry.getValue());
    }
    root.put("uploadedBlobs", result.uploadedBlobs());
    root.put("uploadedBytes", result.uploadedBytes());
    root.put("mountedBlobs", result.mountedBlobs());
    root.put("skippedBlobs", result.skippedBlobs());
    root.put("skippedManifests", result.skippedManifests());
    AtomicFiles.write(file, Json.pretty(root));
  }
}
