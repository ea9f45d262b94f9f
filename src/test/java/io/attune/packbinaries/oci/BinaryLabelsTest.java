package io.attune.packbinaries.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sha256 labels of an image of one pack (by name) and of several (by pack and name). */
class BinaryLabelsTest {

  private static final String P = "io.attune.pack-binaries.sha256.";

  @Test
  void onePacksLabelsKeepTheirFormSeveralPacksNameThePack() {
    assertThat(BinaryLabels.key("core", "timer", false)).isEqualTo(P + "timer");
    assertThat(BinaryLabels.key("core", "timer", true)).isEqualTo(P + "core/timer");
  }

  @Test
  void anImageOfOnePackFindsAFilesLabelByItsNameWherever() {
    Map<String, String> labels = Map.of(P + "timer", "ab", P + "x.y", "cd", "other", "ef");

    assertThat(BinaryLabels.severalPacks(labels)).isFalse();
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/core/sensors/timer"))
        .contains(P + "timer");
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/x.y")).contains(P + "x.y");
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/core/sensors/other")).isEmpty();
    assertThat(BinaryLabels.pathOf(P + "timer")).isEmpty();
    assertThat(BinaryLabels.fileName(P + "timer")).isEqualTo("timer");
  }

  @Test
  void anImageOfSeveralPacksFindsEachFilesOwnLabelAndNoOtherPacks() {
    Map<String, String> labels =
        Map.of(P + "core/sensor", "c0", P + "extra/sensor", "e0", P + "sensor", "legacy");

    assertThat(BinaryLabels.severalPacks(labels)).isTrue();
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/core/sensors/sensor"))
        .contains(P + "core/sensor");
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/extra/sensors/sensor"))
        .contains(P + "extra/sensor");
    // Neither another pack's label nor the one-pack form stands in for a missing one.
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/third/sensors/sensor")).isEmpty();
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/core/sensor")).isEmpty();
    assertThat(BinaryLabels.keyFor(labels, "/pack-binaries/core/sensors/a/sensor")).isEmpty();
    assertThat(BinaryLabels.keyFor(labels, "/elsewhere/core/sensors/sensor")).isEmpty();
    assertThat(BinaryLabels.pathOf(P + "extra/sensor"))
        .contains("/pack-binaries/extra/sensors/sensor");
    assertThat(BinaryLabels.fileName(P + "extra/sensor")).isEqualTo("sensor");
  }
}
