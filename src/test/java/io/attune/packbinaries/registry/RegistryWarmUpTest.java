package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The throwaway registry conversation the release warm-up has while cargo compiles. */
class RegistryWarmUpTest {

  @Test
  void talksToItsOwnServerAndLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    RegistryWarmUp.run();

    Set<Thread> left =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t))
            .filter(t -> t.getName().startsWith("HttpClient-") || t.getName().startsWith("HTTP"))
            .collect(Collectors.toSet());
    for (Thread thread : left) {
      thread.join(10_000);
    }
    assertThat(left).noneMatch(Thread::isAlive);
  }
}
