package io.attune.packbinaries.cargo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.io.PlainPaths;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the last successful build of one target produced, and from what: {@code
 * .build-state/<triple>.json}. Written last, after the binaries, so it never describes files that
 * are not there.
 *
 * @param inputs the workspace-relative files the fingerprint covers besides cargo's own files (from
 *     cargo's dep-info), or null when it covers the whole workspace
 */
public record BuildState(String fingerprint, List<String> inputs, List<BuiltBinary> binaries) {

  public static Path file(Path stateDirectory, TargetTriple target) {
    return stateDirectory.resolve(target.name() + ".json");
  }

  public static Optional<BuildState> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonFields root =
          JsonFields.of(JsonFiles.read(file)).only("fingerprint", "inputs", "binaries");
      List<BuiltBinary> binaries = new ArrayList<>();
      for (JsonFields entry : root.required("binaries", root.objects("binaries"))) {
        BuiltBinary binary = BuiltBinaries.binary(entry);
        // isCurrent finds each binary by name and compares its digest.
        entry.required("name", binary.name());
        entry.required("sha256", binary.sha256());
        binaries.add(binary);
      }
      // The fingerprint reads each input from the workspace: only paths inside it.
      List<String> inputs = root.texts("inputs");
      if (inputs != null && !inputs.stream().allMatch(PlainPaths::isInside)) {
        return Optional.empty();
      }
      return Optional.of(
          new BuildState(root.required("fingerprint", root.text("fingerprint")), inputs, binaries));
    } catch (IOException unreadable) {
      // A state we cannot read only costs a rebuild.
      return Optional.empty();
    }
  }

  public void write(Path file) throws IOException {
    ObjectNode root = Json.object();
    root.put("fingerprint", fingerprint);
    JsonFiles.putTexts(root, "inputs", inputs);
    ArrayNode entries = root.putArray("binaries");
    binaries.forEach(binary -> BuiltBinaries.put(entries.addObject(), binary));
    JsonFiles.write(file, root);
  }

  /**
   * Whether this state was made from {@code currentFingerprint} and its binaries and their checksum
   * files are still in place, unchanged.
   */
  public boolean isCurrent(
      String currentFingerprint, ArtifactLayout layout, TargetTriple target, FileDigests digests)
      throws IOException {
    if (!fingerprint.equals(currentFingerprint) || binaries.isEmpty()) {
      return false;
    }
    for (BuiltBinary binary : binaries) {
      Path file = layout.binary(binary.pack(), target, binary.name());
      Path checksum = layout.checksum(binary.pack(), target, binary.name());
      if (!Files.isRegularFile(file) || !Files.isRegularFile(checksum)) {
        return false;
      }
      if (!digests.sha256(file).equals(binary.sha256())
          || !Files.readString(checksum, StandardCharsets.UTF_8)
              .equals(checksumLine(binary.sha256(), binary.name()))) {
        return false;
      }
    }
    return true;
  }

  /** The sha256sum form: {@code <hex> <name>\n}. */
  public static String checksumLine(String sha256, String name) {
    return sha256 + "  " + name + "\n";
  }
}
