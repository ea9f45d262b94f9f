package io.attune.packbinaries.oci;

import java.util.Set;

/** The media types of OCI and Docker v2.2 images, manifests and indexes, in one place. */
public final class MediaTypes {

  private MediaTypes() {}

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Multi-platform manifests. */
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_LIST);

  /** Single-platform image manifests. */
  public static final Set<String> IMAGES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /** The Accept header of a manifest request. */
  public static final String ACCEPT_ALL =
      String.join(",", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);
}
