package io.attune.packbinaries.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files under {@code /pack-binaries/} of one platform's image as a container sees them: each
 * layer's files over the layers below, minus what its whiteouts and opaque directories hide.
 */
final class PlatformFiles {

  private final Map<String, AuditedBinary> binaries = new TreeMap<>();
  private final Map<String, String> skipped = new TreeMap<>();

  void apply(LayerScanner.LayerChanges layer, String layerDigest) {
    // Hard links name a file of this layer or of the layers below: resolve them first.
    Map<String, AuditedBinary> linked = new LinkedHashMap<>();
    Map<String, String> linkedSkipped = new LinkedHashMap<>();
    layer
        .hardLinks()
        .forEach(
            (path, target) -> {
              AuditedBinary binary = layer.binaries().getOrDefault(target, binaries.get(target));
              if (binary != null) {
                linked.put(path, binary.at(path));
              } else if (layer.skipped().containsKey(target) || skipped.containsKey(target)) {
                linkedSkipped.put(path, "hard link to " + target + ", not ELF");
              } else {
                linked.put(
                    path,
                    AuditedBinary.unreadable(
                        path,
                        layerDigest,
                        0,
                        path
                            + " is a hard link to "
                            + target
                            + ", a file the audit does not read (outside "
                            + LayerScanner.ROOT
                            + "/ or missing); put the binary itself there."));
              }
            });
    for (String directory : layer.opaqueDirectories()) {
      removeUnder(directory);
    }
    for (String path : layer.removed()) {
      binaries.remove(path);
      skipped.remove(path);
      removeUnder(path);
    }
    binaries.putAll(layer.binaries());
    binaries.putAll(linked);
    skipped.putAll(layer.skipped());
    skipped.putAll(linkedSkipped);
  }

  private void removeUnder(String directory) {
    String prefix = directory.endsWith("/") ? directory : directory + "/";
    binaries.keySet().removeIf(p -> p.startsWith(prefix));
    skipped.keySet().removeIf(p -> p.startsWith(prefix));
  }

  List<AuditedBinary> binaries() {
    return new ArrayList<>(binaries.values());
  }

  Map<String, String> skipped() {
    return new TreeMap<>(skipped);
  }
}
