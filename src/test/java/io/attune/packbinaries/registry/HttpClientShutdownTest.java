package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HttpClientShutdownTest {

  @Test
  void closingARegistryClientEndsItsSelectorThreadAndNoOther() throws InterruptedException {
    Set<Thread> before = selectorThreads();
    HttpClient other = HttpClient.newHttpClient();
    try (HttpRegistryClient client = new HttpRegistryClient("127.0.0.1:1", "any", null, false)) {
      // Made, never used: the thread exists from the client's construction on.
      assertThat(client.repository()).isEqualTo("any");
    }
    List<Thread> started =
        selectorThreads().stream().filter(t -> !before.contains(t)).collect(Collectors.toList());
    Thread othersThread =
        started.stream()
            .filter(t -> t.getName().equals(HttpClientShutdown.selectorThreadName(other).get()))
            .findFirst()
            .orElseThrow();
    started.remove(othersThread);
    for (Thread thread : started) {
      thread.join(10_000);
    }
    assertThat(started).noneMatch(Thread::isAlive);
    assertThat(othersThread.isAlive()).as("another client's thread").isTrue();
  }

  @Test
  void theSelectorThreadIsNamedAfterTheClientsId() {
    HttpClient http = HttpClient.newHttpClient();
    String name = HttpClientShutdown.selectorThreadName(http).orElseThrow();
    assertThat(selectorThreads()).extracting(Thread::getName).contains(name);
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().matches("HttpClient-\\d+-SelectorManager"))
        .collect(Collectors.toSet());
  }
}
