package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway image that readies jib while cargo compiles. */
class ImageWarmUpTest {

  @TempDir Path temp;

  @Test
  void buildsOfflineAndLeavesNothingBehind() throws Exception {
    // No registry but its own loopback one: a throwaway build that needed another would fail.
    ImageWarmUp.run(temp);

    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }
}
