package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bin targets out of cargo metadata: every member's, or one package's. */
class CargoMetadataTest {

  /** A workspace as cargo metadata prints it: a sensor, the agent beside it, and a library. */
  private static final String METADATA =
      "{\"packages\":["
          + "{\"name\":\"extra-sensor\",\"targets\":[{\"name\":\"sensor\",\"kind\":[\"bin\"]}]},"
          + "{\"name\":\"sensor-common\",\"targets\":[{\"name\":\"sensor_common\",\"kind\":[\"lib\"]}]},"
          + "{\"name\":\"agent\",\"targets\":[{\"name\":\"agent\",\"kind\":[\"bin\"]}]}]}";

  private static final Path MANIFEST = Path.of("/w/Cargo.toml");

  @Test
  void withoutAPackageEveryMembersBinaries() throws PackFailure {
    assertThat(CargoMetadata.parse(List.of("noise", METADATA), MANIFEST, null))
        .containsExactly("sensor", "agent");
  }

  @Test
  void withAPackageOnlyItsBinaries() throws PackFailure {
    assertThat(CargoMetadata.parse(List.of(METADATA), MANIFEST, "extra-sensor"))
        .containsExactly("sensor");
  }

  @Test
  void anUnknownPackageIsNamedWithTheWorkspacesPackages() {
    assertThatThrownBy(() -> CargoMetadata.parse(List.of(METADATA), MANIFEST, "extra"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("has no package extra")
        .hasMessageContaining("extra-sensor, sensor-common, agent");
  }

  @Test
  void aPackageWithoutBinariesIsNoPack() {
    assertThatThrownBy(() -> CargoMetadata.parse(List.of(METADATA), MANIFEST, "sensor-common"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("The package sensor-common of /w/Cargo.toml defines no binary");
  }
}
