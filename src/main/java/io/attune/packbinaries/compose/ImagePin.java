package io.attune.packbinaries.compose;

import io.attune.packbinaries.PackFailure;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.scanner.ScannerImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.tokens.ScalarToken;
import org.snakeyaml.engine.v2.tokens.Token;

/**
 * Where a service's {@code image} is written in the text, from the YAML parser's own marks, and the
 * text with a new reference there. Only the value's characters change: a scalar's anchor and tag
 * stay, an alias ({@code image: *img}) is replaced for this service alone so the anchor and its
 * other users stay, and an image that comes from a merge key gets its own {@code image:} line in
 * the service, which overrides the merge as Compose reads it.
 */
final class ImagePin {

  private ImagePin() {}

  /** What the event walk found at {@code services.SERVICE}. */
  private static final class Target {
    NodeEvent service;
    NodeEvent image;
    Event firstKey;
  }

  /** One open mapping or sequence; {@code path} is null where nothing we look for can be. */
  private static final class Frame {
    final boolean mapping;
    final List<String> path;
    boolean expectKey = true;
    String key;

    Frame(boolean mapping, List<String> path) {
      this.mapping = mapping;
      this.path = path;
    }
  }

  static String edit(ComposeYaml yaml, String service, String reference) throws PackFailure {
    String text = yaml.text();
    LoadSettings settings = ComposeYaml.settings(yaml.path());
    Target target = find(new Parse(settings).parseString(text), service);
    String where = yaml.path() + ": services." + service;
    if (target.image instanceof AliasEvent alias) {
      return replace(text, start(alias), end(alias), reference);
    }
    if (target.image instanceof ScalarEvent scalar) {
      ScalarToken token = scalarToken(settings, text, end(scalar), where);
      return replace(text, start(token), end(token), styled(reference, scalar, text, token));
    }
    // Otherwise the image comes from a merge key (the reader refuses any other non-scalar image).
    if (!(target.service instanceof MappingStartEvent mapping) || mapping.isFlow()) {
      throw new PackFailure(
          where
              + " gets its image from elsewhere (an alias or a flow mapping); give the service"
              + " its own image: line to pin it");
    }
    // The image comes from a merge key: the service's own key overrides it, on a line of its own.
    int keyStart = offset(text, start(target.firstKey));
    int column = target.firstKey.getStartMark().orElseThrow().getColumn();
    int lineStart = text.lastIndexOf('\n', keyStart) + 1;
    return text.substring(0, lineStart)
        + " ".repeat(column)
        + "image: "
        + reference
        + "\n"
        + text.substring(lineStart);
  }

  private static Target find(Iterable<Event> events, String service) {
    List<String> servicePath = List.of("services", service);
    List<String> imagePath = List.of("services", service, "image");
    Target target = new Target();
    Deque<Frame> open = new ArrayDeque<>();
    for (Event event : events) {
      if (event instanceof CollectionEndEvent) {
        open.pop();
        continue;
      }
      if (!(event instanceof NodeEvent node)) {
        continue;
      }
      Frame parent = open.peek();
      List<String> path;
      if (parent == null) {
        path = List.of();
      } else if (parent.mapping && parent.expectKey) {
        parent.expectKey = false;
        parent.key = ((ScalarEvent) event).getValue(); // keys are scalars: see ComposeYaml
        if (servicePath.equals(parent.path) && target.firstKey == null) {
          target.firstKey = event;
        }
        path = null;
      } else {
        // After a value a mapping's next node is a key; a sequence never reads its flag.
        parent.expectKey = parent.mapping;
        path = parent.mapping && parent.path != null ? with(parent) : null;
      }
      if (servicePath.equals(path)) {
        target.service = node;
      } else if (imagePath.equals(path)) {
        target.image = node;
      }
      if (event instanceof CollectionStartEvent) {
        open.push(new Frame(event instanceof MappingStartEvent, path));
      }
    }
    return target;
  }

  private static List<String> with(Frame parent) {
    String[] path = parent.path.toArray(new String[parent.path.size() + 1]);
    path[path.length - 1] = parent.key;
    return List.of(path);
  }

  /** The scalar token that ends where the event ends: its span excludes the anchor and the tag. */
  private static ScalarToken scalarToken(LoadSettings settings, String text, int end, String where)
      throws PackFailure {
    ScannerImpl scanner = new ScannerImpl(settings, new StreamReader(settings, text));
    while (scanner.hasNext()) {
      Token token = scanner.next();
      if (token instanceof ScalarToken scalar && end(scalar) == end) {
        return scalar;
      }
    }
    // Not seen since empty images are refused; a verdict all the same, should YAML find another.
    throw new PackFailure(
        where + ": its image has no text of its own to pin in place; write it by hand");
  }

  /** The reference in the value's own style, so quoting and block layout stay as written. */
  private static String styled(
      String reference, ScalarEvent scalar, String text, ScalarToken token) {
    ScalarStyle style = scalar.getScalarStyle();
    if (style == ScalarStyle.SINGLE_QUOTED) {
      return "'" + reference.replace("'", "''") + "'";
    }
    if (style == ScalarStyle.PLAIN) {
      return reference;
    }
    String quoted = "\"" + reference.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    // A block scalar's token runs to the end of its lines: keep its line break after the value
    // (a double-quoted token ends at its quote, so nothing is kept).
    String old = text.substring(offset(text, start(token)), offset(text, end(token)));
    return quoted + old.substring(old.stripTrailing().length());
  }

  private static int start(Event event) {
    return event.getStartMark().orElseThrow().getIndex();
  }

  private static int end(Event event) {
    return event.getEndMark().orElseThrow().getIndex();
  }

  private static int start(Token token) {
    return token.getStartMark().orElseThrow().getIndex();
  }

  private static int end(Token token) {
    return token.getEndMark().orElseThrow().getIndex();
  }

  /** Marks count code points; Java strings count UTF-16 units. */
  private static int offset(String text, int codePoints) {
    return text.offsetByCodePoints(0, codePoints);
  }

  private static String replace(String text, int from, int to, String value) {
    return text.substring(0, offset(text, from)) + value + text.substring(offset(text, to));
  }
}
