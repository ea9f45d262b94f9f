package io.attune.packbinaries.oci;

import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
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
