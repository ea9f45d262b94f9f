package io.attune.packbinaries.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The small JSON files the goals keep between runs (states and reports), read and written as
 * Jackson trees ({@link Json}) with the mapping spelled out beside each record. Bean binding would
 * be shorter, but in a cold JVM its first use, and each further record type, loads far more than a
 * tree does, paid again by every run that has nothing to do.
 */
public final class JsonFiles {

  private JsonFiles() {}

  /** Writes {@code content} pretty-printed, atomically: a reader sees the old file or this one. */
  public static void write(Path file, JsonNode content) throws IOException {
    AtomicFiles.write(file, Json.pretty(content));
  }

  /**
   * The JSON document in {@code file}.
   *
   * @throws IOException when it cannot be read, is not JSON or is empty
   */
  public static JsonNode read(Path file) throws IOException {
    // Anything after the document means the file is not what we wrote.
    return Json.parseWhole(Files.readAllBytes(file));
  }

  /** Puts {@code values} as an array of strings, or null as null. */
  public static void putTexts(ObjectNode object, String field, Collection<String> values) {
    if (values == null) {
      object.putNull(field);
    } else {
      ArrayNode array = object.putArray(field);
      values.forEach(array::add);
    }
  }

  /** Puts {@code values} as an object of strings in the map's order, or null as null. */
  public static void putTexts(ObjectNode object, String field, Map<String, String> values) {
    if (values == null) {
      object.putNull(field);
    } else {
      ObjectNode map = object.putObject(field);
      values.forEach(map::put);
    }
  }
}
