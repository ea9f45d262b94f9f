package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.publish.ReleaseTags;
import io.attune.packbinaries.registry.Credentials;
import io.attune.packbinaries.supplychain.Secret;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the goals that publish a release share (push, and index over a split release's parts): the
 * compose file they check, the audit before the tags, and the supply chain they attach.
 */
public abstract class AbstractPublishMojo extends AbstractRegistryMojo {

  /**
   * The tags of the index, written last. Default: the project version, and {@code latest} too for a
   * release version (a -SNAPSHOT version writes only itself).
   */
  @Parameter(property = PropertyNames.IMAGE_TAGS)
  protected List<String> tags;

  /**
   * The distributable compose file whose {@code init-pack-binaries} service must pull the pushed
   * repository. Default {@code docker/distributable/docker-compose.yaml}, checked when it exists.
   */
  @Parameter(property = PropertyNames.COMPOSE_FILE)
  protected File composeFile;

  /**
   * Audits what was pushed, as the audit goal does, after the index is in the registry and before
   * it is signed or tagged: every platform's binaries read back from the registry must be static
   * and of that platform's architecture, or the push fails and writes no tag. Writes {@code
   * audit-report.json}.
   */
  @Parameter(property = PropertyNames.PUSH_AUDIT, defaultValue = "true")
  protected boolean audit;

  /** Attaches a CycloneDX SBOM to each platform's manifest. */
  @Parameter(property = PropertyNames.SBOM, defaultValue = "true")
  protected boolean sbom;

  /**
   * A PEM PKCS#8 EC P-256 key: signs the index (cosign format, tag {@code sha256-<hex>.sig}) and
   * the SLSA provenance. An encrypted key's passphrase comes from the settings.xml {@code <server>}
   * {@code pack-binaries-signing}, or from the environment variable {@link #passphraseEnv} names.
   */
  @Parameter(property = PropertyNames.SIGN_KEY)
  protected File signKey;

  /** The name (not the value) of an environment variable holding the key's passphrase. */
  @Parameter(property = PropertyNames.SIGN_PASSPHRASE_ENV)
  protected String passphraseEnv;

  /** The tags this run writes: the configured ones (entries split at commas), or the defaults. */
  protected List<String> tagList() {
    return ReleaseTags.toPush(configuredTags(), projectVersion);
  }

  /** The tags a release of this project writes. */
  protected List<String> releaseTagList() {
    return ReleaseTags.ofRelease(configuredTags(), projectVersion);
  }

  /** pack.image.tags, entries split at commas; empty when not set. */
  protected List<String> configuredTagList() {
    return configuredTags();
  }

  private List<String> configuredTags() {
    return tags == null ? List.of() : tags.stream().flatMap(t -> splitList(t).stream()).toList();
  }

  /** The compose file to check: the configured one, else the default one where it exists. */
  protected Path composeFileToCheck(Path basedir) throws PackFailure {
    return io.attune.packbinaries.publish.ImagePush.composeFileToCheck(
        composeFile == null ? null : composeFile.toPath(),
        basedir.resolve("docker/distributable/docker-compose.yaml"),
        buildLog());
  }

  /** The supply chain this goal attaches, of the project at {@code sourceDirectory}. */
  protected SupplyChainRequest supplyChain(
      Path sourceDirectory, String coordinates, Instant timestamp) throws PackFailure {
    Map<String, String> properties = new TreeMap<>();
    for (Properties source : List.of(project.getProperties(), session.getUserProperties())) {
      source.stringPropertyNames().stream()
          .filter(name -> name.startsWith("pack."))
          .forEach(name -> properties.put(name, source.getProperty(name)));
    }
    return new SupplyChainRequest(
        sbom,
        signKey == null ? null : signKey.toPath(),
        signKey == null ? null : passphrase(),
        layout(),
        sourceDirectory,
        pluginVersion,
        coordinates,
        properties,
        timestamp);
  }

  /** From settings.xml first, then the named environment variable; never from a property. */
  private Secret passphrase() throws PackFailure {
    Credentials server = settingsCredentials(PropertyNames.SIGNING_SERVER_ID);
    if (server != null && server.password() != null) {
      return Secret.of(server.password());
    }
    if (passphraseEnv == null || passphraseEnv.isBlank()) {
      return null;
    }
    String value = System.getenv(passphraseEnv);
    if (value == null) {
      throw new PackFailure(
          PropertyNames.SIGN_PASSPHRASE_ENV
              + " names the environment variable "
              + passphraseEnv
              + ", which is not set; export it, or drop the property for an unencrypted key");
    }
    return Secret.of(value);
  }
}
