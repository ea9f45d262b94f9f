package io.attune.packbinaries.image;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Every platform's jib build at once, one task per platform: each spends most of its time waiting
 * for the base registry and on its own layer, so two platforms take about as long as one. Results
 * come back in the caller's platform order, and so does a failure: the first by that order, not the
 * first in time, so the same broken input always gives the same message.
 */
final class ConcurrentJibBuilds {

  /** How long a failed run waits for jib's other threads to end before it gives up on them. */
  private static final long STOP_SECONDS = 60;

  private ConcurrentJibBuilds() {}

  /**
   * Builds each target's image in {@code work/<platform>}. Returns only once no thread of these
   * builds runs any more, failed or not: the caller may then delete or move {@code work}.
   */
  static Map<TargetTriple, PlatformImageBuilder.JibBuild> run(
      PlatformImageBuilder builder, Map<TargetTriple, List<ImageBinary>> byTarget, Path work)
      throws PackFailure, IOException, InterruptedException {
    List<ExecutorService> pools = new ArrayList<>();
    ExecutorService tasks =
        Executors.newFixedThreadPool(byTarget.size(), ParallelTasks.daemonThreads("image-build"));
    pools.add(tasks);
    try {
      Map<TargetTriple, Future<PlatformImageBuilder.JibBuild>> futures = new LinkedHashMap<>();
      for (Map.Entry<TargetTriple, List<ImageBinary>> entry : byTarget.entrySet()) {
        TargetTriple target = entry.getKey();
        String platform = target.platform().fileName();
        // Our own pool for jib's steps: jib shuts a pool of its own down without waiting for it.
        ExecutorService jibThreads =
            Executors.newCachedThreadPool(ParallelTasks.daemonThreads("jib-" + platform));
        pools.add(jibThreads);
        futures.put(
            target,
            tasks.submit(
                () ->
                    builder.buildJibImage(
                        target, entry.getValue(), work.resolve(platform), jibThreads)));
      }
      Map<TargetTriple, PlatformImageBuilder.JibBuild> builds = new LinkedHashMap<>();
      for (Map.Entry<TargetTriple, Future<PlatformImageBuilder.JibBuild>> future :
          futures.entrySet()) {
        builds.put(future.getKey(), Futures.get(future.getValue()));
      }
      return builds;
    } finally {
      // After a failure the builds still running are of no use: interrupt them, then wait, so
      // that none writes into a directory the caller is about to delete.
      pools.forEach(ExecutorService::shutdownNow);
      for (ExecutorService pool : pools) {
        pool.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
      }
    }
  }
}
