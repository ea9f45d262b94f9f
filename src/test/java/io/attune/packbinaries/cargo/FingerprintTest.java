package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {

  @TempDir Path workspace;
  private Path stage;

  @BeforeEach
  void workspace() throws Exception {
    Files.writeString(workspace.resolve("Cargo.toml"), "[workspace]\nmembers = [\"s\"]\n");
    Files.writeString(workspace.resolve("Cargo.lock"), "version = 3\n");
    Files.createDirectories(workspace.resolve("s/src"));
    Files.writeString(workspace.resolve("s/src/main.rs"), "fn main() {}\n");
    stage = Files.createDirectories(workspace.resolve("sensors"));
  }

  private String sources() throws Exception {
    return Fingerprint.sources(workspace, List.of(stage));
  }

  @Test
  void changesWithASourceOrTheLockFile() throws Exception {
    String before = sources();
    Files.writeString(workspace.resolve("s/src/main.rs"), "fn main() { }\n");
    String afterSource = sources();
    Files.writeString(workspace.resolve("Cargo.lock"), "version = 4\n");

    assertThat(afterSource).isNotEqualTo(before);
    assertThat(sources()).isNotEqualTo(afterSource);
  }

  @Test
  void changesWhenAFileIsRenamed() throws Exception {
    String before = sources();
    Files.move(workspace.resolve("s/src/main.rs"), workspace.resolve("s/src/lib.rs"));

    assertThat(sources()).isNotEqualTo(before);
  }

  @Test
  void ignoresBuildOutputsGitAndTheStagedBinaries() throws Exception {
    String before = sources();
    Files.createDirectories(workspace.resolve("target/release"));
    Files.writeString(workspace.resolve("target/release/s"), "binary");
    Files.createDirectories(workspace.resolve(".git"));
    Files.writeString(workspace.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(stage.resolve("s"), "staged binary");

    assertThat(sources()).isEqualTo(before);
  }

  @Test
  void changesWithTheImageTheCommandTheEnvironmentAndTheBinaries() {
    List<String> command = List.of("cargo", "build", "--target", "x");
    String base =
        Fingerprint.of("src", "image b:1 sha256:aa", command, Map.of("A", "1"), List.of());

    assertThat(Fingerprint.of("src", "image b:1 sha256:aa", command, Map.of("A", "1"), List.of()))
        .isEqualTo(base);
    assertThat(Fingerprint.of("src", "image b:1 sha256:bb", command, Map.of("A", "1"), List.of()))
        .isNotEqualTo(base);
    assertThat(
            Fingerprint.of(
                "src",
                "image b:1 sha256:aa",
                List.of("cargo", "build", "--target", "y"),
                Map.of("A", "1"),
                List.of()))
        .isNotEqualTo(base);
    assertThat(Fingerprint.of("src", "image b:1 sha256:aa", command, Map.of("A", "2"), List.of()))
        .isNotEqualTo(base);
    assertThat(
            Fingerprint.of("src", "image b:1 sha256:aa", command, Map.of("A", "1"), List.of("s")))
        .isNotEqualTo(base);
    assertThat(Fingerprint.of("src2", "image b:1 sha256:aa", command, Map.of("A", "1"), List.of()))
        .isNotEqualTo(base);
  }

  /**
   * The separators keep file boundaries: without the NUL after each path (or with another byte
   * there), a file named {@code x<sha of x's content>\ny} would hash like the two files x and y. A
   * name that holds a newline and the byte 0x01 is legal on Linux, so this is not hypothetical.
   */
  @Test
  void aFileNameThatSpellsOutTwoEntriesDoesNotCollideWithThem() throws Exception {
    Path twoFiles = Files.createDirectories(workspace.resolve("two"));
    Files.writeString(twoFiles.resolve("x"), "content of x");
    Files.writeString(twoFiles.resolve("y"), "content of y");
    String xSha = io.attune.packbinaries.io.Sha256.of(twoFiles.resolve("x"));
    String both = Fingerprint.sources(twoFiles, List.of());

    for (String separator : List.of("", "\u0001")) {
      Path oneFile = Files.createDirectories(workspace.resolve("one" + separator.length()));
      Files.writeString(oneFile.resolve("x" + separator + xSha + "\ny"), "content of y");

      assertThat(Fingerprint.sources(oneFile, List.of())).isNotEqualTo(both);
    }
  }

  @Test
  void theCommandsWordsKeepTheirBoundaries() {
    assertThat(Fingerprint.of("s", "t", List.of("cargo", "build"), Map.of(), List.of()))
        .isNotEqualTo(Fingerprint.of("s", "t", List.of("cargobuild"), Map.of(), List.of()));
  }

  @Test
  void allBinariesIsNotTheSameAsAnEmptyName() {
    assertThat(Fingerprint.of("s", "t", List.of("c"), Map.of(), List.of()))
        .isNotEqualTo(Fingerprint.of("s", "t", List.of("c"), Map.of(), List.of("")));
  }

  @Test
  void aWorkspaceCalledTargetIsStillFingerprintedAndLinksAreNotFollowed() throws Exception {
    Path named = Files.createDirectories(workspace.resolve("x/target"));
    Files.writeString(named.resolve("main.rs"), "fn main() {}\n");
    String before = Fingerprint.sources(named, List.of());
    Files.writeString(named.resolve("main.rs"), "fn main() { }\n");
    assertThat(Fingerprint.sources(named, List.of())).isNotEqualTo(before);

    String withoutLink = Fingerprint.sources(named, List.of());
    Files.createSymbolicLink(named.resolve("dangling"), named.resolve("nowhere"));
    assertThat(Fingerprint.sources(named, List.of())).isEqualTo(withoutLink);
  }

  private String inputs(List<String> listed) throws Exception {
    return Fingerprint.inputs(workspace, List.of(stage), listed);
  }

  @Test
  void withDepInfoAFileNoSourceIncludesChangesNothing() throws Exception {
    List<String> listed = List.of("s/src/main.rs");
    String before = inputs(listed);
    Files.writeString(workspace.resolve("build.log"), "cargo said things\n");
    Files.writeString(workspace.resolve("s/src/main.rs~"), "an editor's backup\n");

    assertThat(inputs(listed)).isEqualTo(before);
  }

  @Test
  void withDepInfoAListedFileTheManifestsAndTheLockFileCount() throws Exception {
    List<String> listed = List.of("s/src/main.rs");
    String before = inputs(listed);
    Files.writeString(workspace.resolve("s/src/main.rs"), "fn main() { }\n");
    String afterSource = inputs(listed);
    Files.writeString(workspace.resolve("Cargo.lock"), "version = 4\n");
    String afterLock = inputs(listed);
    Files.writeString(workspace.resolve("s/Cargo.toml"), "[package]\n");
    String afterMember = inputs(listed);
    Files.delete(workspace.resolve("s/src/main.rs"));

    assertThat(List.of(before, afterSource, afterLock, afterMember, inputs(listed)))
        .doesNotHaveDuplicates();
  }

  /** Cargo reads these on its own, so with dep-info they count although no source includes them. */
  @Test
  void withDepInfoEveryFileCargoReadsOnItsOwnCounts() throws Exception {
    List<String> listed = List.of("s/src/main.rs");
    for (String file :
        List.of(
            ".cargo/config.toml",
            ".cargo/config",
            "s/.cargo/config.toml",
            "s/Cargo.toml",
            "s/Cargo.lock",
            "s/build.rs",
            "s/rust-toolchain",
            "s/rust-toolchain.toml")) {
      String before = inputs(listed);
      Path path = workspace.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "# " + file + "\n");

      assertThat(inputs(listed)).as(file).isNotEqualTo(before);
    }
  }

  /** Only a .cargo directory holds cargo's configuration; other config files are not cargo's. */
  @Test
  void withDepInfoAConfigOutsideDotCargoOrAnotherFileInItChangesNothing() throws Exception {
    List<String> listed = List.of("s/src/main.rs");
    String before = inputs(listed);
    for (String file :
        List.of(
            "config.toml",
            "other/config.toml",
            "cargo/config",
            ".cargo/credentials.toml",
            ".cargo/config.toml.orig",
            "s/Cargo.toml.orig",
            "s/src/build.rs.bak")) {
      Path path = workspace.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, "# " + file + "\n");

      assertThat(inputs(listed)).as(file).isEqualTo(before);
    }
  }

  @Test
  void theWorkspaceItselfIsNotOneOfItsFiles() {
    assertThat(
            Fingerprint.withinWorkspace(
                workspace,
                List.of(stage),
                List.of(workspace, workspace.resolve("s/.."), workspace.resolve("s/src/main.rs"))))
        .containsExactly("s/src/main.rs");
  }

  @Test
  void onlyFilesInsideTheWorkspaceAndOutsideTheOutputsAreKept() {
    List<String> kept =
        Fingerprint.withinWorkspace(
            workspace,
            List.of(stage),
            List.of(
                workspace.resolve("s/src/main.rs"),
                workspace.resolve("s/src/../src/cron.rs"),
                stage.resolve("s"),
                Path.of("/cargo-home/registry/src/libc/src/lib.rs")));

    assertThat(kept).containsExactly("s/src/cron.rs", "s/src/main.rs");
  }

  @Test
  void findsABuildScript() throws Exception {
    assertThat(Fingerprint.hasBuildScript(workspace, List.of(stage))).isFalse();
    Files.writeString(workspace.resolve("s/build.rs"), "fn main() {}\n");

    assertThat(Fingerprint.hasBuildScript(workspace, List.of(stage))).isTrue();
  }
}
