package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.registry.Credentials;
import java.util.List;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What the goals that write to a registry (push, index) share: the repository and its tags, and how
 * to reach the registry: credentials from settings.xml, insecure access, retries.
 */
public abstract class AbstractRegistryMojo extends AbstractPackMojo {

  /**
   * The repository to push to, with its registry host: {@code
   * registry.example.com/attune/pack-binaries-init}.
   */
  @Parameter(property = PropertyNames.IMAGE)
  protected String image;

  /** The tags of the index, written last; {@code latest} only when listed here. */
  @Parameter(property = PropertyNames.IMAGE_TAGS, defaultValue = "${project.version}")
  protected List<String> tags;

  /**
   * Allows plain HTTP and unverified TLS (for test registries); loopback hosts may use HTTP anyway.
   */
  @Parameter(property = PropertyNames.ALLOW_INSECURE_REGISTRIES, defaultValue = "false")
  protected boolean allowInsecureRegistries;

  /** Attempts per registry request on lost connections, 429 and 5xx. */
  @Parameter(property = PropertyNames.PUSH_RETRIES, defaultValue = "5")
  protected int retries;

  @Parameter(defaultValue = "${settings}", readonly = true, required = true)
  protected Settings settings;

  @Component protected SettingsDecrypter settingsDecrypter;

  /** The tags, each list entry split at commas. */
  protected List<String> tagList() {
    return tags == null ? List.of() : tags.stream().flatMap(t -> splitList(t).stream()).toList();
  }

  /** The settings.xml server whose id is the registry host, decrypted; null when there is none. */
  protected Credentials settingsCredentials(String host) throws PackFailure {
    return ServerCredentials.lookup(settings, settingsDecrypter, host);
  }
}
