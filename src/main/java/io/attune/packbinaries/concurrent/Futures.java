package io.attune.packbinaries.concurrent;

import io.attune.packbinaries.PackFailure;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** A task's result, or the very exception the task threw rather than an ExecutionException. */
public final class Futures {

  private Futures() {}

  public static <T> T get(Future<T> future) throws PackFailure, IOException, InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PackFailure failure) {
        throw failure;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
