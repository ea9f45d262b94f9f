package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading verify-report.json as the image goal does, including entries written by hand. */
class VerifyReportTest {

  @TempDir Path dir;

  @Test
  void anEntryWithoutAPathIsSkippedWhenLookingUpAFile() throws Exception {
    Path sensor = dir.resolve("sensor");
    Path report =
        Files.writeString(
            dir.resolve("verify-report.json"),
            "{\"binaries\": ["
                + "{\"target\": \"x86_64-unknown-linux-musl\", \"sha256\": \"aa\", \"verdict\":"
                + " \"pass\"},"
                + "{\"path\": \""
                + sensor
                + "\", \"target\": \"x86_64-unknown-linux-musl\", \"sha256\": \"bb\","
                + " \"verdict\": \"pass\", \"unknownField\": 1}]}");

    VerifyReport read = VerifyReport.read(report);

    assertThat(read.entryFor(sensor)).map(VerifiedBinary::sha256).contains("bb");
    assertThat(read.entryFor(dir.resolve("other"))).isEmpty();
    assertThat(read.passed()).isTrue();
    assertThat(read.binaries().get(0).reasons()).isEmpty();
  }
}
