package io.attune.packbinaries.registry;

import io.attune.packbinaries.BuildLog;
import java.time.Duration;
import java.util.Map;

/**
 * How a goal reaches registries, shared by the push, the audit and the index: the goal's
 * connections, whether plain HTTP and unverified TLS are allowed, how long and how often a step is
 * retried, the credentials from Maven's settings and the environment credentials are looked up in.
 *
 * @param allowInsecure plain HTTP and unverified TLS for any registry (loopback ones may use plain
 *     HTTP anyway)
 * @param sendCredentialsOverHttp credentials may go over plain HTTP to a host that is not this
 *     machine ({@code pack.sendCredentialsOverHttp}); without it they never do
 * @param maxAttempts 0 for no limit but {@code retryTimeout}
 * @param settingsCredentials the image registry's {@code <server>} entry, or null
 */
public record RegistryAccess(
    RegistryConnections connections,
    boolean allowInsecure,
    boolean sendCredentialsOverHttp,
    int maxAttempts,
    Duration retryTimeout,
    Credentials settingsCredentials,
    Map<String, String> environment) {

  public RegistryAccess {
    environment = Map.copyOf(environment);
  }

  /** Who {@code reference}'s registry is asked as: settings, then Docker's config and helpers. */
  public CredentialResolver.Resolution credentialsFor(ImageReference reference, BuildLog log) {
    return new CredentialResolver(environment, log).resolve(reference, settingsCredentials);
  }

  /** A client of {@code repository} on {@code registry}, over the goal's connections. */
  public HttpRegistryClient client(String registry, String repository, Credentials credentials) {
    return new HttpRegistryClient(
        connections, registry, repository, credentials, allowInsecure, sendCredentialsOverHttp);
  }

  /**
   * The standard bounded retry with this access's limits; a step still reading a body of these
   * connections when its time is up ends then.
   */
  public Retry retry(BuildLog log) {
    return Retry.standard(maxAttempts, retryTimeout, log).stoppingBodiesOf(connections);
  }
}
