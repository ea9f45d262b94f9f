package io.attune.packbinaries.artifacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attune.packbinaries.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code binaries.json}: the list of binaries the last build produced, for later goals. */
public final class BuiltBinaries {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BuiltBinaries() {}

  /** The file's binaries, or an empty list when no build has run. */
  public static List<BuiltBinary> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return List.of(JSON.readValue(file.toFile(), BuiltBinary[].class));
  }

  /** Writes the list atomically, sorted by target then name so the file is reproducible. */
  public static void write(Path file, List<BuiltBinary> binaries) throws IOException {
    List<BuiltBinary> sorted = new ArrayList<>(binaries);
    sorted.sort(Comparator.comparing(BuiltBinary::target).thenComparing(BuiltBinary::name));
    AtomicFiles.write(file, JSON.writeValueAsBytes(sorted));
  }
}
