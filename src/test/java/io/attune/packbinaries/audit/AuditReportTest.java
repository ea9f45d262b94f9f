package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.elf.ElfFacts;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit-report.json}: written by every audit, read by the push goal's no-op check. */
class AuditReportTest {

  /** A failing report as the plugin has written it so far. */
  private static final String WRITTEN =
      """
      {
        "reference" : "reg/r:1",
        "digest" : "sha256:dd",
        "verdict" : "fail",
        "platforms" : [ {
          "platform" : "linux/amd64",
          "manifest" : "sha256:ee",
          "target" : "x86_64-unknown-linux-musl",
          "binaries" : [ {
            "path" : "/pack-binaries/core/sensors/timer",
            "layer" : "sha256:aa",
            "size" : 123,
            "sha256" : "bb",
            "labelSha256" : null,
            "target" : "x86_64-unknown-linux-musl",
            "elfType" : "EXEC",
            "machine" : "x86-64",
            "staticPie" : false,
            "interpreter" : null,
            "needed" : [ ],
            "stripped" : true,
            "buildId" : "0a1b",
            "verdict" : "pass",
            "reasons" : [ ],
            "warnings" : [ "w" ]
          }, {
            "path" : "/pack-binaries/x",
            "layer" : "sha256:cc",
            "size" : 5,
            "sha256" : null,
            "labelSha256" : null,
            "target" : null,
            "elfType" : null,
            "machine" : null,
            "staticPie" : false,
            "interpreter" : null,
            "needed" : [ ],
            "stripped" : false,
            "buildId" : null,
            "verdict" : "fail",
            "reasons" : [ "not ELF" ],
            "warnings" : [ ]
          } ],
          "skipped" : {
            "/pack-binaries/README" : "not ELF"
          },
          "reasons" : [ ]
        }, {
          "platform" : "linux/arm64",
          "manifest" : "sha256:ff",
          "target" : null,
          "binaries" : [ ],
          "skipped" : { },
          "reasons" : [ "no target fits" ]
        } ]
      }""";

  private static final AuditReport REPORT =
      AuditReport.of(
          "reg/r:1",
          "sha256:dd",
          List.of(
              new AuditedPlatform(
                  "linux/amd64",
                  "sha256:ee",
                  "x86_64-unknown-linux-musl",
                  List.of(
                      new AuditedBinary(
                          "/pack-binaries/core/sensors/timer",
                          "sha256:aa",
                          123,
                          "bb",
                          null,
                          "x86_64-unknown-linux-musl",
                          new ElfFacts("EXEC", "x86-64", false, null, List.of(), true, "0a1b"),
                          AuditedBinary.PASS,
                          List.of(),
                          List.of("w")),
                      AuditedBinary.unreadable("/pack-binaries/x", "sha256:cc", 5, "not ELF")),
                  Map.of("/pack-binaries/README", "not ELF"),
                  List.of()),
              new AuditedPlatform(
                  "linux/arm64",
                  "sha256:ff",
                  null,
                  List.of(),
                  Map.of(),
                  List.of("no target fits"))));

  @TempDir Path dir;

  @Test
  void aReportAsWrittenSoFarReadsBackAndIsWrittenByteForByte() throws Exception {
    Path file = Files.writeString(dir.resolve(AuditReport.FILE_NAME), WRITTEN);

    AuditReport read = AuditReport.read(file);

    assertThat(read).isEqualTo(REPORT);
    assertThat(read.passed()).isFalse();
    assertThat(read.failures())
        .containsExactly("linux/amd64: not ELF", "linux/arm64: no target fits");
    Path again = dir.resolve("again.json");
    REPORT.write(again);
    assertThat(Files.readString(again)).isEqualTo(WRITTEN);
  }

  @Test
  void aReportOfAnEarlierVersionWithoutStrippedAndBuildIdStillReads() throws Exception {
    String earlier =
        WRITTEN.replace("\n      \"stripped\" : true,\n      \"buildId\" : \"0a1b\",", "");
    Path file = Files.writeString(dir.resolve(AuditReport.FILE_NAME), earlier);

    AuditedBinary read = AuditReport.read(file).platforms().get(0).binaries().get(0);

    assertThat(earlier).doesNotContain("0a1b");
    assertThat(read.elf())
        .isEqualTo(new ElfFacts("EXEC", "x86-64", false, null, List.of(), false, null));
  }

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("audit report", WRITTEN, dir, AuditReportTest::readAndJudge);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("audit report", WRITTEN, dir, AuditReportTest::readAndJudge);
  }

  /** What the push goal's no-op check does with a report: read it, then ask for the verdict. */
  private static void readAndJudge(Path file) throws java.io.IOException {
    AuditReport read = AuditReport.read(file);
    read.passed();
    read.failures();
  }
}
