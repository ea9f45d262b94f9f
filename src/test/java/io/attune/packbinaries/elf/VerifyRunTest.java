package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.RecordingLog;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify goal's work on files the tests write, without Docker. */
class VerifyRunTest {

  private static final TargetTriple X86_64_MUSL = TargetTriple.of("x86_64-unknown-linux-musl");

  @TempDir Path dir;

  @Test
  void logsEachVerdictWithTheTimeItTookHashingIncluded() throws Exception {
    RecordingLog log = new RecordingLog();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    Path binary = ElfBuilder.x86_64().writeTo(dir, "sensor");

    new VerifyRun(log, layout, Optional.empty(), List.of()).verifyFile(binary, X86_64_MUSL);

    Matcher line =
        Pattern.compile(
                "\\[INFO] sensor \\(x86_64-unknown-linux-musl\\): pass, static x86-64 EXEC,"
                    + " stripped, \\d+ bytes, checked in (\\d+) ms")
            .matcher(log.text());
    assertThat(line.find()).as(log.text()).isTrue();
    // Wall time, so generous for a loaded machine; a wrong unit would be off by 10^6.
    assertThat(Long.parseLong(line.group(1))).isLessThan(10_000);
  }

  @Test
  void aListedBinaryTooLargeToReadFailsForThatReasonAlone() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    Path binary = layout.binary(X86_64_MUSL, "huge");
    Files.createDirectories(binary.getParent());
    try (RandomAccessFile raf = new RandomAccessFile(binary.toFile(), "rw")) {
      raf.setLength(BinaryVerifier.MAX_SIZE + 1);
    }
    BuiltBinaries.write(
        layout.builtBinaries(),
        List.of(
            new BuiltBinary(
                X86_64_MUSL.name(),
                "huge",
                X86_64_MUSL.name() + "/huge",
                Sha256.of(new byte[0]),
                BinaryVerifier.MAX_SIZE + 1,
                true)));

    assertThatThrownBy(
            () ->
                new VerifyRun(new RecordingLog(), layout, Optional.empty(), List.of())
                    .verifyBuilt(List.of(X86_64_MUSL)))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("huge is 256.0 MiB, more than the 256 MiB a sensor binary may take")
        .hasMessageNotContaining("changed after the build");
  }
}
