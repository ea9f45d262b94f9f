package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.LoopbackHost;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The digest the registry gives the base image's reference now: a tag such as {@code busybox:1.36}
 * may move, and an image built from its old target is stale. One manifest HEAD request; nothing for
 * a reference pinned by digest.
 */
public final class BaseImageDigest {

  // Answers asked ahead (see prefetch), each taken once by the resolve it was asked for.
  private static final Map<String, CompletableFuture<Optional<String>>> AHEAD =
      new ConcurrentHashMap<>();

  private BaseImageDigest() {}

  /**
   * Starts asking, on a thread of its own, what {@link #resolve} will ask for the same base and
   * settings: the build goal calls it when the image goal follows in the same run, so the image
   * goal of a release with nothing changed finds the answer waiting instead of paying a fresh JVM's
   * first registry request. Only a HEAD, which Docker Hub does not count as a pull, so a run whose
   * image is rebuilt after all wastes nothing; a base pinned by digest asks nothing.
   */
  public static void prefetch(
      String baseImage,
      boolean allowInsecureRegistries,
      Map<String, String> environment,
      BuildLog log) {
    if (baseImage == null || pinned(baseImage).isPresent()) {
      return;
    }
    boolean allowInsecure = allowsInsecure(baseImage, allowInsecureRegistries);
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    if (AHEAD.putIfAbsent(key(baseImage, allowInsecure), answer) != null) {
      return;
    }
    Thread thread =
        new Thread(
            () -> answer.complete(ask(baseImage, allowInsecure, environment, log)),
            "pack-binaries-base-digest");
    thread.setDaemon(true);
    thread.start();
  }

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

  private static String key(String baseImage, boolean allowInsecure) {
    return baseImage + (allowInsecure ? " insecure" : "");
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
    CompletableFuture<Optional<String>> asked = AHEAD.remove(key(baseImage, allowInsecure));
    if (asked != null) {
      return asked.join();
    }
    return ask(baseImage, allowInsecure, environment, log);
  }

  private static Optional<String> ask(
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
