package io.attune.packbinaries.audit;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Shown;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files under {@code /pack-binaries/} of one platform's image as a host extracts them: each
 * layer's entries applied in order over the layers below, as containerd's and umoci's extractors
 * apply them. An entry replaces what was at its path (a directory over a directory merges); a hard
 * link takes its target's content as it is at the link entry; a whiteout removes a path and what is
 * under it; an opaque directory marker removes what lower layers put under it.
 *
 * <p>What two real extractors would put in different places, or what the audit cannot follow, is
 * refused with a {@link PackFailure} naming the layer and the entry: a symbolic link at or under
 * {@code /pack-binaries}, a {@code /pack-binaries} (or {@code /}) that is not a directory, an entry
 * that reaches {@code /pack-binaries} through a symbolic link elsewhere, a whiteout or opaque
 * marker after an entry of its own layer that it would hide (containerd removes that entry, umoci
 * keeps it), an entry under a path that is a file, and a hard link to nothing or to a directory.
 *
 * <p>State is kept for {@code /pack-binaries} and what is under it, and for the image's symbolic
 * links (at most {@link AuditLimits#maxEntries()}), which the audit follows as an extractor does.
 */
final class PlatformFiles {

  static final String ROOT = LayerScanner.ROOT;
  private static final int MAX_LINK_HOPS = 255;

  /** One tar entry, as the scanner read it; {@code entry} is its raw name, for messages. */
  sealed interface Change {
    String entry();

    String path();
  }

  /** A regular file: the gate's verdict when it is ELF under the root, else why it is skipped. */
  record File(String entry, String path, AuditedBinary binary, String skipped) implements Change {}

  record Directory(String entry, String path) implements Change {}

  record HardLink(String entry, String path, String target) implements Change {}

  record SymbolicLink(String entry, String path, String target) implements Change {}

  /** A device or FIFO. */
  record Special(String entry, String path) implements Change {}

  /** {@code .wh.name} in {@code path}'s directory: {@code path} is the removed path. */
  record Whiteout(String entry, String path) implements Change {}

  /** {@code .wh..wh..opq}: {@code path} is the directory. */
  record Opaque(String entry, String path) implements Change {}

  private record Node(boolean directory, AuditedBinary binary, String skipped) {
    static final Node DIRECTORY = new Node(true, null, null);
  }

  private record Link(String target, int layer) {}

  private final long maxSymbolicLinks;
  private final NavigableMap<String, Node> tree = new TreeMap<>();
  private final NavigableMap<String, Link> symbolicLinks = new TreeMap<>();
  private final Set<String> writtenThisLayer = new HashSet<>();
  private int layer;
  private String where = "";
  private String layerDigest;

  PlatformFiles() {
    this(AuditLimits.DEFAULT.maxEntries());
  }

  PlatformFiles(long maxSymbolicLinks) {
    this.maxSymbolicLinks = maxSymbolicLinks;
  }

  /** Starts the next layer; {@code where} names it in failures. */
  void beginLayer(String layerDigest, String where) {
    layer++;
    this.layerDigest = layerDigest;
    writtenThisLayer.clear();
    this.where = where;
  }

  /** What the files are at a point, to start a layer over from when its reading starts over. */
  static final class Mark {
    private final NavigableMap<String, Node> tree;
    private final NavigableMap<String, Link> symbolicLinks;

    private Mark(NavigableMap<String, Node> tree, NavigableMap<String, Link> symbolicLinks) {
      this.tree = new TreeMap<>(tree);
      this.symbolicLinks = new TreeMap<>(symbolicLinks);
    }
  }

  /** The files now, before a layer's first entry. */
  Mark mark() {
    return new Mark(tree, symbolicLinks);
  }

  /** Back to {@code mark}, taken in this layer before its first entry: the layer starts over. */
  void reset(Mark mark) {
    tree.clear();
    tree.putAll(mark.tree);
    symbolicLinks.clear();
    symbolicLinks.putAll(mark.symbolicLinks);
    writtenThisLayer.clear();
  }

  void apply(Change change) throws PackFailure {
    if (change instanceof Whiteout whiteout) {
      whiteout(whiteout);
    } else if (change instanceof Opaque opaque) {
      opaque(opaque);
    } else {
      entry(change);
    }
  }

  private void entry(Change change) throws PackFailure {
    String literal = change.path();
    String path = resolved(change, parent(literal)) + "/" + name(literal);
    path = path.startsWith("//") ? path.substring(1) : path;
    if (literal.equals("/")) {
      if (!(change instanceof Directory)) {
        throw refuse(change, "makes / something other than a directory");
      }
      return;
    }
    if (!path.equals(literal) && inRoot(path)) {
      throw refuse(change, "reaches " + ROOT + " through a symbolic link outside it");
    }
    if (!inRoot(path)) {
      outside(change, path);
      return;
    }
    if (change instanceof SymbolicLink link) {
      throw refuse(
          change,
          "is a symbolic link (to '"
              + Shown.printable(link.target(), 120)
              + "'); the audit follows no link at or under "
              + ROOT
              + ", where an extractor would write what comes after it elsewhere");
    }
    if (path.equals(ROOT) && !(change instanceof Directory)) {
      throw refuse(change, "makes " + ROOT + " something other than a directory");
    }
    makeParents(change, path);
    Node existing = tree.get(path);
    boolean merge = existing != null && existing.directory() && change instanceof Directory;
    Node node;
    if (change instanceof Directory) {
      node = Node.DIRECTORY;
    } else if (change instanceof File file) {
      node = new Node(false, file.binary(), file.binary() == null ? file.skipped() : null);
    } else if (change instanceof HardLink link) {
      // The extractor removes what is at the link's path before it links.
      removeTree(path);
      node = linked(link, path);
    } else {
      node = new Node(false, null, "not a regular file");
    }
    if (!merge) {
      removeTree(path);
      tree.put(path, node);
    }
    writtenThisLayer.add(path);
  }

  /** An entry outside the root: only symbolic links are remembered. */
  private void outside(Change change, String path) throws PackFailure {
    if (change instanceof SymbolicLink link) {
      removeUnder(symbolicLinks, path, true);
      // A link replaced at its own path was removed just above.
      if (symbolicLinks.size() >= maxSymbolicLinks) {
        throw refuse(
            change,
            "is one symbolic link more than the "
                + maxSymbolicLinks
                + " the audit follows (AuditLimits.maxEntries)");
      }
      symbolicLinks.put(path, new Link(link.target(), layer));
    } else {
      symbolicLinks.remove(path);
      if (!(change instanceof Directory)) {
        removeUnder(symbolicLinks, path, false);
      }
    }
  }

  private Node linked(HardLink link, String path) throws PackFailure {
    Resolution target;
    try {
      target = resolve(link.target());
    } catch (LinkLoop e) {
      throw refuse(link, "is a hard link through more than " + MAX_LINK_HOPS + " symbolic links");
    }
    if (target.followed() != null) {
      throw refuse(
          link,
          "is a hard link whose target '"
              + Shown.printable(link.target(), 120)
              + "' goes through the symbolic link "
              + Shown.printable(target.followed(), 120)
              + "; the audit follows no link for a file under "
              + ROOT);
    }
    String to = target.path();
    if (!inRoot(to)) {
      return new Node(
          false,
          AuditedBinary.unreadable(
              path,
              layerDigest,
              0,
              path
                  + " is a hard link to "
                  + Shown.printable(to, 120)
                  + ", a file the audit does not read (outside "
                  + ROOT
                  + "/); put the binary itself there."),
          null);
    }
    Node node = tree.get(to);
    if (node == null || node.directory()) {
      throw refuse(
          link,
          "is a hard link to "
              + Shown.printable(to, 120)
              + ", which "
              + (node == null ? "does not exist" : "is a directory")
              + " at that entry; extracting the layer fails");
    }
    if (node.binary() != null) {
      return new Node(false, node.binary().at(path), null);
    }
    return new Node(false, null, "hard link to " + to + ", " + node.skipped());
  }

  private void whiteout(Whiteout change) throws PackFailure {
    String literal = change.path();
    String name = name(literal);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw refuse(change, "is a whiteout of no name; extractors refuse or misread it");
    }
    String directory = resolved(change, parent(literal));
    String path = directory.equals("/") ? "/" + name : directory + "/" + name;
    if (inRoot(path)) {
      if (!path.equals(literal)) {
        throw refuse(change, "reaches " + ROOT + " through a symbolic link outside it");
      }
      if (name.startsWith(LayerScanner.WHITEOUT)) {
        throw refuse(change, "is a whiteout of a whiteout, which extractors read differently");
      }
      checkNotWrittenUnder(change, path, true);
      checkDirectory(change, directory);
      makeDirectories(directory);
      removeTree(path);
    }
    removeSymbolicLinks(change, path, true);
  }

  private void opaque(Opaque change) throws PackFailure {
    String literal = change.path();
    String directory = literal.equals("/") ? "/" : resolved(change, literal);
    if (!directory.equals(literal) && (inRoot(directory) || inRoot(literal))) {
      throw refuse(change, "reaches " + ROOT + " through a symbolic link outside it");
    }
    if (directory.equals("/") || inRoot(directory)) {
      checkNotWrittenUnder(change, directory, false);
      checkDirectory(change, directory);
      makeDirectories(directory);
      if (directory.equals("/")) {
        tree.clear();
      } else {
        removeUnder(tree, directory, false);
      }
    }
    removeSymbolicLinks(change, directory, false);
  }

  /** Refuses a whiteout or marker after an entry of its own layer that it would hide. */
  private void checkNotWrittenUnder(Change change, String path, boolean itself) throws PackFailure {
    String prefix = path.equals("/") ? "/" : path + "/";
    for (String written : writtenThisLayer) {
      if ((itself && written.equals(path)) || written.startsWith(prefix)) {
        throw refuse(
            change,
            "follows "
                + Shown.printable(written, 120)
                + " of the same layer, which it would hide for containerd and keep for umoci");
      }
    }
  }

  private void checkDirectory(Change change, String directory) throws PackFailure {
    for (String ancestor = directory; inRoot(ancestor); ancestor = parent(ancestor)) {
      Node node = tree.get(ancestor);
      if (node != null && !node.directory()) {
        throw refuse(
            change, "is under " + Shown.printable(ancestor, 120) + ", which is not a directory");
      }
    }
  }

  private void removeSymbolicLinks(Change change, String path, boolean itself) throws PackFailure {
    List<String> gone = under(symbolicLinks, path, itself);
    for (String link : gone) {
      if (symbolicLinks.get(link).layer() == layer) {
        throw refuse(
            change,
            "follows the symbolic link "
                + Shown.printable(link, 120)
                + " of the same layer, which it would remove for containerd and keep for umoci");
      }
    }
    gone.forEach(symbolicLinks::remove);
  }

  /** Creates the missing directories above {@code path}, refusing a parent that is a file. */
  private void makeParents(Change change, String path) throws PackFailure {
    checkDirectory(change, parent(path));
    makeDirectories(parent(path));
  }

  private void makeDirectories(String directory) {
    for (String ancestor = directory; inRoot(ancestor); ancestor = parent(ancestor)) {
      tree.putIfAbsent(ancestor, Node.DIRECTORY);
    }
  }

  private void removeTree(String path) {
    tree.remove(path);
    removeUnder(tree, path, false);
  }

  /** Removes what {@code map} holds under {@code path}, and at it with {@code itself}. */
  private static <V> void removeUnder(NavigableMap<String, V> map, String path, boolean itself) {
    under(map, path, itself).forEach(map::remove);
  }

  /** The keys of {@code map} under {@code path} (and at it, with {@code itself}), as a copy. */
  private static <V> List<String> under(NavigableMap<String, V> map, String path, boolean itself) {
    List<String> keys = new ArrayList<>();
    if (path.equals("/")) {
      keys.addAll(map.keySet());
      return keys;
    }
    if (itself && map.containsKey(path)) {
      keys.add(path);
    }
    // '/' + 1 is '0': every path with the prefix "path/" sorts in [path/, path0).
    keys.addAll(map.subMap(path + "/", true, path + "0", false).keySet());
    return keys;
  }

  /** The result of following a path through the image's symbolic links. */
  private record Resolution(String path, String followed) {}

  /** {@code directory} with every symbolic link in it followed, as the extractor follows them. */
  private String resolved(Change change, String directory) throws PackFailure {
    try {
      return resolve(directory).path();
    } catch (LinkLoop e) {
      throw refuse(change, "goes through more than " + MAX_LINK_HOPS + " symbolic links");
    }
  }

  /**
   * Follows {@code path}'s components through the symbolic links known so far, scoped to the
   * image's root ({@code ..} never climbs above it), as containerd's RootPath and umoci's
   * SecureJoin do.
   */
  private Resolution resolve(String path) {
    Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
    List<String> done = new ArrayList<>();
    String followed = null;
    int hops = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      done.add(part);
      String current = "/" + String.join("/", done);
      Link link = symbolicLinks.get(current);
      if (link == null) {
        continue;
      }
      if (++hops > MAX_LINK_HOPS) {
        throw new LinkLoop();
      }
      followed = followed == null ? current : followed;
      done.remove(done.size() - 1);
      if (link.target().startsWith("/")) {
        done.clear();
      }
      String[] parts = link.target().split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        todo.addFirst(parts[i]);
      }
    }
    return new Resolution("/" + String.join("/", done), followed);
  }

  private static final class LinkLoop extends RuntimeException {
    LinkLoop() {
      super("symbolic link loop", null, false, false);
    }
  }

  private PackFailure refuse(Change change, String what) {
    return new PackFailure(
        where
            + ": the entry '"
            + Shown.printable(change.entry(), 200)
            + "' "
            + what
            + ". The audit refuses the image; build it with plain directories and files under "
            + ROOT
            + "/.");
  }

  static boolean inRoot(String path) {
    return path.equals(ROOT) || path.startsWith(ROOT + "/");
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  List<AuditedBinary> binaries() {
    List<AuditedBinary> binaries = new ArrayList<>();
    tree.values().stream().map(Node::binary).filter(b -> b != null).forEach(binaries::add);
    return binaries;
  }

  Map<String, String> skipped() {
    Map<String, String> skipped = new TreeMap<>();
    tree.forEach(
        (path, node) -> {
          if (node.skipped() != null) {
            skipped.put(path, node.skipped());
          }
        });
    return skipped;
  }
}
