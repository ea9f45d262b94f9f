package io.attune.packbinaries.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real components `scripts/test-env.sh up` brings up, as the tests see them. A test that needs
 * a missing one is skipped on a developer's machine and fails under CI ({@code CI=true}), where a
 * missing tool is a broken environment, not a reason to pass.
 */
public final class TestEnvironment {

  private TestEnvironment() {}

  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (locally) or fails (under CI) when {@code available} is false. */
  public static void require(boolean available, String what) {
    if (available) {
      return;
    }
    String message = what + " is not available; run `make test-env` (scripts/test-env.sh up)";
    if (underCi()) {
      fail("CI=true: " + message);
    }
    assumeTrue(false, message);
  }

  /** A value the test environment exports (see `scripts/test-env.sh env`), or its default. */
  public static String value(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  public static String registry() {
    return value("PACK_TEST_REGISTRY", "127.0.0.1:5000");
  }

  public static String secureRegistry() {
    return value("PACK_TEST_SECURE_REGISTRY", "127.0.0.1:5443");
  }

  /** The registry with token auth; its token server is the tests' own TokenServer. */
  public static String tokenRegistry() {
    return value("PACK_TEST_TOKEN_REGISTRY", "127.0.0.1:5002");
  }

  public static String builderImage() {
    return value("PACK_TEST_BUILDER_IMAGE", "attune/pack-binaries-builder:debian-bookworm");
  }

  public static String baseImage() {
    return value("PACK_TEST_BASE_IMAGE", "127.0.0.1:5000/library/busybox:1.36");
  }

  public static Path stateDirectory() {
    String home = System.getProperty("user.home");
    return Path.of(value("PACK_TEST_ENV", home + "/.cache/pack-binaries-test-env"));
  }

  /** Whether {@code command} exits 0 within 60 seconds. */
  public static boolean commandSucceeds(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static void requireDocker() {
    require(commandSucceeds("docker", "info"), "A Docker engine (docker info)");
  }

  public static void requireRegistry() {
    require(
        commandSucceeds("curl", "-fsS", "http://" + registry() + "/v2/"),
        "The local registry on " + registry());
  }

  public static void requireQemuAarch64() {
    require(
        Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64")),
        "qemu-user binfmt for aarch64");
  }

  public static void requireTool(String program) {
    require(
        io.attune.packbinaries.process.ProcessRunner.onPath(program).isPresent(),
        program + " (on PATH)");
  }
}
