package io.attune.packbinaries.cargo;

import java.util.List;

/**
 * What one cargo run for one target did.
 *
 * @param strip what the strip step did with each binary
 * @param cargoSeconds the time cargo reported on its {@code Finished} line, or -1
 */
public record CargoRun(List<StripStep.Outcome> strip, double cargoSeconds) {}
