package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.artifacts.ArtifactLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What a push attaches besides the image, and from what.
 *
 * @param sbom whether to attach a CycloneDX SBOM to each platform's manifest
 * @param signingKey a PEM PKCS#8 EC P-256 key; null to sign nothing and attach no provenance
 * @param passphrase the key's passphrase, or null
 * @param artifacts where the build, verify and image goals left their outputs
 * @param sourceDirectory where git is asked for the commit
 * @param coordinates the Maven project's {@code groupId:artifactId:version}
 * @param properties the invocation's {@code pack.*} properties (secrets are dropped)
 * @param timestamp the SBOM's time, from SOURCE_DATE_EPOCH or project.build.outputTimestamp
 */
public record SupplyChainRequest(
    boolean sbom,
    Path signingKey,
    Secret passphrase,
    ArtifactLayout artifacts,
    Path sourceDirectory,
    String pluginVersion,
    String coordinates,
    Map<String, String> properties,
    Instant timestamp) {

  public SupplyChainRequest {
    properties = Map.copyOf(properties);
  }

  public boolean signs() {
    return signingKey != null;
  }

  public boolean attachesAnything() {
    return sbom || signs();
  }
}
