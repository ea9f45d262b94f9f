package io.attune.packbinaries.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code binaries.json} as the build goal writes it and the verify goal reads it. */
class BuiltBinariesTest {

  /** The file as the plugin has written it since 0.1.0. */
  private static final String WRITTEN =
      """
      [ {
        "target" : "aarch64-unknown-linux-gnu",
        "name" : "timer",
        "path" : "aarch64-unknown-linux-gnu/timer",
        "sha256" : "cd34",
        "size" : 7,
        "stripped" : false
      }, {
        "target" : "x86_64-unknown-linux-gnu",
        "name" : "timer",
        "path" : "x86_64-unknown-linux-gnu/timer",
        "sha256" : "ab12",
        "size" : 123456,
        "stripped" : true
      } ]""";

  private static final BuiltBinary ARM =
      new BuiltBinary(
          "aarch64-unknown-linux-gnu",
          "timer",
          "aarch64-unknown-linux-gnu/timer",
          "cd34",
          7,
          false);
  private static final BuiltBinary X86 =
      new BuiltBinary(
          "x86_64-unknown-linux-gnu",
          "timer",
          "x86_64-unknown-linux-gnu/timer",
          "ab12",
          123456,
          true);

  @TempDir Path dir;

  @Test
  void aFileAsWrittenSoFarReadsBackAndIsWrittenByteForByte() throws Exception {
    Path file = Files.writeString(dir.resolve("binaries.json"), WRITTEN);

    List<BuiltBinary> read = BuiltBinaries.read(file);

    assertThat(read).containsExactly(ARM, X86);
    Path again = dir.resolve("again.json");
    BuiltBinaries.write(again, List.of(X86, ARM));
    assertThat(Files.readString(again)).isEqualTo(WRITTEN);
  }

  @Test
  void noBuildYetIsAnEmptyListAndAnEmptyBuildAnEmptyArray() throws Exception {
    assertThat(BuiltBinaries.read(dir.resolve("missing.json"))).isEmpty();

    Path file = dir.resolve("binaries.json");
    BuiltBinaries.write(file, List.of());
    assertThat(Files.readString(file)).isEqualTo("[ ]");
    assertThat(BuiltBinaries.read(file)).isEmpty();
  }

  @Test
  void aNameOrPathThatLeadsElsewhereOrCannotBeSpelledIsRefusedWhereItIsRead() throws Exception {
    // Each is resolved against the output directory by the later goals.
    String[][] edits = {
      {"\"name\" : \"timer\"", "\"name\" : \"../timer\"", "[0].name is not a file name"},
      {"\"name\" : \"timer\"", "\"name\" : \"ti\\u0000mer\"", "[0].name is not a file name"},
      {"\"name\" : \"timer\"", "\"name\" : \"..\"", "[0].name is not a file name"},
      {
        "\"path\" : \"aarch64-unknown-linux-gnu/timer\"",
        "\"path\" : \"/etc/passwd\"",
        "[0].path is not a relative path inside the output directory"
      },
      {
        "\"path\" : \"aarch64-unknown-linux-gnu/timer\"",
        "\"path\" : \"aarch64-unknown-linux-gnu/../../timer\"",
        "[0].path is not a relative path inside the output directory"
      },
      {
        "\"path\" : \"aarch64-unknown-linux-gnu/timer\"",
        "\"path\" : \"aarch64\\u0000/timer\"",
        "[0].path is not a relative path inside the output directory"
      },
    };
    for (String[] edit : edits) {
      Path file =
          Files.writeString(dir.resolve("binaries.json"), WRITTEN.replace(edit[0], edit[1]));
      assertThat(Files.readString(file)).contains(edit[1].substring(10));
      assertThatThrownBy(() -> BuiltBinaries.read(file))
          .isInstanceOf(IOException.class)
          .hasMessage(edit[2]);
    }
  }

  @Test
  void aPacksBinariesRecordTheirPackAndSortAfterThoseOfNone() throws Exception {
    BuiltBinary extra =
        new BuiltBinary(
            "x86_64-unknown-linux-gnu",
            "timer",
            "packs/extra/x86_64-unknown-linux-gnu/timer",
            "ef56",
            8,
            true,
            "extra");
    BuiltBinary core =
        new BuiltBinary(
            "x86_64-unknown-linux-gnu",
            "timer",
            "packs/core/x86_64-unknown-linux-gnu/timer",
            "ab12",
            8,
            true,
            "core");
    Path file = dir.resolve("binaries.json");

    BuiltBinaries.write(file, List.of(extra, core));

    assertThat(BuiltBinaries.read(file)).containsExactly(core, extra);
    assertThat(Files.readString(file))
        .contains("\"target\" : \"x86_64-unknown-linux-gnu\",\n  \"pack\" : \"core\",\n  \"name\"");
    assertThat(core.qualifiedName()).isEqualTo("core/timer");
    assertThat(X86.qualifiedName()).isEqualTo("timer");
  }

  @Test
  void aPackThatIsNoSafePathSegmentIsRefused() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("binaries.json"),
            WRITTEN.replace("\"name\" : \"timer\"", "\"pack\" : \"../x\", \"name\" : \"timer\""));

    assertThatThrownBy(() -> BuiltBinaries.read(file))
        .isInstanceOf(IOException.class)
        .hasMessage("[0].pack is not a pack name");
  }

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("binaries.json", WRITTEN, dir, BuiltBinaries::read);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("binaries.json", WRITTEN, dir, BuiltBinaries::read);
  }
}
