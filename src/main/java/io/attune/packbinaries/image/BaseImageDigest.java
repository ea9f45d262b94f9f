package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.LoopbackHost;
import java.util.Map;
import java.util.Optional;

/**
 * The digest the registry gives the base image's reference now: a tag such as {@code busybox:1.36}
 * may move, and an image built from its old target is stale. One manifest HEAD request; nothing for
 * a reference pinned by digest.
 */
public final class BaseImageDigest {

  private BaseImageDigest() {}

  /**
   * Whether the base's registry may be reached over plain HTTP: with {@code
   * pack.allowInsecureRegistries}, or for a loopback registry, as jib allows.
   */
  static boolean allowsInsecure(String baseImage, boolean allowInsecureRegistries) {
    if (allowInsecureRegistries) {
      return true;
    }
    try {
      String registry =
          com.google.cloud.tools.jib.api.ImageReference.parse(baseImage).getRegistry();
      return LoopbackHost.is(registry.replaceFirst(":\\d+$", ""));
    } catch (InvalidImageReferenceException e) {
      return false;
    }
  }

  /** The digest {@code baseImage} is pinned to, if it names one; never asks a registry. */
  static Optional<String> pinned(String baseImage) {
    try {
      return com.google.cloud.tools.jib.api.ImageReference.parse(baseImage).getDigest();
    } catch (InvalidImageReferenceException e) {
      return Optional.empty();
    }
  }

  /**
   * @return the manifest or index digest, or empty when the registry cannot tell (offline, down,
   *     refused): then the image is rebuilt, and jib reports the real problem
   */
  static Optional<String> resolve(
      String baseImage, boolean allowInsecure, Map<String, String> environment, BuildLog log) {
    com.google.cloud.tools.jib.api.ImageReference parsed;
    try {
      parsed = com.google.cloud.tools.jib.api.ImageReference.parse(baseImage);
    } catch (InvalidImageReferenceException e) {
      return Optional.empty();
    }
    if (parsed.getDigest().isPresent()) {
      return parsed.getDigest();
    }
    String tag = parsed.getTag().orElse("latest");
    ImageReference reference =
        new ImageReference(parsed.getRegistry(), parsed.getRepository(), tag, null);
    try {
      var credentials = new CredentialResolver(environment, log).resolve(reference, null);
      // Without allowInsecure the client still falls back to plain HTTP for a loopback host only,
      // as jib does for the base image.
      try (var client =
          new HttpRegistryClient(
              reference.registry(),
              reference.repository(),
              credentials.credentials(),
              allowInsecure)) {
        // A HEAD: no body, and Docker Hub counts no HEAD against its pull rate limit, so a
        // release with nothing changed costs none of it.
        return client.manifestDigest(tag);
      }
    } catch (Exception unresolved) {
      log.debug("Could not resolve " + baseImage + " to a digest: " + unresolved);
      return Optional.empty();
    }
  }
}
