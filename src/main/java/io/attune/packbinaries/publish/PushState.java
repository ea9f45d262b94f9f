package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code push-state.json}: what the last successful push left in the registry, so that a rerun with
 * nothing new to publish can confirm it with a few HEAD requests instead of pushing, auditing and
 * signing again. It holds digests and tags only, never a secret.
 *
 * @param parameters the fingerprint of the push parameters that change what a push writes (see
 *     {@link PushParameters})
 * @param attachments each manifest reference the supply chain wrote or found in place (signature
 *     and referrers tags) with its digest then
 */
public record PushState(
    String repository,
    String indexDigest,
    List<String> tags,
    String parameters,
    Map<String, String> attachments) {

  /** Bumped when the meaning of a field changes: an older file then means a full push. */
  static final int FORMAT = 1;

  public PushState {
    tags = List.copyOf(tags);
    attachments = Map.copyOf(attachments);
  }

  /** Writes it atomically: a reader sees the previous state or this one, never a part. */
  public void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    root.put("repository", repository);
    root.put("indexDigest", indexDigest);
    tags.forEach(root.putArray("tags")::add);
    root.put("parameters", parameters);
    ObjectNode attached = root.putObject("attachments");
    new TreeMap<>(attachments).forEach(attached::put);
    AtomicFiles.write(file, Json.pretty(root));
  }

  /**
   * The state in {@code file}.
   *
   * @throws NoSuchFileException when there is none
   * @throws IOException when it is unreadable, of another format, or not a state at all (a
   *     truncated file, say): the caller then pushes in full
   */
  public static PushState read(Path file) throws IOException {
    JsonNode root = Json.parse(Files.readAllBytes(file));
    if (root.path("format").asInt() != FORMAT) {
      throw new IOException("not a push state of format " + FORMAT);
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : root.path("tags")) {
      tags.add(tag.asText());
    }
    Map<String, String> attachments = new TreeMap<>();
    root.path("attachments").fields().forEachRemaining(e -> attachments.put(e.getKey(), text(e)));
    PushState state =
        new PushState(
            text(root, "repository"),
            text(root, "indexDigest"),
            tags,
            text(root, "parameters"),
            attachments);
    if (Digest.problem(state.indexDigest) != null
        || tags.isEmpty()
        || attachments.values().stream().anyMatch(d -> Digest.problem(d) != null)) {
      throw new IOException("its digests or tags are missing or malformed");
    }
    return state;
  }

  private static String text(Map.Entry<String, JsonNode> entry) {
    return entry.getValue().asText();
  }

  private static String text(JsonNode root, String field) throws IOException {
    JsonNode value = root.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException("it has no " + field);
    }
    return value.asText();
  }

  /** Why {@code current} is not what this state recorded, or null when it is. */
  String difference(PushState current) {
    if (!repository.equals(current.repository)) {
      return "it was pushed to " + repository;
    }
    if (!indexDigest.equals(current.indexDigest)) {
      return "the last push was of " + indexDigest;
    }
    if (!tags.equals(current.tags)) {
      return "the last push wrote the tags " + String.join(", ", tags);
    }
    if (!parameters.equals(current.parameters)) {
      return "the push parameters changed";
    }
    return null;
  }
}
