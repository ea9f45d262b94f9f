package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import io.attune.packbinaries.testing.RecordingLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file that carries the plain-HTTP memory from one run to the next: a hint, read as one. */
class PlainRegistriesTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  @Test
  void readsOneRegistryPerLineAndIgnoresWhatIsNoRegistryName() throws Exception {
    Path file = temp.resolve(".plain-registries");
    Files.writeString(
        file,
        "# a comment\n127.0.0.1:5000\n  localhost:5001  \r\n[::1]:5002\nregistry.example\n"
            + "not a name\n../../etc/passwd\nhost:99999999\n\n127.0.0.1:5000\n");

    assertThat(PlainRegistries.read(file, log::debug))
        .containsExactly("127.0.0.1:5000", "[::1]:5002", "localhost:5001", "registry.example");
  }

  @Test
  void aMissingFileOrOneLargerThanAnyMemoryIsNoMemory() throws Exception {
    assertThat(PlainRegistries.read(temp.resolve("missing"), log::debug)).isEmpty();
    Path large = temp.resolve("large");
    Files.writeString(large, "127.0.0.1:5000\n".repeat(PlainRegistries.MAX_BYTES / 10));

    assertThat(PlainRegistries.read(large, log::debug)).isEmpty();
    assertThat(log.text()).contains("larger than " + PlainRegistries.MAX_BYTES + " bytes");
  }

  @Test
  void whatARunLearnsIsWrittenForTheNextAndWhatItForgetsIsDropped() throws Exception {
    Path file = temp.resolve(".plain-registries");
    Files.writeString(file, "127.0.0.1:40001\n");

    try (PlainRegistries.Memory run = PlainRegistries.keptIn(file, log::debug)) {
      assertThat(PlainRegistries.known("127.0.0.1:40001")).isTrue();
      PlainRegistries.forget("127.0.0.1:40001");
      PlainRegistries.remember("127.0.0.1:40002");
    }

    assertThat(PlainRegistries.read(file, log::debug))
        .contains("127.0.0.1:40002")
        .doesNotContain("127.0.0.1:40001");
    assertThat(Files.readString(file)).startsWith("# ");
    PlainRegistries.forget("127.0.0.1:40002");
  }

  @Test
  void aRunThatLearnedNothingLeavesTheFileAlone() throws Exception {
    Path file = temp.resolve(".plain-registries");
    PlainRegistries.remember("127.0.0.1:40003");
    Files.writeString(file, String.join("\n", PlainRegistries.remembered()) + "\n");
    FileTime before = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, before);

    try (PlainRegistries.Memory run = PlainRegistries.keptIn(file, log::debug)) {
      assertThat(PlainRegistries.known("127.0.0.1:40003")).isTrue();
    }

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(before);
    PlainRegistries.forget("127.0.0.1:40003");
  }

  @Test
  void aGoalThatMadeNoOutputDirectoryLeavesNoneBehind() {
    Path file = temp.resolve("target/pack-binaries/.plain-registries");
    PlainRegistries.remember("127.0.0.1:40004");

    try (PlainRegistries.Memory run = PlainRegistries.keptIn(file, log::debug)) {
      assertThat(run).isNotNull();
    }

    assertThat(temp.resolve("target")).doesNotExist();
    PlainRegistries.forget("127.0.0.1:40004");
  }

  @Test
  void hostileFilesEndInRegistryNamesOnlyAndFast() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), 300);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileFilesLongRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(300));
  }

  private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+");

  private void fuzz(long seed, Random random, int cases) throws Exception {
    byte[] sample =
        "# memory\n127.0.0.1:5000\nlocalhost:5001\n[::1]:5002\n".getBytes(StandardCharsets.UTF_8);
    Path file = temp.resolve("fuzzed");
    ParserFuzz.run(
        "plain-registries file",
        seed,
        random,
        cases,
        (rng, index) -> {
          byte[] bytes = FuzzMutations.bytes(rng, sample);
          Files.write(file, bytes);
          return () -> {
            for (String name : PlainRegistries.read(file, log::debug)) {
              if (!PLAUSIBLE.matcher(name).matches() || name.length() > 300) {
                throw new AssertionError("read a name it should have ignored: " + name);
              }
            }
          };
        });
  }
}
