package io.attune.packbinaries.oci;

import java.util.Map;
import java.util.Optional;

/**
 * The init image's sha256 label per binary, as the image goal writes it and the audit reads it. An
 * image of one pack labels each binary by its name, {@code
 * io.attune.pack-binaries.sha256.<binary>}, as the plugin always has (so an image of one pack stays
 * comparable with earlier ones). An image of several packs, where two packs may ship binaries of
 * one name, labels each by pack and name, {@code io.attune.pack-binaries.sha256.<pack>/<binary>}:
 * neither a pack name nor a file name holds a {@code /}, so the key says which form it is.
 */
public final class BinaryLabels {

  public static final String PREFIX = OciIndex.SHA256_LABEL_PREFIX;

  /** The binaries' root in the image: {@code /pack-binaries/<pack>/sensors/<binary>}. */
  public static final String ROOT = "/pack-binaries";

  private BinaryLabels() {}

  /** The label key of {@code pack}'s binary {@code name} in an image of one or several packs. */
  public static String key(String pack, String name, boolean severalPacks) {
    return PREFIX + (severalPacks ? pack + "/" + name : name);
  }

  /** Whether {@code labels} are those of an image of several packs. */
  public static boolean severalPacks(Map<String, String> labels) {
    return labels.keySet().stream()
        .anyMatch(k -> k.startsWith(PREFIX) && k.substring(PREFIX.length()).contains("/"));
  }

  /**
   * The label recording the sha256 of the file at {@code path} in the image, if the image has one:
   * by pack and name in an image of several packs (for a file at {@code
   * /pack-binaries/<pack>/sensors/<name>}; none elsewhere), else by its file name.
   */
  public static Optional<String> keyFor(Map<String, String> labels, String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (!severalPacks(labels)) {
      return Optional.of(PREFIX + name).filter(labels::containsKey);
    }
    return pack(path).map(pack -> PREFIX + pack + "/" + name).filter(labels::containsKey);
  }

  /**
   * The image path a label key names: {@code /pack-binaries/<pack>/sensors/<name>} for a key of an
   * image of several packs; for one of one pack, empty (it names a file name, {@link #fileName}).
   */
  public static Optional<String> pathOf(String key) {
    String rest = key.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    return Optional.of(
        ROOT + "/" + rest.substring(0, slash) + "/sensors/" + rest.substring(slash + 1));
  }

  /** The file name a label key of any form names. */
  public static String fileName(String key) {
    String rest = key.substring(PREFIX.length());
    return rest.substring(rest.lastIndexOf('/') + 1);
  }

  /** The pack of a file at {@code /pack-binaries/<pack>/sensors/<name>}, else empty. */
  static Optional<String> pack(String path) {
    String prefix = ROOT + "/";
    if (!path.startsWith(prefix)) {
      return Optional.empty();
    }
    String[] parts = path.substring(prefix.length()).split("/", -1);
    return parts.length == 3 && parts[1].equals("sensors") && !parts[0].isEmpty()
        ? Optional.of(parts[0])
        : Optional.empty();
  }
}
