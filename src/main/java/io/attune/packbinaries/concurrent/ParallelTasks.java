package io.attune.packbinaries.concurrent;

import io.attune.packbinaries.PackFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same task over several inputs at once, on a few daemon threads, and returns the results
 * in the inputs' order. A failure is the first by that order, not the first in time, so the same
 * broken input always gives the same message; it interrupts the tasks still running, and {@link
 * #close} returns only once none runs any more.
 */
public final class ParallelTasks implements AutoCloseable {

  /** One input's work. */
  @FunctionalInterface
  public interface Task<I, O> {
    O run(I input) throws PackFailure, IOException, InterruptedException;
  }

  /** How long {@link #close} waits for interrupted tasks to end before it gives up on them. */
  private static final long STOP_SECONDS = 60;

  private final ExecutorService threads;

  /**
   * @param name what the threads are named after
   * @param parallelism at most this many inputs at a time
   */
  public ParallelTasks(String name, int parallelism) {
    this.threads = Executors.newFixedThreadPool(parallelism, daemonThreads(name));
  }

  public <I, O> List<O> map(List<I> inputs, Task<I, O> task)
      throws PackFailure, IOException, InterruptedException {
    if (inputs.size() == 1) {
      // Nothing to overlap: no hand-over to another thread.
      return Collections.singletonList(task.run(inputs.get(0)));
    }
    List<Future<O>> futures = new ArrayList<>();
    for (I input : inputs) {
      futures.add(threads.submit(() -> task.run(input)));
    }
    List<O> results = new ArrayList<>();
    try {
      for (Future<O> future : futures) {
        results.add(Futures.get(future));
      }
    } catch (Throwable failure) {
      futures.forEach(future -> future.cancel(true));
      throw failure;
    }
    return results;
  }

  /**
   * Starts one task beside the others; {@link Futures#get} gives its result or its very exception.
   * A task still running when this closes is interrupted.
   */
  public <O> Future<O> start(Callable<O> task) {
    return threads.submit(task);
  }

  /** Threads named {@code pack-binaries-NAME-…} that never keep Maven's JVM from exiting. */
  public static ThreadFactory daemonThreads(String name) {
    ThreadFactory threads = Executors.defaultThreadFactory();
    return runnable -> {
      Thread thread = threads.newThread(runnable);
      thread.setName("pack-binaries-" + name + "-" + thread.getName());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Interrupts whatever still runs and waits for it to end. */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
