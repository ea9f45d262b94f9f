package io.attune.packbinaries.registry;

import java.lang.reflect.InvocationTargetException;
import java.net.http.HttpClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ends an {@link HttpClient} as soon as its owner is done with it. The client's selector thread
 * waits in native code (epoll), and HotSpot's exit waits a while for threads in native code: a
 * Maven run that had talked to a registry ended late, every time. Java 21 added {@code
 * shutdownNow()}; on Java 17 the only way is to interrupt that one selector thread, which then
 * closes the client's connections and ends.
 */
final class HttpClientShutdown {

  // HttpClientImpl's toString ends in "(ID)"; its selector thread is
  // "HttpClient-ID-SelectorManager".
  private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");

  private HttpClientShutdown() {}

  static void shutDown(HttpClient http) {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(http);
      return;
    } catch (NoSuchMethodException java17) {
      // Below.
    } catch (IllegalAccessException | InvocationTargetException e) {
      return; // Only the exit's speed depends on it.
    }
    selectorThreadName(http)
        .ifPresent(
            name ->
                Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(name))
                    .forEach(Thread::interrupt));
  }

  /** The name of {@code http}'s selector thread, when its {@code toString} tells its id. */
  static java.util.Optional<String> selectorThreadName(HttpClient http) {
    Matcher id = CLIENT_ID.matcher(String.valueOf(http));
    return id.find()
        ? java.util.Optional.of("HttpClient-" + id.group(1) + "-SelectorManager")
        : java.util.Optional.empty();
  }
}
