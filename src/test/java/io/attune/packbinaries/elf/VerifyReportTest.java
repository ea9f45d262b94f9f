package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading verify-report.json as the image goal does, including entries written by hand. */
class VerifyReportTest {

  /** The report as the plugin has written it so far: a passing and a failing entry. */
  private static final String WRITTEN =
      """
      {
        "binaries" : [ {
          "path" : "/w/t/x/timer",
          "target" : "x86_64-unknown-linux-gnu",
          "sha256" : "ab12",
          "size" : 123456,
          "verdict" : "pass",
          "reasons" : [ ],
          "warnings" : [ "w1" ],
          "elfType" : "DYN",
          "machine" : "x86-64",
          "staticPie" : true,
          "interpreter" : null,
          "needed" : [ ],
          "stripped" : true,
          "buildId" : "0a1b"
        }, {
          "path" : "/w/t/a/tool",
          "target" : "aarch64-unknown-linux-gnu",
          "sha256" : null,
          "size" : 9,
          "verdict" : "fail",
          "reasons" : [ "r1 \\"q\\"", "r2 é" ],
          "warnings" : [ ],
          "elfType" : null,
          "machine" : null,
          "staticPie" : false,
          "interpreter" : "/lib/ld.so",
          "needed" : [ "libc.so.6" ],
          "stripped" : false,
          "buildId" : null
        } ]
      }""";

  @TempDir Path dir;

  @Test
  void aReportAsWrittenSoFarReadsBackAndIsWrittenByteForByte() throws Exception {
    Path file = Files.writeString(dir.resolve("verify-report.json"), WRITTEN);

    VerifyReport read = VerifyReport.read(file);

    assertThat(read.binaries())
        .containsExactly(
            new VerifiedBinary(
                "/w/t/x/timer",
                "x86_64-unknown-linux-gnu",
                "ab12",
                123456,
                VerifiedBinary.PASS,
                List.of(),
                List.of("w1"),
                new ElfFacts("DYN", "x86-64", true, null, List.of(), true, "0a1b"),
                null),
            new VerifiedBinary(
                "/w/t/a/tool",
                "aarch64-unknown-linux-gnu",
                null,
                9,
                VerifiedBinary.FAIL,
                List.of("r1 \"q\"", "r2 é"),
                List.of(),
                new ElfFacts(null, null, false, "/lib/ld.so", List.of("libc.so.6"), false, null),
                null));
    Path again = dir.resolve("again.json");
    read.write(again);
    assertThat(Files.readString(again)).isEqualTo(WRITTEN);
  }

  @Test
  void anEntryOfAPackRecordsItAndReadsBack() throws Exception {
    Path file = Files.writeString(dir.resolve("verify-report.json"), WRITTEN);
    VerifyReport read = VerifyReport.read(file);
    VerifyReport ofPacks =
        new VerifyReport(
            List.of(read.binaries().get(0).inPack("core"), read.binaries().get(1).inPack("extra")));
    Path again = dir.resolve("again.json");

    ofPacks.write(again);

    assertThat(Files.readString(again))
        .contains("\"buildId\" : \"0a1b\",\n    \"pack\" : \"core\"")
        .contains("\"pack\" : \"extra\"");
    assertThat(VerifyReport.read(again)).isEqualTo(ofPacks);
    assertThat(VerifyReport.read(again).binaries().get(1).failedBecause("r3").pack())
        .isEqualTo("extra");
    assertThatThrownBy(
            () ->
                VerifyReport.read(
                    Files.writeString(
                        dir.resolve("bad.json"),
                        Files.readString(again).replace("\"core\"", "\"../core\""))))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("binaries[0].pack is not a pack name");
  }

  @Test
  void aHandEditedValueOfTheWrongTypeIsRefusedNamingIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("verify-report.json"), WRITTEN.replace("\"size\" : 9", "\"size\" : \"9\""));

    assertThatThrownBy(() -> VerifyReport.read(file))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("binaries[1].size is not a whole number");
  }

  @Test
  void aPathThisSystemCannotSpellIsRefusedNamingIt() throws Exception {
    // Found by make fuzz: a NUL in a path failed the lookup with an unchecked exception.
    Path file =
        Files.writeString(
            dir.resolve("verify-report.json"),
            WRITTEN.replaceFirst("\"/w/t/x/timer\"", "\"/w/t\\\\u0000/x/timer\""));
    assertThat(Files.readString(file)).contains("/w/t\\u0000/x/timer");

    assertThatThrownBy(() -> VerifyReport.read(file))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("binaries[0].path is not a path");
  }

  @Test
  void noVerifyYetIsAnEmptyReport() throws Exception {
    assertThat(VerifyReport.read(dir.resolve("missing.json")).binaries()).isEmpty();
    Path file = dir.resolve("empty.json");
    new VerifyReport(List.of()).write(file);
    assertThat(Files.readString(file)).isEqualTo("{\n  \"binaries\" : [ ]\n}");
  }

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

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("verify report", WRITTEN, dir, VerifyReportTest::readAndLookUp);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("verify report", WRITTEN, dir, VerifyReportTest::readAndLookUp);
  }

  /** What the image goal does with a report: read it, then look binaries up in it. */
  private static void readAndLookUp(Path file) throws java.io.IOException {
    VerifyReport read = VerifyReport.read(file);
    read.passed();
    read.passedWithDigest("ab12");
    read.entryFor(Path.of("/w/t/x/timer"));
  }
}
