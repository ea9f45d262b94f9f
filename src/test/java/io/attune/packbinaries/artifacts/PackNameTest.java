package io.attune.packbinaries.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pack's name is one safe path segment, and no two packs share one. */
class PackNameTest {

  @Test
  void safeSegmentsAreNames() {
    assertThat(List.of("core", "extra", "aws_s3", "linux-2", "9", "A".repeat(64)))
        .allMatch(PackName::isValid);
  }

  @Test
  void pathsDotsSpacesAndEmptyAreNot() {
    assertThat(
            Arrays.asList(
                null,
                "",
                ".",
                "..",
                ".hidden",
                "a/b",
                "a\\b",
                "-x",
                "_x",
                "co re",
                "core.v2",
                "ü",
                "A".repeat(65),
                "core\n"))
        .noneMatch(PackName::isValid);
  }

  @Test
  void distinctValidNamesPass() {
    assertThatCode(() -> PackName.checkAll(List.of("core", "extra"))).doesNotThrowAnyException();
  }

  @Test
  void duplicatesAndUnsafeNamesFailInOneMessage() {
    assertThatThrownBy(
            () -> PackName.checkAll(Arrays.asList("core", "../etc", "Core", "extra", null)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'../etc' is not a pack name")
        .hasMessageContaining("a <pack> has no <name>")
        .hasMessageContaining("2 packs are named core, Core")
        .hasMessageContaining("/pack-binaries/core/sensors/")
        .hasMessageNotContaining("extra");
  }

  @Test
  void aSettingsPackNameIsCheckedNamingTheSetting() {
    assertThatCode(() -> PackName.check("core", "pack.image.pack")).doesNotThrowAnyException();
    assertThatThrownBy(() -> PackName.check("../core", "pack.image.pack"))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("pack.image.pack is '../core', which is not a pack name");
  }
}
