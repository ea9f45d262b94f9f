package io.attune.packbinaries.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files replaced by writing a temporary one beside them and renaming it. */
class AtomicFilesTest {

  @TempDir Path temp;

  @Test
  void aHashedCopyReplacesTheFileKeepsTheExecutableBitAndGivesTheCopysSha256() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 7];
    new Random(28).nextBytes(content);
    Path source = temp.resolve("built/sensor");
    Files.createDirectories(source.getParent());
    Files.write(source, content);
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path destination = temp.resolve("out/sensor");
    Files.createDirectories(destination.getParent());
    Files.writeString(destination, "the previous build's binary");

    String sha256 = AtomicFiles.copyHashed(source, destination);

    assertThat(Files.readAllBytes(destination)).isEqualTo(content);
    assertThat(sha256).isEqualTo(Sha256.of(destination));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination)))
        .isEqualTo("rwxr-xr-x");
    // No temporary file is left beside it.
    try (var files = Files.list(destination.getParent())) {
      assertThat(files).containsExactly(destination);
    }
  }
}
