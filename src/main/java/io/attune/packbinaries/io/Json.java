package io.attune.packbinaries.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON trees (Jackson's {@link JsonNode}s) read and written with Jackson's streaming parser and
 * generator alone, as {@code ObjectMapper.readTree} and {@code writeValueAsBytes} would, to the
 * byte. An ObjectMapper loads its serializer and deserializer machinery, which a fresh JVM pays for
 * in every goal, a release with nothing to do included; the parser and the node classes are a
 * fraction of it. The parser keeps Jackson's limits on nesting, string and number length.
 */
public final class Json {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * The first JSON value in {@code bytes}, as {@code ObjectMapper.readTree} reads it: a {@link
   * MissingNode} when there is none, whatever follows the value ignored, a repeated key's last
   * value kept.
   *
   * @throws IOException when the bytes are not JSON
   */
  public static JsonNode parse(byte[] bytes) throws IOException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      return parser.nextToken() == null ? MissingNode.getInstance() : value(parser);
    }
  }

  /** As {@link #parse(byte[])}, for text. */
  public static JsonNode parse(String text) throws IOException {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The one JSON value that {@code bytes} hold: none at all, or anything after it, is refused.
   *
   * @throws IOException when the bytes are not exactly one JSON value
   */
  public static JsonNode parseWhole(byte[] bytes) throws IOException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() == null) {
        throw new IOException("it is empty");
      }
      JsonNode value = value(parser);
      if (parser.nextToken() != null) {
        throw new IOException(
            "something follows the JSON value, at "
                + parser.currentTokenLocation().offsetDescription());
      }
      return value;
    }
  }

  /**
   * As {@link #parseWhole}, for documents another program reads too: an object with two keys equal
   * but for case (a repeated key included) is refused. Go's {@code encoding/json}, which registries
   * and containerd use, matches a struct's field names case-insensitively and keeps the last, so
   * {@code "layers":[a], "LAYERS":[b]} would be audited here as one image and pulled as another.
   * Case is folded as Go folds it: upper then lower case, so the Kelvin sign is a k and the long s
   * an s.
   *
   * @throws IOException when the bytes are not exactly one JSON value, or hold such an object
   */
  public static JsonNode parseStrict(byte[] bytes) throws IOException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() == null) {
        throw new IOException("it is empty");
      }
      JsonNode value = value(parser, true);
      if (parser.nextToken() != null) {
        throw new IOException(
            "something follows the JSON value, at "
                + parser.currentTokenLocation().offsetDescription());
      }
      return value;
    }
  }

  /** A key as Go's decoder compares it with a field name. */
  public static String foldCase(String key) {
    return key.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  /** {@code node} without whitespace, as {@code ObjectMapper.writeValueAsBytes} writes it. */
  public static byte[] compact(JsonNode node) {
    return write(node, false);
  }

  /**
   * {@code node} with two-space indentation and {@code "key" : value}, as a pretty-printing
   * ObjectMapper writes it.
   */
  public static byte[] pretty(JsonNode node) {
    return write(node, true);
  }

  /** The value whose first token the parser is at; leaves the parser at its last token. */
  private static JsonNode value(JsonParser parser) throws IOException {
    return value(parser, false);
  }

  private static JsonNode value(JsonParser parser, boolean strict) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        Map<String, String> folded = strict ? new HashMap<>() : null;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          if (strict) {
            String earlier = folded.putIfAbsent(foldCase(name), name);
            if (earlier != null) {
              throw new IOException(
                  (earlier.equals(name)
                          ? "the key '"
                              + Shown.printable(name, 80)
                              + "' appears twice in one object"
                          : "the keys '"
                              + Shown.printable(earlier, 80)
                              + "' and '"
                              + Shown.printable(name, 80)
                              + "' of one object differ only in case, and Go's JSON decoder"
                              + " (registries, containerd) reads them as one")
                      + ", at "
                      + parser.currentTokenLocation().offsetDescription());
            }
          }
          parser.nextToken();
          object.set(name, value(parser, strict));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser, strict));
        }
        return array;
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IOException(
            "unexpected " + token + " at " + parser.currentTokenLocation().offsetDescription());
    }
  }

  private static byte[] write(JsonNode node, boolean pretty) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      if (pretty) {
        generator.setPrettyPrinter(new DefaultPrettyPrinter());
      }
      write(generator, node);
    } catch (IOException e) {
      // Only from the stream, and a byte array's never fails.
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator generator, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        generator.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          generator.writeFieldName(field.getKey());
          write(generator, field.getValue());
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (JsonNode element : node) {
          write(generator, element);
        }
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(node.textValue());
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> generator.writeNumber(node.intValue());
          case LONG -> generator.writeNumber(node.longValue());
          case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
          case FLOAT -> generator.writeNumber(node.floatValue());
          case DOUBLE -> generator.writeNumber(node.doubleValue());
          default -> generator.writeNumber(node.decimalValue());
        }
      }
      case BOOLEAN -> generator.writeBoolean(node.booleanValue());
      case NULL -> generator.writeNull();
      default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    }
  }
}
