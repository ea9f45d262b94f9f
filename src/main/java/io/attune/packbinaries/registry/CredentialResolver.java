package io.attune.packbinaries.registry;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import io.attune.packbinaries.BuildLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds credentials for a registry the way Maven and Docker users expect: the Maven settings {@code
 * <server>} whose id is the registry host, then Docker's config file (its {@code auths}, {@code
 * credHelpers} and {@code credsStore}, read by jib-core), then none (anonymous).
 */
public final class CredentialResolver {

  /** What was found, and every source that was looked at, for the message on a refusal. */
  public record Resolution(Credentials credentials, List<String> tried) {

    public Optional<Credentials> found() {
      return Optional.ofNullable(credentials);
    }

    /** One sentence for a 401/403: what was tried and how to add credentials. */
    public String advice(String registry) {
      String how =
          " Add a <server> with <id>"
              + registry
              + "</id>, <username> and <password> to your Maven settings.xml (mvn"
              + " --encrypt-password encrypts it), or run `docker login "
              + registry
              + "`.";
      if (credentials != null) {
        return "The registry rejected " + credentials + "." + how;
      }
      return "No credentials were found (tried " + String.join("; ", tried) + ")." + how;
    }
  }

  private final Map<String, String> environment;
  private final BuildLog log;

  public CredentialResolver(Map<String, String> environment, BuildLog log) {
    this.environment = environment;
    this.log = log;
  }

  /**
   * @param fromSettings the decrypted settings.xml server for this host, or null
   */
  public Resolution resolve(ImageReference image, Credentials fromSettings) {
    List<String> tried = new ArrayList<>();
    String host = image.registry();
    if (fromSettings != null) {
      return new Resolution(fromSettings, List.of(fromSettings.source()));
    }
    tried.add("settings.xml <server> with id '" + host + "': none");
    Path config = dockerConfigFile();
    if (Files.isRegularFile(config)) {
      Optional<Credential> credential = fromDockerConfig(image, config);
      if (credential.isPresent()) {
        String source = "Docker config " + config;
        return new Resolution(
            new Credentials(credential.get().getUsername(), credential.get().getPassword(), source),
            List.of(source));
      }
      tried.add("Docker config " + config + ": no entry for " + host);
    } else {
      tried.add("Docker config " + config + ": no such file");
    }
    tried.add("anonymous");
    return new Resolution(null, tried);
  }

  /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}, as the docker CLI. */
  Path dockerConfigFile() {
    String directory = environment.get("DOCKER_CONFIG");
    if (directory != null && !directory.isBlank()) {
      return Path.of(directory, "config.json");
    }
    return Path.of(System.getProperty("user.home"), ".docker", "config.json");
  }

  private Optional<Credential> fromDockerConfig(ImageReference image, Path config) {
    try {
      com.google.cloud.tools.jib.api.ImageReference jibImage =
          com.google.cloud.tools.jib.api.ImageReference.parse(image.repositoryName());
      return CredentialRetrieverFactory.forImage(jibImage, this::onJibEvent, environment)
          .dockerConfig(config)
          .retrieve();
    } catch (InvalidImageReferenceException | CredentialRetrievalException e) {
      log.warn("Could not read credentials from " + config + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void onJibEvent(LogEvent event) {
    // jib reports which helper it ran; never a secret.
    log.debug(event.getMessage());
  }
}
