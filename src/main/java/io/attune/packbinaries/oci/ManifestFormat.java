package io.attune.packbinaries.oci;

import io.attune.packbinaries.PackFailure;
import java.util.Locale;

/**
 * The media types of the images and the index: OCI (the default), or Docker's v2.2 manifests and
 * manifest list for registries that predate OCI.
 */
public enum ManifestFormat {
  OCI(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER),
  DOCKER(
      MediaTypes.DOCKER_LIST,
      MediaTypes.DOCKER_MANIFEST,
      MediaTypes.DOCKER_CONFIG,
      MediaTypes.DOCKER_LAYER);

  private final String indexMediaType;
  private final String manifestMediaType;
  private final String configMediaType;
  private final String layerMediaType;

  ManifestFormat(String index, String manifest, String config, String layer) {
    this.indexMediaType = index;
    this.manifestMediaType = manifest;
    this.configMediaType = config;
    this.layerMediaType = layer;
  }

  public String indexMediaType() {
    return indexMediaType;
  }

  public String manifestMediaType() {
    return manifestMediaType;
  }

  public String configMediaType() {
    return configMediaType;
  }

  public String layerMediaType() {
    return layerMediaType;
  }

  /** {@code oci} or {@code docker}, in any case. */
  public static ManifestFormat parse(String text, String parameter) throws PackFailure {
    String value = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (ManifestFormat format : values()) {
      if (format.name().equals(value)) {
        return format;
      }
    }
    throw new PackFailure(
        "Unknown image format '"
            + text
            + "'. Set "
            + parameter
            + " to oci (an OCI image index, the default) or docker (a Docker manifest list, for"
            + " registries that do not accept OCI).");
  }
}
