package io.attune.packbinaries.oci;

/** An OCI content descriptor: what a manifest or index says about one blob. */
public record Descriptor(String mediaType, String digest, long size) {

  /** The hex part of {@code sha256:<hex>}, the blob's file name in a layout. */
  public String hex() {
    return digest.substring(digest.indexOf(':') + 1);
  }
}
