package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The base images' manifests as their registry serves them now, read once per base before the
 * supply chain's documents are made: the SBOM and the provenance name each platform's base by
 * digest. A base that cannot be read is named without one, with a warning.
 */
public final class BaseImages {

  private final Map<String, Optional<RegistryClient.Manifest>> manifests;
  private final BuildLog log;

  private BaseImages(Map<String, Optional<RegistryClient.Manifest>> manifests, BuildLog log) {
    this.manifests = manifests;
    this.log = log;
  }

  /** None read: every base is named without a digest. */
  public static BaseImages unread(BuildLog log) {
    return new BaseImages(Map.of(), log);
  }

  /** Reads the manifest of each base the layout's images name, once per base. */
  public static BaseImages read(LayoutReader.Layout layout, RegistryAccess access, BuildLog log)
      throws InterruptedException {
    return read(layout.images().stream().map(LayoutReader.Image::baseName).toList(), access, log);
  }

  /** Reads the manifest of each base named (nulls are skipped), once per base. */
  public static BaseImages read(List<String> baseNames, RegistryAccess access, BuildLog log)
      throws InterruptedException {
    Map<String, Optional<RegistryClient.Manifest>> manifests = new LinkedHashMap<>();
    for (String baseName : baseNames) {
      if (baseName != null && !manifests.containsKey(baseName)) {
        manifests.put(baseName, fetch(baseName, access, log));
      }
    }
    return new BaseImages(manifests, log);
  }

  private static Optional<RegistryClient.Manifest> fetch(
      String baseName, RegistryAccess access, BuildLog log) throws InterruptedException {
    try {
      ImageReference base = ImageReference.parse(baseName);
      // Maven's settings name the target registry's server, not the base's.
      var credentials = access.credentialsFor(base, log).credentials();
      try (RegistryClient client = access.client(base.registry(), base.repository(), credentials)) {
        return Optional.of(
            access
                .retry(log)
                .run(
                    "Reading the base image " + baseName,
                    () -> client.manifest(base.manifestReference())));
      }
    } catch (PackFailure | IOException e) {
      log.warn(
          "Could not read the base image "
              + baseName
              + " ("
              + e.getMessage()
              + "); the SBOM and provenance name it without a digest");
      return Optional.empty();
    }
  }

  /** The digest of what {@code baseName} names now (an index, or one manifest), or null. */
  String digest(String baseName) {
    return manifests
        .getOrDefault(baseName, Optional.empty())
        .map(RegistryClient.Manifest::digest)
        .orElse(null);
  }

  /** The base's manifest digest for {@code platform}, or null when it cannot be told. */
  String platformDigest(String baseName, String platform) {
    Optional<RegistryClient.Manifest> manifest = manifests.getOrDefault(baseName, Optional.empty());
    if (manifest.isEmpty()) {
      return null;
    }
    try {
      JsonNode root = Json.parse(manifest.get().content());
      if (!root.has("manifests")) {
        return manifest.get().digest();
      }
      for (JsonNode entry : root.path("manifests")) {
        JsonNode p = entry.path("platform");
        String entryPlatform =
            p.path("os").asText()
                + "/"
                + p.path("architecture").asText()
                + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
        if (entryPlatform.equals(platform)) {
          return entry.path("digest").asText();
        }
      }
    } catch (IOException unreadable) {
      log.debug("The base image's manifest is not JSON: " + unreadable.getMessage());
    }
    return null;
  }
}
