package io.attune.packbinaries.maven;

import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.registry.RegistryConnections;

/**
 * What one goal's work shares, made when the goal starts and closed when it ends: the memory of its
 * files' digests and its registry connections. Nothing of it outlives the goal in the JVM, so goals
 * that mvnd or {@code mvn -T} run side by side share nothing.
 */
record GoalContext(FileDigests digests, RegistryConnections registries) implements AutoCloseable {

  @Override
  public void close() {
    try (FileDigests closing = digests) {
      registries.close();
    }
  }
}
