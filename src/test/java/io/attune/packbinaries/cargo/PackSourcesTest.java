package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build goal's {@code <packs>}, checked before anything is built. */
class PackSourcesTest {

  private static PackSources.Source pack(String name, String manifest, String cargoPackage) {
    return new PackSources.Source(
        name, manifest == null ? null : Path.of(manifest), cargoPackage, List.of(), null);
  }

  @Test
  void usablePacksComeBackInTheirOrderTrimmed() throws PackFailure {
    List<PackSources.Source> packs =
        PackSources.check(
            List.of(
                pack(" core ", "core/Cargo.toml", null),
                pack("extra", "Cargo.toml", " extra-sensor ")));

    assertThat(packs).extracting(PackSources.Source::name).containsExactly("core", "extra");
    assertThat(packs.get(1).cargoPackage()).isEqualTo("extra-sensor");
    assertThat(packs.get(0).cargoPackage()).isNull();
    assertThat(packs.get(0).manifest()).isAbsolute();
  }

  @Test
  void aDuplicateNameFailsBeforeAnythingElse() {
    assertThatThrownBy(
            () ->
                PackSources.check(
                    List.of(
                        pack("core", "a/Cargo.toml", null), pack("core", "b/Cargo.toml", null))))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("2 packs are named core");
  }

  @Test
  void everyOtherProblemIsNamedAtOnce() {
    PackSources.Source first =
        new PackSources.Source("a", Path.of("a/Cargo.toml"), null, List.of(), Path.of("stage"));
    PackSources.Source second =
        new PackSources.Source("b", null, "no spaces allowed", List.of(), Path.of("./stage"));

    assertThatThrownBy(() -> PackSources.check(List.of(first, second)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("the pack b has no <cargoManifest>")
        .hasMessageContaining("<cargoPackage> 'no spaces allowed' is not a cargo package name")
        .hasMessageContaining("the packs a and b both stage into");
  }
}
