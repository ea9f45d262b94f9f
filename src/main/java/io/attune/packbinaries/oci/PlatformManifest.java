package io.attune.packbinaries.oci;

import io.attune.packbinaries.target.Platform;
import io.attune.packbinaries.target.TargetTriple;
import java.util.List;

/**
 * One architecture's image in the layout: its manifest's descriptor, and the config and layers that
 * manifest names, in order.
 */
public record PlatformManifest(
    TargetTriple target, Descriptor manifest, Descriptor config, List<Descriptor> layers) {

  public Platform platform() {
    return target.platform();
  }
}
