package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepInfoTest {

  private static final Path BASE = Path.of("/home/dev/crate");

  @TempDir Path dir;

  @Test
  void listsEveryPrerequisiteOfTheRule() {
    // The form cargo writes beside a binary.
    String text =
        "/home/dev/crate/target/x86_64-unknown-linux-gnu/release/s: /home/dev/crate/src/main.rs"
            + " /home/dev/crate/src/cron.rs /cargo-home/registry/src/libc-0.2/src/lib.rs\n";

    assertThat(DepInfo.parse(text, BASE))
        .contains(
            List.of(
                Path.of("/home/dev/crate/src/main.rs"),
                Path.of("/home/dev/crate/src/cron.rs"),
                Path.of("/cargo-home/registry/src/libc-0.2/src/lib.rs")));
  }

  @Test
  void readsEscapedSpacesContinuationsAndRelativePaths() {
    String text = "out/s: src/my\\ file.rs \\\n  src/b.rs\n\nsrc/b.rs:\n# env-dep:X=1\n";

    assertThat(DepInfo.parse(text, BASE))
        .contains(
            List.of(
                Path.of("/home/dev/crate/src/my file.rs"), Path.of("/home/dev/crate/src/b.rs")));
  }

  @Test
  void withoutARuleThereIsNoList() throws Exception {
    assertThat(DepInfo.parse("", BASE)).isEmpty();
    assertThat(DepInfo.parse("not a rule\n", BASE)).isEmpty();
    assertThat(DepInfo.read(dir.resolve("missing.d"), BASE)).isEmpty();
  }

  @Test
  void aListWithAPathThisSystemCannotNameIsNoList() {
    // Not cargo's writing: the fingerprint then covers the whole workspace.
    assertThat(DepInfo.parse("out/s: src/a.rs src/b\0.rs\n", BASE)).isEmpty();
  }

  @Test
  void readsAFile() throws Exception {
    Path file = dir.resolve("s.d");
    Files.writeString(file, "/t/s: /home/dev/crate/src/main.rs\n");

    assertThat(DepInfo.read(file, BASE)).contains(List.of(Path.of("/home/dev/crate/src/main.rs")));
  }
}
