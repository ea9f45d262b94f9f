package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway image the build goal makes while cargo compiles. */
class ImageWarmUpTest {

  @TempDir Path temp;

  @Test
  void buildsAThrowawayImageOfflineAndLeavesNothingBehind() throws Exception {
    List<String> reports = new ArrayList<>();

    ImageWarmUp.run(temp, reports::add);

    // No registry and no network: a failure here would mean the warm-up silently does nothing.
    assertThat(reports).singleElement().asString().matches("image warm-up done in \\d+ ms");
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aFailureOnlyCostsTheSpeedUp() throws Exception {
    List<String> reports = new ArrayList<>();
    Path notADirectory = Files.writeString(temp.resolve("file"), "x");

    ImageWarmUp.run(notADirectory, reports::add);

    assertThat(reports).singleElement().asString().startsWith("image warm-up skipped: ");
  }

  @Test
  void startRunsOnADaemonThreadOfThePluginsClassLoader() throws Exception {
    List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();

    Thread thread = ImageWarmUp.start(reports::add);

    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getContextClassLoader()).isSameAs(ImageWarmUp.class.getClassLoader());
    thread.join(60_000);
    assertThat(reports).singleElement().asString().startsWith("image warm-up done");
  }
}
