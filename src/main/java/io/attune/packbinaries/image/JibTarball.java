package io.attune.packbinaries.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Copies the blobs of a tarball jib wrote for one platform into our layout. With OCI, jib's own
 * manifest is kept as is; with Docker, jib's tar has no manifest, so we write the v2.2 manifest jib
 * would push. Either way the caller checks its digest against jib's.
 */
final class JibTarball {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JibTarball() {}

  static PlatformManifest importInto(
      Path tarball, OciLayout layout, ManifestFormat format, TargetTriple target)
      throws IOException {
    Map<String, Descriptor> blobsByEntry = new HashMap<>();
    Map<String, byte[]> jsonFiles = new HashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarball))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        if (!entry.isFile()) {
          continue;
        }
        String name = entry.getName();
        if (name.endsWith(".json") || name.equals(OciLayout.LAYOUT_FILE)) {
          jsonFiles.put(name, tar.readAllBytes());
        } else {
          blobsByEntry.put(name, layout.addBlob(null, nonClosing(tar)));
        }
      }
    }
    return format == ManifestFormat.OCI
        ? fromOci(jsonFiles, layout, target)
        : fromDocker(jsonFiles, blobsByEntry, layout, target);
  }

  private static PlatformManifest fromOci(
      Map<String, byte[]> jsonFiles, OciLayout layout, TargetTriple target) throws IOException {
    JsonNode entry = JSON.readTree(required(jsonFiles, "index.json")).path("manifests").path(0);
    String digest = entry.path("digest").asText();
    byte[] manifestBytes = Files.readAllBytes(layout.blob(digest));
    JsonNode manifest = JSON.readTree(manifestBytes);
    Descriptor config = descriptor(manifest.path("config"));
    List<Descriptor> layers = new ArrayList<>();
    manifest.path("layers").forEach(layer -> layers.add(descriptor(layer)));
    Descriptor manifestDescriptor =
        new Descriptor(ManifestFormat.OCI.manifestMediaType(), digest, manifestBytes.length);
    return new PlatformManifest(target, manifestDescriptor, config, layers);
  }

  private static PlatformManifest fromDocker(
      Map<String, byte[]> jsonFiles,
      Map<String, Descriptor> blobsByEntry,
      OciLayout layout,
      TargetTriple target)
      throws IOException {
    JsonNode loadManifest = JSON.readTree(required(jsonFiles, "manifest.json")).path(0);
    Descriptor config =
        layout.addBlob(
            ManifestFormat.DOCKER.configMediaType(),
            required(jsonFiles, loadManifest.path("Config").asText()));
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layerFile : loadManifest.path("Layers")) {
      Descriptor blob = blobsByEntry.get(layerFile.asText());
      if (blob == null) {
        throw new IOException("jib's tarball lacks the layer " + layerFile.asText());
      }
      layers.add(
          new Descriptor(ManifestFormat.DOCKER.layerMediaType(), blob.digest(), blob.size()));
    }
    Descriptor manifest =
        layout.addBlob(
            ManifestFormat.DOCKER.manifestMediaType(), OciIndex.dockerManifest(config, layers));
    return new PlatformManifest(target, manifest, config, layers);
  }

  private static Descriptor descriptor(JsonNode node) {
    return new Descriptor(
        node.path("mediaType").asText(), node.path("digest").asText(), node.path("size").asLong());
  }

  private static byte[] required(Map<String, byte[]> files, String name) throws IOException {
    byte[] content = files.get(name);
    if (content == null) {
      throw new IOException("jib's tarball has no " + name);
    }
    return content;
  }

  // The tar stream must stay open for the next entry.
  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
