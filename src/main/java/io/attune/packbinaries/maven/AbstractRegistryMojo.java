package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.registry.Credentials;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.Retry;
import java.time.Duration;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What the goals that talk to a registry (push, index, audit) share: the image, and how to reach
 * the registry: credentials from settings.xml, insecure access, retries.
 */
public abstract class AbstractRegistryMojo extends AbstractGoalMojo {

  /**
   * The image: for push and index, the repository to publish to, with its registry host ({@code
   * registry.example.com/attune/pack-binaries-init}); for audit, the published image to audit (a
   * tag or digest of it).
   */
  @Parameter(property = PropertyNames.IMAGE)
  protected String image;

  /**
   * At most this many attempts per registry step on lost connections, 429 and 5xx; 0 (the default)
   * sets no limit but {@code pack.push.retryTimeout}.
   */
  @Parameter(property = PropertyNames.PUSH_RETRIES, defaultValue = "0")
  protected int retries;

  /**
   * How long one registry step (a request, or one blob's upload) keeps retrying lost connections,
   * 429 and 5xx, with backoff, before the push fails: {@code 2m}, {@code 90s}, {@code PT5M}.
   */
  @Parameter(property = PropertyNames.PUSH_RETRY_TIMEOUT, defaultValue = "2m")
  protected String retryTimeout;

  @Parameter(defaultValue = "${settings}", readonly = true, required = true)
  protected Settings settings;

  @Component protected SettingsDecrypter settingsDecrypter;

  protected int retries() throws PackFailure {
    if (retries < 0) {
      throw new PackFailure(
          PropertyNames.PUSH_RETRIES
              + "="
              + retries
              + " is negative; give the most attempts per step, or 0 for no limit but "
              + PropertyNames.PUSH_RETRY_TIMEOUT);
    }
    return retries;
  }

  protected Duration retryTimeout() throws PackFailure {
    return Retry.parseTimeout(retryTimeout);
  }

  /** How this goal reaches {@code registryHost}: its settings.xml server, retries, connections. */
  protected RegistryAccess access(GoalContext goal, String registryHost) throws PackFailure {
    return new RegistryAccess(
        goal.registries(),
        allowInsecureRegistries,
        sendCredentialsOverHttp,
        retries(),
        retryTimeout(),
        settingsCredentials(registryHost),
        System.getenv());
  }

  /** The settings.xml server whose id is the registry host, decrypted; null when there is none. */
  protected Credentials settingsCredentials(String host) throws PackFailure {
    return ServerCredentials.lookup(settings, settingsDecrypter, host);
  }
}
