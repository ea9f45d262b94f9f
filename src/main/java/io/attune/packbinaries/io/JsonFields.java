package io.attune.packbinaries.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fields of one JSON object, read as a record's components: an absent or null field reads as
 * null (or 0, or false), as bean binding read it, and a field of the wrong type is an {@link
 * IOException} naming it, so a hand-edited file fails where it is wrong.
 */
public final class JsonFields {

  private final JsonNode object;
  private final String where;

  private JsonFields(JsonNode object, String where) {
    this.object = object;
    this.where = where;
  }

  /**
   * The top-level object {@code node}.
   *
   * @throws IOException when {@code node} is not an object
   */
  public static JsonFields of(JsonNode node) throws IOException {
    return of(node, "");
  }

  /**
   * The object {@code node}; {@code where} is its path in messages, e.g. {@code binaries[2]}.
   *
   * @throws IOException when {@code node} is not an object
   */
  public static JsonFields of(JsonNode node, String where) throws IOException {
    if (node == null || !node.isObject()) {
      throw new IOException(subject(where) + " is not a JSON object");
    }
    return new JsonFields(node, where);
  }

  /**
   * Rejects any field but {@code known}: a file with other fields was written by something else.
   */
  public JsonFields only(String... known) throws IOException {
    Set<String> allowed = Set.of(known);
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new IOException(subject(where) + " has an unknown field \"" + name + "\"");
      }
    }
    return this;
  }

  public String text(String field) throws IOException {
    JsonNode value = present(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrong(field, "a string");
    }
    return value.textValue();
  }

  /** The field's string, refused as not {@code expected} unless {@code valid} accepts it. */
  public String text(String field, Predicate<String> valid, String expected) throws IOException {
    String value = text(field);
    if (value != null && !valid.test(value)) {
      throw wrong(field, expected);
    }
    return value;
  }

  public long number(String field) throws IOException {
    JsonNode value = present(field);
    if (value == null) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrong(field, "a whole number");
    }
    return value.longValue();
  }

  public boolean flag(String field) throws IOException {
    JsonNode value = present(field);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      throw wrong(field, "true or false");
    }
    return value.booleanValue();
  }

  /** The field's array of strings, or null when it is absent or null. */
  public List<String> texts(String field) throws IOException {
    JsonNode array = array(field);
    if (array == null) {
      return null;
    }
    List<String> values = new ArrayList<>(array.size());
    for (JsonNode value : array) {
      if (!value.isTextual()) {
        throw wrong(field, "an array of strings");
      }
      values.add(value.textValue());
    }
    return values;
  }

  /** The field's object of strings in the file's order, or null when it is absent or null. */
  public Map<String, String> textMap(String field) throws IOException {
    JsonNode map = present(field);
    if (map == null) {
      return null;
    }
    if (!map.isObject()) {
      throw wrong(field, "an object of strings");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> entries = map.fields(); entries.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = entries.next();
      if (!entry.getValue().isTextual()) {
        throw wrong(field, "an object of strings");
      }
      values.put(entry.getKey(), entry.getValue().textValue());
    }
    return values;
  }

  /** The field's array of objects, or null when it is absent or null. */
  public List<JsonFields> objects(String field) throws IOException {
    JsonNode array = array(field);
    if (array == null) {
      return null;
    }
    List<JsonFields> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      values.add(of(array.get(i), path(field) + "[" + i + "]"));
    }
    return values;
  }

  /**
   * {@code value}, read from {@code field}, which the record cannot do without: {@code
   * required("binaries", fields.objects("binaries"))}.
   */
  public <T> T required(String field, T value) throws IOException {
    if (value == null) {
      throw new IOException(subject(where) + " has no " + path(field));
    }
    return value;
  }

  private JsonNode array(String field) throws IOException {
    JsonNode value = present(field);
    if (value != null && !value.isArray()) {
      throw wrong(field, "an array");
    }
    return value;
  }

  private JsonNode present(String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private IOException wrong(String field, String expected) {
    return new IOException(path(field) + " is not " + expected);
  }

  private String path(String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  private static String subject(String where) {
    return where.isEmpty() ? "the top level" : where;
  }
}
