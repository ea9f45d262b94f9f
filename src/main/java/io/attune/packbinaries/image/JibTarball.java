package io.attune.packbinaries.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Shown;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.FilterInputStream;
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
 *
 * <p>The tarball is read as untrusted input: every blob is named by the digest of its bytes, never
 * by an entry name or a digest the tarball claims, and a digest the manifest names must be one of
 * the blobs just copied. Anything malformed is a PackFailure naming the tarball.
 */
final class JibTarball {

  /** Registries refuse manifests over 4 MiB; jib's JSON files are a few KB. */
  static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

  private static final String REBUILD = "delete it and rebuild the image (mvn clean package)";

  private final Path tarball;
  private final OciLayout layout;
  private final Map<String, Descriptor> blobsByEntry = new HashMap<>();
  private final Map<String, Descriptor> blobsByDigest = new HashMap<>();
  private final Map<String, byte[]> jsonFiles = new HashMap<>();

  private JibTarball(Path tarball, OciLayout layout) {
    this.tarball = tarball;
    this.layout = layout;
  }

  static PlatformManifest importInto(
      Path tarball, OciLayout layout, ManifestFormat format, TargetTriple target)
      throws PackFailure, IOException {
    JibTarball jib = new JibTarball(tarball, layout);
    jib.copyEntries();
    return format == ManifestFormat.OCI ? jib.fromOci(target) : jib.fromDocker(target);
  }

  private void copyEntries() throws PackFailure, IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarball))) {
      InputStream entryContent = tarReads(tar);
      for (TarArchiveEntry entry; (entry = nextEntry(tar)) != null; ) {
        String name = entry.getName();
        if (!entry.isFile() || name.equals(OciLayout.LAYOUT_FILE)) {
          continue;
        }
        if (name.endsWith(".json")) {
          if (entry.getSize() > MAX_JSON_BYTES) {
            throw fail(shown(name) + " is larger than " + MAX_JSON_BYTES + " bytes");
          }
          jsonFiles.put(name, entryContent.readAllBytes());
        } else {
          Descriptor blob = layout.addBlob(null, entryContent);
          blobsByEntry.put(name, blob);
          blobsByDigest.put(blob.digest(), blob);
        }
      }
    } catch (DamagedTar e) {
      throw fail("it is not a readable tar archive (" + e.getMessage() + ")");
    }
  }

  /** A tar format error, told apart from a failure to write the layout. */
  private static final class DamagedTar extends IOException {
    DamagedTar(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  // commons-compress reports a damaged header as an IOException or an IllegalArgumentException.
  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws DamagedTar {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new DamagedTar(e);
    }
  }

  // The current entry's bytes; the tar stream stays open for the next entry.
  private static InputStream tarReads(InputStream tar) {
    return new FilterInputStream(tar) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException | IllegalArgumentException e) {
          throw new DamagedTar(e);
        }
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
          return super.read(buffer, offset, length);
        } catch (IOException | IllegalArgumentException e) {
          throw new DamagedTar(e);
        }
      }

      @Override
      public void close() {}
    };
  }

  private PlatformManifest fromOci(TargetTriple target) throws PackFailure, IOException {
    JsonNode manifests = json("index.json").path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw fail("index.json lists no manifest");
    }
    String digest = copiedBlob(manifests.get(0), "index.json").digest();
    byte[] manifestBytes = Files.readAllBytes(layout.blob(digest));
    JsonNode manifest = parse(manifestBytes, "the manifest " + digest);
    Descriptor config = descriptor(manifest.path("config"), "the manifest's config");
    JsonNode layerNodes = manifest.path("layers");
    if (!layerNodes.isArray()) {
      throw fail("the manifest " + digest + " has no layers array");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : layerNodes) {
      layers.add(descriptor(layer, "a layer of the manifest"));
    }
    Descriptor manifestDescriptor =
        new Descriptor(ManifestFormat.OCI.manifestMediaType(), digest, manifestBytes.length);
    return new PlatformManifest(target, manifestDescriptor, config, layers);
  }

  private PlatformManifest fromDocker(TargetTriple target) throws PackFailure, IOException {
    JsonNode loadManifest = json("manifest.json").path(0);
    String configName = loadManifest.path("Config").asText("");
    byte[] configBytes = jsonFiles.get(configName);
    if (configBytes == null) {
      throw fail(
          "manifest.json names no config file the tarball holds ('" + shown(configName) + "')");
    }
    Descriptor config = layout.addBlob(ManifestFormat.DOCKER.configMediaType(), configBytes);
    JsonNode layerFiles = loadManifest.path("Layers");
    if (!layerFiles.isArray()) {
      throw fail("manifest.json has no Layers array");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layerFile : layerFiles) {
      Descriptor blob = blobsByEntry.get(layerFile.asText(""));
      if (blob == null) {
        throw fail("it lacks the layer '" + shown(layerFile.asText("")) + "'");
      }
      layers.add(
          new Descriptor(ManifestFormat.DOCKER.layerMediaType(), blob.digest(), blob.size()));
    }
    Descriptor manifest =
        layout.addBlob(
            ManifestFormat.DOCKER.manifestMediaType(), OciIndex.dockerManifest(config, layers));
    return new PlatformManifest(target, manifest, config, layers);
  }

  /** A descriptor of one of the blobs copied from this tarball, with its media type and size. */
  private Descriptor descriptor(JsonNode node, String what) throws PackFailure {
    Descriptor blob = copiedBlob(node, what);
    String mediaType = node.path("mediaType").asText("");
    if (mediaType.isEmpty() || node.path("size").asLong(-1) != blob.size()) {
      throw fail(what + " " + blob.digest() + " has no media type or another size than its blob");
    }
    return new Descriptor(mediaType, blob.digest(), blob.size());
  }

  private Descriptor copiedBlob(JsonNode node, String what) throws PackFailure {
    String text = node.path("digest").isTextual() ? node.path("digest").asText() : null;
    String problem = Digest.problem(text);
    if (problem != null) {
      throw fail(what + ": " + problem);
    }
    Digest digest = Digest.parseTrusted(text);
    Descriptor blob = blobsByDigest.get(digest.toString());
    if (blob == null) {
      throw fail(what + " names " + digest + ", a blob the tarball does not hold");
    }
    return blob;
  }

  private JsonNode json(String name) throws PackFailure {
    byte[] content = jsonFiles.get(name);
    if (content == null) {
      throw fail("it has no " + name);
    }
    return parse(content, name);
  }

  private JsonNode parse(byte[] content, String what) throws PackFailure {
    try {
      return Json.parse(content);
    } catch (JsonProcessingException e) {
      throw fail(what + " is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw fail(what + " cannot be read (" + e.getMessage() + ")");
    }
  }

  private PackFailure fail(String problem) {
    return new PackFailure(
        "jib's image tarball " + tarball + " is damaged: " + problem + "; " + REBUILD);
  }

  private static String shown(String text) {
    return Shown.printable(text, 80);
  }
}
