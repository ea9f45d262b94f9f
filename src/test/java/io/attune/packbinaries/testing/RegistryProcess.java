package io.attune.packbinaries.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A registry of the test's own (Debian's {@code docker-registry serve}, as scripts/test-env.sh runs
 * the shared ones) on a free loopback port with its own storage, so a test may stop and start it
 * without touching the registries other tests use.
 */
public final class RegistryProcess implements AutoCloseable {

  private final Path config;
  private final Path logFile;
  private final int port;
  private Process process;

  public RegistryProcess(Path directory) throws IOException, InterruptedException {
    TestEnvironment.requireTool("docker-registry");
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path storage = Files.createDirectories(directory.resolve("data"));
    config = directory.resolve("config.yml");
    logFile = directory.resolve("registry.log");
    // A fixed http.secret: upload state tokens of one run stay valid after a restart.
    Files.writeString(
        config,
        String.join(
            "\n",
            "version: 0.1",
            "log: {level: warn}",
            "storage:",
            "  filesystem: {rootdirectory: " + storage + "}",
            "http:",
            "  addr: 127.0.0.1:" + port,
            "  secret: pack-binaries-test",
            ""));
    start();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public synchronized void start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!TestEnvironment.commandSucceeds(
        "curl", "-fsS", "-m", "2", "http://" + address() + "/v2/")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IOException(
            "docker-registry on " + address() + " did not answer; see " + logFile);
      }
      Thread.sleep(100);
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL) and waits until it is gone. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
