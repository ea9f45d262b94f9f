package io.attune.packbinaries.compose;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Shown;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A compose file read as hostile input: bounded in size and nesting, strict UTF-8, YAML errors and
 * duplicate keys reported with the file and line, merge keys ({@code <<: *base}) resolved as
 * Compose resolves them. Everything here ends in a PackFailure naming the file, never in an
 * unchecked exception or a stack overflow.
 */
final class ComposeYaml {

  /** Compose files are a few KB; this leaves room for any real one. */
  static final int MAX_BYTES = 1024 * 1024;

  /** Real compose files nest about 6 deep; the bound keeps every walk off the stack's limit. */
  static final int MAX_DEPTH = 64;

  /** Merge keys that reach further merge keys; real files chain one or two. */
  static final int MAX_MERGES = 16;

  private static final String MERGE_KEY = "<<";

  private final Path path;
  private final String text;
  private final Node root;

  private ComposeYaml(Path path, String text, Node root) {
    this.path = path;
    this.text = text;
    this.root = root;
  }

  static ComposeYaml read(Path path) throws PackFailure, IOException {
    if (Files.size(path) > MAX_BYTES) {
      throw new PackFailure(
          path + " is larger than " + MAX_BYTES + " bytes, more than any compose file needs");
    }
    return parse(path, decode(path, Files.readAllBytes(path)));
  }

  static ComposeYaml parse(Path path, String text) throws PackFailure {
    LoadSettings settings = settings(path);
    try {
      checkDepth(path, new Parse(settings).parseString(text));
      Node root =
          new Compose(settings)
              .composeString(text)
              .orElseThrow(() -> new PackFailure(path + " is empty; it should define services"));
      checkDuplicateKeys(path, root);
      return new ComposeYaml(path, text, root);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String context = Objects.toString(e.getContext(), "");
      throw new PackFailure(
          path
              + mark.map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("")
              + ": not valid YAML: "
              + (context.isEmpty() ? "" : context + ", ")
              + e.getProblem()
              + "; fix the file",
          e);
    } catch (YamlEngineException e) {
      throw new PackFailure(path + ": not valid YAML: " + e.getMessage() + "; fix the file", e);
    }
  }

  static LoadSettings settings(Path path) {
    return LoadSettings.builder()
        .setLabel(path.toString())
        .setCodePointLimit(MAX_BYTES)
        .setMaxAliasesForCollections(50)
        .setAllowRecursiveKeys(false)
        // Compose keys are strings; with this, every key below is a ScalarNode.
        .setAllowNonScalarKeys(false)
        .build();
  }

  private static String decode(Path path, byte[] bytes) throws PackFailure {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      int offset = firstInvalidByte(bytes);
      long line =
          1
              + new String(bytes, 0, offset, StandardCharsets.UTF_8)
                  .chars()
                  .filter(c -> c == '\n')
                  .count();
      throw new PackFailure(
          path
              + ":"
              + line
              + ": not UTF-8 text (invalid byte at offset "
              + offset
              + "); save the file as UTF-8");
    }
  }

  /** The offset of the first byte that does not decode: where a reporting decoder stops. */
  private static int firstInvalidByte(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, CharBuffer.allocate(bytes.length), true);
    return in.position();
  }

  /** Refuses nesting deeper than MAX_DEPTH while the parser streams, before any recursion. */
  private static void checkDepth(Path path, Iterable<Event> events) throws PackFailure {
    int depth = 0;
    for (Event event : events) {
      if (event instanceof CollectionStartEvent) {
        if (++depth > MAX_DEPTH) {
          throw new PackFailure(
              path
                  + event.getStartMark().map(m -> ":" + (m.getLine() + 1)).orElse("")
                  + ": nested more than "
                  + MAX_DEPTH
                  + " levels deep; no compose file needs that");
        }
      } else if (event instanceof CollectionEndEvent) {
        depth--;
      }
    }
  }

  /** Compose refuses a key written twice in one mapping, wherever it is; so do we. */
  private static void checkDuplicateKeys(Path path, Node root) throws PackFailure {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      if (!seen.add(node)) {
        continue;
      }
      if (node instanceof MappingNode mapping) {
        Map<String, Node> keys = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
          ScalarNode key = (ScalarNode) tuple.getKeyNode();
          Node first = keys.putIfAbsent(key.getValue(), key);
          if (first != null) {
            throw new PackFailure(
                path
                    + ":"
                    + line(key)
                    + ": mapping key \""
                    + Shown.cut(key.getValue(), 80)
                    + "\" already defined at line "
                    + line(first)
                    + "; remove one of them");
          }
          pending.push(tuple.getValueNode());
        }
      } else if (node instanceof SequenceNode sequence) {
        sequence.getValue().forEach(pending::push);
      }
    }
  }

  static int line(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  Path path() {
    return path;
  }

  String text() {
    return text;
  }

  Node root() {
    return root;
  }

  /**
   * The value of {@code key} in {@code node} when it is a mapping: its own entry, else the first
   * mapping its merge keys name that has it (a {@code <<} sequence in order), as Compose merges.
   */
  Node child(Node node, String key) throws PackFailure {
    return child(node, key, 0);
  }

  private Node child(Node node, String key, int merges) throws PackFailure {
    if (!(node instanceof MappingNode mapping)) {
      return null;
    }
    if (merges > MAX_MERGES) {
      throw new PackFailure(
          path
              + ":"
              + line(node)
              + ": merge keys nested too deep (a << that reaches itself); remove the loop");
    }
    List<Node> merged = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      ScalarNode k = (ScalarNode) tuple.getKeyNode();
      if (isMergeKey(k)) {
        merged.addAll(mergeSources(tuple.getValueNode()));
      } else if (k.getValue().equals(key)) {
        return tuple.getValueNode();
      }
    }
    for (Node source : merged) {
      Node value = child(source, key, merges + 1);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  static boolean isMergeKey(ScalarNode key) {
    return key.getScalarStyle() == ScalarStyle.PLAIN && key.getValue().equals(MERGE_KEY);
  }

  private List<Node> mergeSources(Node value) throws PackFailure {
    if (value instanceof MappingNode) {
      return List.of(value);
    }
    if (value instanceof SequenceNode sequence
        && sequence.getValue().stream().allMatch(MappingNode.class::isInstance)) {
      return sequence.getValue();
    }
    throw new PackFailure(
        path
            + ":"
            + line(value)
            + ": map merge requires map or sequence of maps as the value; fix the << entry");
  }
}
