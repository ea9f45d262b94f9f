package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work the build goal starts beside cargo, for the image and push goals that follow. */
class ReleaseWarmUpTest {

  @TempDir Path temp;

  @Test
  void readiesTheImageAndTheSupplyChainAndLeavesNoFile() throws Exception {
    List<String> reports = new ArrayList<>();

    ReleaseWarmUp.run(temp, reports::add);

    assertThat(reports)
        .singleElement()
        .asString()
        .matches(
            "release warm-up done: image \\d+ ms, supply chain \\d+ ms, registry client and TLS \\d+ ms");
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aFailureOnlyCostsTheSpeedUp() throws Exception {
    List<String> reports = new ArrayList<>();
    Path notADirectory = Files.writeString(temp.resolve("file"), "x");

    ReleaseWarmUp.run(notADirectory, reports::add);

    assertThat(reports).singleElement().asString().startsWith("release warm-up stopped after ");
  }

  @Test
  void startsOnADaemonThreadOfThePluginsClassLoader() throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();

    Thread thread = ReleaseWarmUp.start(reports::add);

    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread.getContextClassLoader()).isSameAs(ReleaseWarmUp.class.getClassLoader());
    thread.join(60_000);
    assertThat(reports).singleElement().asString().startsWith("release warm-up done");
  }
}
