package io.attune.packbinaries.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile variations of valid inputs for the parser fuzz tests: raw byte damage, and JSON whose
 * structure stays parseable but holds the values the review found dangerous (digests that climb out
 * of a directory, no colon, wrong types, negative and huge sizes, deep nesting).
 */
public final class FuzzMutations {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FuzzMutations() {}

  /** One to four random byte-level changes: flip, overwrite, insert, delete, truncate, repeat. */
  public static byte[] bytes(Random random, byte[] input) {
    byte[] out = input;
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      out = byteChange(random, out);
    }
    return out;
  }

  private static byte[] byteChange(Random random, byte[] in) {
    if (in.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(6)) {
      case 0 -> {
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
      }
      case 1 -> {
        byte[] out = in.clone();
        out[at] = (byte) "{}[]\":,0-9 \n\\".charAt(random.nextInt(13));
        return out;
      }
      case 2 -> {
        return splice(in, at, at, token(random));
      }
      case 3 -> {
        int end = Math.min(in.length, at + 1 + random.nextInt(16));
        return splice(in, at, end, new byte[0]);
      }
      case 4 -> {
        return Arrays.copyOf(in, at);
      }
      default -> {
        int end = Math.min(in.length, at + 1 + random.nextInt(8));
        byte[] chunk = Arrays.copyOfRange(in, at, end);
        byte[] repeated = new byte[chunk.length * (2 + random.nextInt(200))];
        for (int i = 0; i < repeated.length; i++) {
          repeated[i] = chunk[i % chunk.length];
        }
        return splice(in, at, at, repeated);
      }
    }
  }

  private static final String[] TOKENS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "-1",
    "1e309",
    "18446744073709551616",
    "\"nocolon\"",
    "\"sha256:../../../../etc/hostname\"",
    "\\u0000",
    "\u00e9",
    "\uD83D\uDE80",
  };

  private static byte[] token(Random random) {
    if (random.nextInt(10) == 0) {
      return (random.nextBoolean() ? "[" : "{\"a\":")
          .repeat(500 + random.nextInt(3000))
          .getBytes(StandardCharsets.UTF_8);
    }
    if (random.nextInt(20) == 0) {
      return new byte[] {(byte) 0xc3, (byte) 0x28};
    }
    return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
  }

  static byte[] splice(byte[] in, int from, int to, byte[] insert) {
    byte[] out = new byte[in.length - (to - from) + insert.length];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(in, to, out, from + insert.length, in.length - to);
    return out;
  }

  /**
   * The JSON document with one to three nodes replaced, removed or added, so the structure still
   * parses and the reader meets wrong values rather than only syntax errors.
   */
  public static byte[] json(Random random, byte[] input) throws IOException {
    JsonNode root = JSON.readTree(input);
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      root = jsonChange(random, root);
    }
    return JSON.writeValueAsBytes(root);
  }

  private static JsonNode jsonChange(Random random, JsonNode root) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    if (containers.isEmpty()) {
      return hostileValue(random);
    }
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name =
          names.isEmpty() || random.nextInt(6) == 0
              ? List.of("digest", "size", "mediaType", "manifests", "platform", "layers", "config")
                  .get(random.nextInt(7))
              : names.get(random.nextInt(names.size()));
      if (random.nextInt(5) == 0) {
        object.remove(name);
      } else {
        object.set(name, hostileValue(random));
      }
    } else if (target instanceof ArrayNode array) {
      switch (random.nextInt(3)) {
        case 0 -> array.removeAll();
        case 1 -> array.add(array.isEmpty() ? hostileValue(random) : array.get(0).deepCopy());
        default -> {
          if (!array.isEmpty()) {
            array.set(random.nextInt(array.size()), hostileValue(random));
          }
        }
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collect(child, containers));
    }
  }

  private static JsonNode hostileValue(Random random) {
    return switch (random.nextInt(14)) {
      case 0 -> NODES.textNode("nocolon");
      case 1 -> NODES.textNode("sha256:../../../../../../../../etc/hostname");
      case 2 -> NODES.textNode("");
      case 3 -> NODES.numberNode(-1);
      case 4 -> NODES.numberNode(new BigInteger("18446744073709551616"));
      case 5 -> NODES.numberNode(1.5);
      case 6 -> NODES.nullNode();
      case 7 -> NODES.objectNode();
      case 8 -> NODES.arrayNode();
      case 9 -> NODES.booleanNode(true);
      case 10 -> NODES.textNode("sha512:" + "a".repeat(64));
      case 11 -> NODES.numberNode(Long.MAX_VALUE);
      case 12 -> NODES.textNode("sha256:" + "0".repeat(64));
      default -> {
        ArrayNode deep = NODES.arrayNode();
        ArrayNode cursor = deep;
        for (int i = random.nextInt(900); i > 0; i--) {
          cursor = cursor.addArray();
        }
        yield deep;
      }
    };
  }
}
