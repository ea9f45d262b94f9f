package io.attune.packbinaries.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import io.attune.packbinaries.testing.RecordingLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory that spares a goal reading files whose stamp says they are what they were. */
class FileDigestsTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();

  // What a goal that keeps no memory file uses.
  private final FileDigests digests = FileDigests.inMemory();

  /** A file whose modification and change times lie further back than the clock's step. */
  private Path settledFile(String name, String content) throws Exception {
    Path file = temp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Thread.sleep(FileDigests.FINE_STEP_NANOS / 1_000_000 + 50);
    return file;
  }

  @Test
  void aSettledFileIsRememberedAndItsDigestIsSha256() throws Exception {
    Path file = settledFile("out/sensor", "static sensor");

    assertThat(digests.sha256(file)).isEqualTo(Sha256.of(file));
    assertThat(digests.rememberedUnder(temp)).containsOnlyKeys("out/sensor");
  }

  /** A file whose modification time the clock has not passed yet, however slow this run. */
  private Path unsettledFile(String name, long millisAhead) throws Exception {
    Path file = temp.resolve(name);
    Files.writeString(file, "just written");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + millisAhead));
    return file;
  }

  @Test
  void aFileWithinTheClocksStepIsHashedButNotRemembered() throws Exception {
    // Written again in the same step, it could keep this stamp with other bytes.
    Path file = unsettledFile("fresh", 60_000);

    assertThat(digests.sha256(file)).isEqualTo(Sha256.of(file));
    assertThat(digests.rememberedUnder(temp)).isEmpty();
  }

  @Test
  void aGoalsEndRemembersWhatItHashedTooSoonOnceTheStepHasPassed() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path file = unsettledFile("image.tar", 300);
    try (FileDigests imageGoal = FileDigests.keptIn(memory, log::debug)) {
      imageGoal.sha256(file);
      Thread.sleep(300 + FileDigests.FINE_STEP_NANOS / 1_000_000 + 50);
    }

    assertThat(FileDigests.read(memory, log::debug)).containsOnlyKeys("image.tar");
    assertThat(FileDigests.read(memory, log::debug).get("image.tar").sha256())
        .isEqualTo(Sha256.of(file));
  }

  @Test
  void whatWasHashedTooSoonAndChangedSinceIsNotRemembered() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path file = unsettledFile("image.tar", 0);
    try (FileDigests imageGoal = FileDigests.keptIn(memory, log::debug)) {
      imageGoal.sha256(file);
      Files.writeString(file, "written again");
      Thread.sleep(FileDigests.FINE_STEP_NANOS / 1_000_000 + 50);
    }

    assertThat(FileDigests.read(memory, log::debug)).isEmpty();
  }

  @Test
  void aFileTheGoalWroteIsNotReadForItsDigestAndIsRememberedAtTheGoalsEndAtOnce() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path file = unsettledFile("image.tar", 0);
    // A digest no read of the file gives: had the file been read, it would show.
    String asWritten = "0".repeat(64);
    try (FileDigests imageGoal = FileDigests.keptIn(memory, log::debug)) {
      imageGoal.wrote(file, asWritten);
      assertThat(imageGoal.sha256(file)).isEqualTo(asWritten);
    }

    assertThat(FileDigests.read(memory, log::debug).get("image.tar").sha256()).isEqualTo(asWritten);
  }

  @Test
  void aFileTheGoalWroteAndAnotherWriteChangedIsReadAgainAndNotRememberedAsWritten()
      throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path file = unsettledFile("image.tar", 0);
    try (FileDigests imageGoal = FileDigests.keptIn(memory, log::debug)) {
      imageGoal.wrote(file, "0".repeat(64));
      Files.writeString(file, "written again, longer");
      assertThat(imageGoal.sha256(file)).isEqualTo(Sha256.of(file));
      Thread.sleep(FileDigests.FINE_STEP_NANOS / 1_000_000 + 50);
    }

    assertThat(FileDigests.read(memory, log::debug).values())
        .noneMatch(entry -> entry.sha256().equals("0".repeat(64)));
  }

  @Test
  void aFileRewrittenWithTheSameSizeAndItsOldModificationTimeIsReadAgain() throws Exception {
    Path file = settledFile("sensor", "version one");
    String first = digests.sha256(file);
    FileTime modified = Files.getLastModifiedTime(file);

    // What `touch -r` after a copy leaves: same size, same mtime; only the change time moves.
    Files.writeString(file, "version two");
    Files.setLastModifiedTime(file, modified);

    assertThat(digests.sha256(file)).isNotEqualTo(first).isEqualTo(Sha256.of(file));
  }

  @Test
  void aFileReplacedByRenameIsReadAgain() throws Exception {
    Path file = settledFile("sensor", "version one");
    String first = digests.sha256(file);
    Path replacement = settledFile("sensor.tmp", "version two");
    Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(file));

    Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(digests.sha256(file)).isNotEqualTo(first).isEqualTo(Sha256.of(file));
  }

  @Test
  void theNextRunAnswersFromTheFileForAnUnchangedStamp() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path file = settledFile("x86_64/sensor", "static sensor");
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(file);
    }
    assertThat(Files.readString(memory)).startsWith("# ").contains("\tx86_64/sensor\n");

    // A new goal knows only the file. Its entry is trusted as written: the proof is an entry
    // whose digest is not the file's, which only the memory can have answered.
    String fake = "0".repeat(64);
    String line =
        Files.readString(memory)
            .lines()
            .filter(l -> l.endsWith("sensor"))
            .findFirst()
            .orElseThrow();
    Files.writeString(memory, fake + line.substring(64) + "\n");
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      assertThat(run.sha256(file)).isEqualTo(fake);
    }
  }

  @Test
  void aRunForgetsWhatWasDeletedAndLeavesAnUnchangedFileAlone() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Path kept = settledFile("kept", "a");
    Path deleted = settledFile("deleted", "b");
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(kept);
      run.sha256(deleted);
    }
    Files.delete(deleted);

    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(kept);
    }
    assertThat(FileDigests.read(memory, log::debug)).containsOnlyKeys("kept");

    FileTime before = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(memory, before);
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(kept);
    }
    assertThat(Files.getLastModifiedTime(memory)).isEqualTo(before);
  }

  @Test
  void onlyTheMemoryFilesOwnDirectoryIsKept() throws Exception {
    Path memory = temp.resolve("target/pack-binaries/.file-digests");
    Files.createDirectories(memory.getParent());
    Path outside = settledFile("src/main.rs", "fn main() {}");
    Path inside = settledFile("target/pack-binaries/sensor", "static sensor");
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(outside);
      run.sha256(inside);
    }

    assertThat(FileDigests.read(memory, log::debug)).containsOnlyKeys("sensor");
  }

  @Test
  void aGoalThatMadeNoOutputDirectoryLeavesNoneBehind() throws Exception {
    Path memory = temp.resolve("target/pack-binaries/.file-digests");
    try (FileDigests run = FileDigests.keptIn(memory, log::debug)) {
      run.sha256(settledFile("elsewhere", "x"));
    }
    assertThat(temp.resolve("target")).doesNotExist();
  }

  @Test
  void linesThatAreNoEntryForAFileInTheDirectoryAreIgnored() throws Exception {
    String hex = "a".repeat(64);
    Path memory = temp.resolve(".file-digests");
    Files.writeString(
        memory,
        String.join(
            "\n",
            "# comment",
            hex + "\t5\t1\t2\t3\t4\tgood/file",
            hex + "\t5\t1\t2\t3\t4\t../escape",
            hex + "\t5\t1\t2\t3\t4\t/etc/passwd",
            hex + "\t5\t1\t2\t3\t4\ta/./b",
            hex + "\t5\t1\t2\t3\t4\t",
            hex.toUpperCase() + "\t5\t1\t2\t3\t4\tupper",
            hex + "\t-5\t1\t2\t3\t4\tnegative",
            hex + "\t5\t1\t2\t3\tnot-a-number\tnumber",
            hex + "\t5\t1\t2\t3\t4\textra\tfield",
            ""));

    Map<String, ?> read = FileDigests.read(memory, log::debug);

    assertThat(read).containsOnlyKeys("good/file");
  }

  @Test
  void aFileLargerThanAnyMemoryIsNoMemory() throws Exception {
    Path memory = temp.resolve(".file-digests");
    Files.write(memory, new byte[FileDigests.MAX_BYTES + 1]);

    assertThat(FileDigests.read(memory, log::debug)).isEmpty();
    assertThat(log.text()).contains("larger than " + FileDigests.MAX_BYTES + " bytes");
  }

  @Test
  void hostileFilesEndInWellFormedEntriesOnlyAndFast() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), 300);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileFilesLongRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(300));
  }

  private void fuzz(long seed, Random random, int cases) throws Exception {
    String hex = "0123456789abcdef".repeat(4);
    byte[] sample =
        ("# memory\n"
                + hex
                + "\t1061576\t1764438000123456789\t1764438000123456789\t2049\t1234\tsensor\n"
                + hex
                + "\t3176448\t1764438000223456789\t1764438000223456789\t2049\t99\timage/a.tar\n")
            .getBytes(StandardCharsets.UTF_8);
    Path file = temp.resolve("fuzzed");
    ParserFuzz.run(
        "file-digests file",
        seed,
        random,
        cases,
        (rng, index) -> {
          byte[] bytes = FuzzMutations.bytes(rng, sample);
          Files.write(file, bytes);
          return () -> {
            FileDigests.read(file, log::debug)
                .forEach(
                    (relative, entry) -> {
                      Path path = Path.of(relative);
                      if (path.isAbsolute()
                          || path.startsWith("..")
                          || !entry.sha256().matches("[0-9a-f]{64}")
                          || entry.stamp().size() < 0) {
                        throw new AssertionError(
                            "read an entry it should have ignored: " + relative);
                      }
                    });
          };
        });
  }
}
