package io.attune.packbinaries.publish;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.audit.AuditReport;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.compose.ComposeFile;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.Credentials;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.supplychain.SupplyChain;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The push goal's work, free of Maven: check the compose file, find credentials, publish the
 * layout, write {@code image.json}, and optionally pin the compose file to the pushed digest.
 */
public final class ImagePush {

  /**
   * @param attempts attempts per registry step, 0 for no limit but {@code retryTimeout}
   * @param retryTimeout how long one registry step may keep retrying
   * @param settingsCredentials the decrypted settings.xml server for the registry host, or null
   * @param composeFile null to skip the check
   * @param supplyChain the SBOM, signature and provenance to attach; null for none
   * @param audit whether to audit what was pushed, as {@code verify -Dpack.image} does
   */
  public record Request(
      Path layoutDirectory,
      String image,
      List<String> tags,
      boolean allowInsecure,
      int attempts,
      Credentials settingsCredentials,
      Path composeFile,
      boolean composeUpdate,
      Path report,
      Map<String, String> environment,
      SupplyChainRequest supplyChain,
      boolean audit,
      Duration retryTimeout) {

    /** With the default {@link Retry#DEFAULT_TIMEOUT}. */
    public Request(
        Path layoutDirectory,
        String image,
        List<String> tags,
        boolean allowInsecure,
        int attempts,
        Credentials settingsCredentials,
        Path composeFile,
        boolean composeUpdate,
        Path report,
        Map<String, String> environment,
        SupplyChainRequest supplyChain,
        boolean audit) {
      this(
          layoutDirectory,
          image,
          tags,
          allowInsecure,
          attempts,
          settingsCredentials,
          composeFile,
          composeUpdate,
          report,
          environment,
          supplyChain,
          audit,
          Retry.DEFAULT_TIMEOUT);
    }
  }

  private final BuildLog log;

  public ImagePush(BuildLog log) {
    this.log = log;
  }

  public PushResult run(Request request) throws PackFailure, IOException, InterruptedException {
    ImageReference target = target(request.image());
    List<String> tags = tags(request.tags());
    ComposeFile compose = null;
    if (request.composeFile() != null) {
      compose = ComposeFile.read(request.composeFile(), ComposeFile.INIT_SERVICE);
      compose.requireRepository(
          target.repositoryName(), composeEnvironment(request.environment(), target));
    }
    LayoutReader.Layout layout = new LayoutReader().read(request.layoutDirectory());
    CredentialResolver.Resolution resolution =
        new CredentialResolver(request.environment(), log)
            .resolve(target, request.settingsCredentials());
    log.info(
        "Pushing "
            + layout.images().size()
            + " platform(s) to "
            + target.repositoryName()
            + resolution.found().map(c -> " as " + c).orElse(" anonymously"));
    RegistryClient client =
        new HttpRegistryClient(
            target.registry(),
            target.repository(),
            resolution.credentials(),
            request.allowInsecure());
    PushResult result =
        new Publisher(
                client,
                target,
                Retry.standard(request.attempts(), request.retryTimeout(), log),
                log,
                resolution.advice(target.registry()))
            .beforeTags(
                (digest, steps) -> {
                  if (request.supplyChain() != null) {
                    new SupplyChain(request.supplyChain(), client, steps, log)
                        .attach(layout, target, digest);
                  }
                })
            .push(layout, tags);
    PushReport.write(request.report(), result);
    log.info("Pushed " + result.pinnedReference());
    if (request.audit()) {
      new ImageAudit(log)
          .run(
              new ImageAudit.Request(
                  result.pinnedReference(),
                  request.allowInsecure(),
                  request.attempts(),
                  request.settingsCredentials(),
                  request.environment(),
                  request.report().resolveSibling(AuditReport.FILE_NAME)));
    }
    if (compose != null && request.composeUpdate()) {
      compose.writeImage(result.pinnedReference());
      log.info("Pinned " + compose.path() + " to " + result.pinnedReference());
    }
    return result;
  }

  /** {@code pack.image}: a repository, without tag or digest (tags come from pack.image.tags). */
  public static ImageReference target(String image) throws PackFailure {
    if (image == null || image.isBlank()) {
      throw new PackFailure(DeployPreflight.MISSING_IMAGE);
    }
    ImageReference target = ImageReference.parse(image);
    if (target.tag() != null || target.digest() != null) {
      throw new PackFailure(
          "pack.image="
              + image
              + " names a tag or digest; give the repository only ("
              + target.repositoryName()
              + ") and the tags with pack.image.tags");
    }
    return target;
  }

  static List<String> tags(List<String> tags) throws PackFailure {
    if (tags == null || tags.isEmpty()) {
      throw new PackFailure(
          "No tag to push; set pack.image.tags (it defaults to the project version)");
    }
    for (String tag : tags) {
      if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        throw new PackFailure(
            "'" + tag + "' in pack.image.tags is not a valid tag (letters, digits, '_', '.', '-')");
      }
    }
    return List.copyOf(tags);
  }

  /** The environment compose would see, with ATTUNE_REGISTRY defaulting to the pushed host. */
  static Map<String, String> composeEnvironment(
      Map<String, String> environment, ImageReference target) {
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent("ATTUNE_REGISTRY", target.registry());
    return env;
  }

  /** The default compose file when it exists, a configured one always (so a typo fails). */
  public static Path composeFileToCheck(Path configured, Path defaultPath, BuildLog log)
      throws PackFailure {
    if (configured != null) {
      if (!Files.isRegularFile(configured)) {
        throw new PackFailure(
            "pack.compose.file="
                + configured
                + " does not exist; point it at the"
                + " distributable docker-compose.yaml");
      }
      return configured;
    }
    if (Files.isRegularFile(defaultPath)) {
      return defaultPath;
    }
    log.info(
        "No " + defaultPath + "; not checking a compose file (set pack.compose.file to check one)");
    return null;
  }
}
