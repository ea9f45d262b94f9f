package io.attune.packbinaries.cargo;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where cargo runs: in a builder container (the default) or on the host. */
public interface Toolchain extends AutoCloseable {

  /**
   * Checks the toolchain is there and describes its exact version (the builder image's ID, or the
   * host rustc's), which goes into the fingerprint. Kept cheap: an up-to-date build does nothing
   * else.
   *
   * @throws PackFailure when something the user must install or start is missing
   */
  String identity() throws PackFailure, IOException, InterruptedException;

  /** Gets ready to run cargo (caches and the like); called once, before the first build. */
  default void prepareBuild() throws PackFailure, IOException, InterruptedException {}

  /** The names of the workspace's bin targets, from {@code cargo metadata}. */
  List<String> binTargets() throws PackFailure, IOException, InterruptedException;

  /**
   * Runs cargo for one target, then the strip step; leaves the binaries in {@link
   * BuildRequest#strippedDirectory}.
   *
   * @throws PackFailure when cargo fails
   */
  CargoRun build(TargetTriple target, List<String> binaries)
      throws PackFailure, IOException, InterruptedException;

  /**
   * Runs {@link #build(TargetTriple, List)} for each of {@code targets}: one after the other unless
   * the toolchain runs them at once. Fails with the first target's failure, in their order.
   */
  default Map<TargetTriple, CargoRun> build(List<TargetTriple> targets, List<String> binaries)
      throws PackFailure, IOException, InterruptedException {
    Map<TargetTriple, CargoRun> runs = new LinkedHashMap<>();
    for (TargetTriple target : targets) {
      runs.put(target, build(target, binaries));
    }
    return runs;
  }

  /** What was skipped when a target is up to date, for the message: "no container started". */
  String skippedWork();

  /** Releases what the builds held (the builder container); called once, at the end. */
  @Override
  default void close() throws IOException, InterruptedException {}
}
