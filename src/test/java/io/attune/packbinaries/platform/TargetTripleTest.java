package io.attune.packbinaries.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TargetTripleTest {

  @Test
  void mapsEachArchitectureToItsElfMachineAndPlatform() {
    TargetTriple arm64 = TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();
    assertThat(arm64.machine().code()).isEqualTo(183);
    assertThat(arm64.platform()).hasToString("linux/arm64");
    assertThat(TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow().platform())
        .hasToString("linux/amd64");
    assertThat(TargetTriple.find("armv7-unknown-linux-musleabihf").orElseThrow().platform())
        .hasToString("linux/arm/v7");
    assertThat(
            TargetTriple.find("armv7-unknown-linux-musleabihf").orElseThrow().machine().elfClass())
        .isEqualTo(32);
    assertThat(TargetTriple.find("s390x-unknown-linux-gnu").orElseThrow().machine().byteOrder())
        .isEqualTo(ByteOrder.BIG_ENDIAN);
  }

  @Test
  void recommendsTheMuslTripleOfTheSameArchitecture() {
    assertThat(TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow().muslEquivalent().name())
        .isEqualTo("aarch64-unknown-linux-musl");
    assertThat(TargetTriple.find("s390x-unknown-linux-gnu").orElseThrow().muslEquivalent().name())
        .isEqualTo("s390x-unknown-linux-gnu");
  }

  @Test
  void rejectsAnUnknownTripleListingTheKnownOnes() {
    assertThatThrownBy(() -> TargetTriple.of("x86_64-apple-darwin"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'x86_64-apple-darwin'")
        .hasMessageContaining("aarch64-unknown-linux-musl")
        .hasMessageContaining("pack.target");
  }

  @Test
  void parsesPlatformsAsDockerWritesThem() {
    assertThat(Platform.parse("linux/arm/v7")).isEqualTo(new Platform("linux", "arm", "v7"));
    assertThat(Platform.parse("linux/amd64").variant()).isNull();
    assertThatThrownBy(() -> Platform.parse("amd64")).hasMessageContaining("os/architecture");
  }
}
