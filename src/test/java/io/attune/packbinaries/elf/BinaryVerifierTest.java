package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path of the verifier's report entry, on files the tests write (no Docker). */
class BinaryVerifierTest {

  private static final TargetTriple X86_64_MUSL =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();

  @TempDir Path dir;

  @Test
  void aStaticExecutablePassesWithItsFactsAndDigest() throws Exception {
    Path file =
        ElfBuilder.x86_64().buildId(new byte[] {0x0a, 0x0b}).withSymbolTable().writeTo(dir, "s");

    VerifiedBinary result =
        BinaryVerifier.verify(dir.resolve(".").resolve("s"), X86_64_MUSL, FileDigests.inMemory());

    assertThat(result)
        .isEqualTo(
            new VerifiedBinary(
                file.toAbsolutePath().toString(),
                "x86_64-unknown-linux-musl",
                Sha256.of(file),
                Files.size(file),
                "pass",
                null,
                null,
                new ElfFacts("EXEC", "x86-64", false, null, null, false, "0a0b"),
                null));
    assertThat(result.passed()).isTrue();
  }

  @Test
  void aDynamicExecutableFailsWithItsLoaderAndLibraries() throws Exception {
    Path file =
        ElfBuilder.x86_64()
            .pie()
            .interpreter("/lib/ld-musl-x86_64.so.1")
            .needs("libz.so.1")
            .writeTo(dir, "d");

    VerifiedBinary result = BinaryVerifier.verify(file, X86_64_MUSL, FileDigests.inMemory());

    assertThat(result.verdict()).isEqualTo("fail");
    assertThat(result.reasons()).singleElement().asString().contains("dynamically linked");
    assertThat(result.elf().type()).isEqualTo("DYN");
    assertThat(result.elf().staticPie()).isFalse();
    assertThat(result.elf().interpreter()).isEqualTo("/lib/ld-musl-x86_64.so.1");
    assertThat(result.elf().needed()).containsExactly("libz.so.1");
    assertThat(result.elf().stripped()).isTrue();
    assertThat(result.elf().buildId()).isNull();
  }

  @Test
  void aStaticPieIsReportedAsOne() throws Exception {
    VerifiedBinary result =
        BinaryVerifier.verify(
            ElfBuilder.x86_64().pie().writeTo(dir, "p"), X86_64_MUSL, FileDigests.inMemory());
    assertThat(result.passed()).isTrue();
    assertThat(result.elf().staticPie()).isTrue();
  }

  @Test
  void aFileThatIsNotElfFailsWithTheReaderReasonAndItsDigest() throws Exception {
    Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");

    VerifiedBinary result = BinaryVerifier.verify(script, X86_64_MUSL, FileDigests.inMemory());

    assertThat(result)
        .isEqualTo(
            new VerifiedBinary(
                script.toString(),
                "x86_64-unknown-linux-musl",
                Sha256.of(script),
                10,
                "fail",
                java.util.List.of(
                    "run.sh is a script (#!/bin/sh), not a compiled binary; verify the binary that"
                        + " cargo built."),
                null,
                new ElfFacts(null, null, false, null, null, false, null),
                null));
  }

  @Test
  void aFileLargerThanAnySensorFailsUnreadAndUnhashed() throws Exception {
    Path huge = sparse("huge", BinaryVerifier.MAX_SIZE + 1);

    VerifiedBinary result = BinaryVerifier.verify(huge, X86_64_MUSL, FileDigests.inMemory());

    assertThat(result.sha256()).isNull();
    assertThat(result.size()).isEqualTo(BinaryVerifier.MAX_SIZE + 1);
    assertThat(result.reasons())
        .containsExactly(
            "huge is 256.0 MiB, more than the 256 MiB a sensor binary may take; verify a release"
                + " build (strip = true in [profile.release] of Cargo.toml).");
  }

  @Test
  void aFileOfExactlyTheLimitIsReadAndOneByteLessOfLimitIsNot() throws Exception {
    Path file = ElfBuilder.x86_64().writeTo(dir, "limit");
    long size = Files.size(file);

    assertThat(BinaryVerifier.verify(file, X86_64_MUSL, size, FileDigests.inMemory()).passed())
        .isTrue();
    VerifiedBinary tooLarge =
        BinaryVerifier.verify(file, X86_64_MUSL, size - 1, FileDigests.inMemory());
    assertThat(tooLarge.passed()).isFalse();
    assertThat(tooLarge.sha256()).isNull();
  }

  @Test
  void aMissingFileIsAUserError() {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> BinaryVerifier.verify(missing, X86_64_MUSL, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "The binary to verify, "
                + missing
                + ", does not exist; check pack.binary or run the build goal first.");
  }

  @Test
  void aDirectoryIsAUserError() {
    assertThatThrownBy(() -> BinaryVerifier.verify(dir, X86_64_MUSL, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "The binary to verify, "
                + dir
                + ", is not a regular file; point pack.binary at the binary itself.");
  }

  @Test
  void failedBecauseAddsAReasonAndKeepsTheFacts() throws Exception {
    VerifiedBinary passed =
        BinaryVerifier.verify(
            ElfBuilder.x86_64().writeTo(dir, "ok"), X86_64_MUSL, FileDigests.inMemory());

    VerifiedBinary failed = passed.failedBecause("it changed");

    assertThat(failed.passed()).isFalse();
    assertThat(failed.reasons()).containsExactly("it changed");
    assertThat(failed)
        .usingRecursiveComparison()
        .ignoringFields("verdict", "reasons")
        .isEqualTo(passed);
  }

  private Path sparse(String name, long length) throws Exception {
    Path file = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
    return file;
  }
}
