package io.attune.packbinaries.image;

import io.attune.packbinaries.io.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A digest of everything the init image's bytes depend on, besides what the base image's reference
 * points to: each binary, every setting that reaches the image and the plugin's version (a new
 * plugin may build differently). Equal fingerprints and an equal base digest ({@link ImageState})
 * mean a rebuild would give the same images. It needs no registry, so a run whose binaries changed
 * builds at once.
 */
final class ImageFingerprint {

  /** Bump when the image's contents change in a way the inputs below do not show. */
  private static final String FORMAT = "pack-binaries image fingerprint 2";

  private ImageFingerprint() {}

  static String of(List<ImageBinary> binaries, InitImageSettings settings, String pluginVersion) {
    List<String> parts = new ArrayList<>();
    parts.add(FORMAT);
    parts.add("plugin " + pluginVersion);
    parts.add("base " + settings.baseImage());
    parts.add("pack " + settings.pack());
    parts.add("version " + settings.version());
    parts.add("revision " + settings.revision());
    parts.add("source " + settings.source());
    parts.add("created " + settings.creationTime());
    parts.add("format " + settings.format());
    parts.add("localName " + settings.localName());
    binaries.stream()
        .sorted(
            Comparator.comparing((ImageBinary b) -> b.target().name())
                .thenComparing(settings::packOf)
                .thenComparing(ImageBinary::name))
        .forEach(
            b ->
                parts.add(
                    "binary "
                        + b.target().name()
                        + " "
                        + (b.pack() == null ? "" : b.pack() + "/")
                        + b.name()
                        + " "
                        + b.sha256()));
    return Sha256.of(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
  }
}
