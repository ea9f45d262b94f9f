package io.attune.packbinaries.publish;

import io.attune.packbinaries.image.ImageWarmUp;
import io.attune.packbinaries.registry.RegistryWarmUp;
import io.attune.packbinaries.supplychain.SupplyChainWarmUp;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Readies the JVM for the release's later goals while cargo compiles: a throwaway image (for the
 * image goal), a throwaway SBOM and signature (for the push) and a throwaway registry request (for
 * both). Their first use in a JVM costs seconds of class loading and compiling, which otherwise
 * come after cargo, on the release's critical path, while the JVM sits idle waiting for the builder
 * container.
 *
 * <p>It runs on a daemon thread of low priority and whatever goes wrong with it only costs the
 * speed-up: the goals do their own work as before.
 */
public final class ReleaseWarmUp {

  private ReleaseWarmUp() {}

  /** Starts the warm-up; {@code report} gets one line with its times, or why it stopped. */
  public static Thread start(Consumer<String> report) {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    Thread thread = new Thread(() -> run(temp, report), "pack-binaries-release-warm-up");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    // Jib finds some of its parts through the context class loader: the plugin's, not Maven's.
    thread.setContextClassLoader(ReleaseWarmUp.class.getClassLoader());
    thread.start();
    return thread;
  }

  /** Runs each part in turn, with its temporary files under {@code temp}. */
  static void run(Path temp, Consumer<String> report) {
    long started = System.nanoTime();
    try {
      ImageWarmUp.run(temp);
      long imageDone = System.nanoTime();
      SupplyChainWarmUp.run();
      long supplyChainDone = System.nanoTime();
      // Also loads the default trust store and TLS context, which jib's first HTTPS attempt needs.
      RegistryWarmUp.run();
      report.accept(
          "release warm-up done: image "
              + millis(imageDone - started)
              + " ms, supply chain "
              + millis(supplyChainDone - imageDone)
              + " ms, registry client and TLS "
              + millis(System.nanoTime() - supplyChainDone)
              + " ms");
    } catch (Exception | LinkageError e) {
      report.accept(
          "release warm-up stopped after " + millis(System.nanoTime() - started) + " ms: " + e);
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
