package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;

/**
 * Runs one registry request the way the push runs its own: retried with backoff, with a refused
 * request or an untrusted certificate turned into advice.
 */
@FunctionalInterface
public interface RegistrySteps {
  <T> T run(String what, Retry.Step<T> step) throws PackFailure, IOException, InterruptedException;
}
