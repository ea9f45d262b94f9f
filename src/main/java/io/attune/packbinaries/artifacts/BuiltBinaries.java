package io.attune.packbinaries.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.io.PlainPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code binaries.json}: the list of binaries the last build produced, for later goals. */
public final class BuiltBinaries {

  private BuiltBinaries() {}

  /** The file's binaries, or an empty list when no build has run. */
  public static List<BuiltBinary> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonNode root = JsonFiles.read(file);
    if (!root.isArray()) {
      throw new IOException("the top level is not a JSON array");
    }
    List<BuiltBinary> binaries = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      binaries.add(binary(JsonFields.of(root.get(i), "[" + i + "]")));
    }
    return List.copyOf(binaries);
  }

  /** Writes the list atomically, sorted by target, pack and name so the file is reproducible. */
  public static void write(Path file, List<BuiltBinary> binaries) throws IOException {
    List<BuiltBinary> sorted = new ArrayList<>(binaries);
    sorted.sort(
        Comparator.comparing(BuiltBinary::target)
            .thenComparing(BuiltBinary::pack, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(BuiltBinary::name));
    ArrayNode root = Json.array();
    sorted.forEach(binary -> put(root.addObject(), binary));
    JsonFiles.write(file, root);
  }

  /** One entry as the build goal's files hold it. */
  public static BuiltBinary binary(JsonFields entry) throws IOException {
    entry.only("target", "pack", "name", "path", "sha256", "size", "stripped");
    return new BuiltBinary(
        entry.text("target"),
        entry.text("name", PlainPaths::isFileName, "a file name"),
        entry.text("path", PlainPaths::isInside, "a relative path inside the output directory"),
        entry.text("sha256"),
        entry.number("size"),
        entry.flag("stripped"),
        entry.text("pack", PackName::isValid, "a pack name"));
  }

  /**
   * Puts {@code binary}'s fields into {@code entry}, in the files' order; {@code pack} only when it
   * has one, so a build without {@code <packs>} writes what it always wrote.
   */
  public static void put(ObjectNode entry, BuiltBinary binary) {
    entry.put("target", binary.target());
    if (binary.pack() != null) {
      entry.put("pack", binary.pack());
    }
    entry.put("name", binary.name());
    entry.put("path", binary.path());
    entry.put("sha256", binary.sha256());
    entry.put("size", binary.size());
    entry.put("stripped", binary.stripped());
  }
}
