package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import org.junit.jupiter.api.Test;

class CargoOutputTest {

  @Test
  void prefixesEachLineWithTheTargetAndReadsCargosTime() {
    RecordingLog log = new RecordingLog();
    CargoOutput output =
        new CargoOutput(TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow(), log);

    output.accept("   Compiling s v0.1.0 (/w/s)");
    output.accept("    Finished `release` profile [optimized] target(s) in 17.88s");
    output.accept("##pack-binaries## stripped s aarch64-linux-gnu-strip");

    assertThat(log.lines)
        .containsExactly(
            "[INFO] [aarch64-unknown-linux-gnu]    Compiling s v0.1.0 (/w/s)",
            "[INFO] [aarch64-unknown-linux-gnu]     Finished `release` profile [optimized] target(s)"
                + " in 17.88s");
    assertThat(output.cargoSeconds()).isEqualTo(17.88);
    assertThat(output.strip()).hasSize(1);
  }

  @Test
  void readsMinutes() {
    CargoOutput output = new CargoOutput(TargetTriple.DEFAULT, new RecordingLog());
    output.accept("    Finished `release` profile [optimized] target(s) in 1m 05s");
    assertThat(output.cargoSeconds()).isEqualTo(65);
  }
}
