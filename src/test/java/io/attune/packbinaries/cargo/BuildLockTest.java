package io.attune.packbinaries.cargo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds of one project are two JVMs (two terminals, two CI steps in one workspace): the second
 * waits for the layout's lock, which the build and image goals both take, and goes on only once the
 * first lets go.
 */
class BuildLockTest {

  @TempDir Path dir;

  @Test
  void aSecondProcessWaitsUntilTheFirstReleasesTheLayoutsLock() throws Exception {
    Path lockFile = new ArtifactLayout(dir).lock();
    BuildLock first = BuildLock.acquire(lockFile, BuildLog.SILENT);
    Process second =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                lockFile.toString())
            .redirectErrorStream(true)
            .start();
    boolean released = false;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
      // It says it waits, and it does: it has not taken the lock while this one holds it.
      String line = out.readLine();
      assertTrue(
          line != null && line.startsWith("Waiting for another build of this project"), line);
      assertFalse(second.waitFor(300, TimeUnit.MILLISECONDS), "took a lock another process holds");
      first.close();
      released = true;
      assertEquals("locked", out.readLine());
      assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    } finally {
      second.destroyForcibly();
      if (!released) {
        first.close();
      }
    }
    assertEquals(0, second.exitValue());
  }

  /** The other build: takes the lock, says so, lets it go. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      BuildLog log =
          new BuildLog() {
            @Override
            public void info(String message) {
              System.out.println(message);
              System.out.flush();
            }

            @Override
            public void warn(String message) {
              info(message);
            }

            @Override
            public void debug(String message) {}
          };
      try (BuildLock lock = BuildLock.acquire(Path.of(args[0]), log)) {
        System.out.println("locked");
        System.out.flush();
      }
    }
  }
}
