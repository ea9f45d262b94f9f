package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Layers over layers as the container runtime stacks them: whiteouts, opaque directories, links.
 */
class PlatformFilesTest {

  private static AuditedBinary passing(String path) {
    return new AuditedBinary(
        path,
        "sha256:l",
        1,
        "aa",
        null,
        "t",
        "x86-64",
        "EXEC",
        false,
        null,
        List.of(),
        "pass",
        List.of(),
        List.of());
  }

  private static LayerScanner.LayerChanges layer(
      Map<String, AuditedBinary> binaries,
      Set<String> removed,
      Set<String> opaque,
      Map<String, String> links) {
    Set<String> all = new LinkedHashSet<>(removed);
    all.addAll(binaries.keySet());
    all.addAll(links.keySet());
    return new LayerScanner.LayerChanges(
        new LinkedHashMap<>(binaries),
        all,
        opaque,
        new LinkedHashMap<>(links),
        new LinkedHashMap<>());
  }

  @Test
  void anOpaqueDirectoryHidesTheLowerLayersFilesButNotItsOwn() {
    PlatformFiles files = new PlatformFiles();
    files.apply(
        layer(
            Map.of(
                "/pack-binaries/a/old",
                passing("/pack-binaries/a/old"),
                "/pack-binaries/b/kept",
                passing("/pack-binaries/b/kept")),
            Set.of(),
            Set.of(),
            Map.of()),
        "sha256:1");
    files.apply(
        layer(
            Map.of("/pack-binaries/a/new", passing("/pack-binaries/a/new")),
            Set.of(),
            Set.of("/pack-binaries/a"),
            Map.of()),
        "sha256:2");

    assertThat(files.binaries())
        .extracting(AuditedBinary::path)
        .containsExactly("/pack-binaries/a/new", "/pack-binaries/b/kept");
  }

  @Test
  void aWhiteoutOfADirectoryRemovesEverythingUnderIt() {
    PlatformFiles files = new PlatformFiles();
    files.apply(
        layer(
            Map.of("/pack-binaries/core/sensors/s", passing("/pack-binaries/core/sensors/s")),
            Set.of(),
            Set.of(),
            Map.of()),
        "sha256:1");
    files.apply(layer(Map.of(), Set.of("/pack-binaries/core"), Set.of(), Map.of()), "sha256:2");

    assertThat(files.binaries()).isEmpty();
  }

  @Test
  void aHardLinkCarriesItsTargetsVerdictAndALinkOutsideTheRootFails() {
    PlatformFiles files = new PlatformFiles();
    files.apply(
        layer(
            Map.of("/pack-binaries/core/sensors/s", passing("/pack-binaries/core/sensors/s")),
            Set.of(),
            Set.of(),
            Map.of(
                "/pack-binaries/core/sensors/copy",
                "/pack-binaries/core/sensors/s",
                "/pack-binaries/core/sensors/ls",
                "/bin/ls")),
        "sha256:1");

    Map<String, AuditedBinary> byPath = new LinkedHashMap<>();
    files.binaries().forEach(b -> byPath.put(b.path(), b));
    assertThat(byPath.get("/pack-binaries/core/sensors/copy").passed()).isTrue();
    assertThat(byPath.get("/pack-binaries/core/sensors/ls").reasons())
        .singleElement()
        .asString()
        .contains("is a hard link to /bin/ls, a file the audit does not read");
  }
}
