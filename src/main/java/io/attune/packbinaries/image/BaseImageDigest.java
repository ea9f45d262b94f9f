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
import java.util.concurrent.TimeUnit;

/**
 * The digest the registry gives the base image's reference now: a tag such as {@code busybox:1.36}
 * may move, and an image built from its old target is stale. One manifest HEAD request; nothing for
 * a reference pinned by digest.
 */
public final class BaseImageDigest {

  /**
   * How long an answer asked ahead may wait for its resolve. A release with nothing changed takes
   * it within a second; after a real build the image is rebuilt and never asks, and a long-lived
   * JVM (mvnd) must not take an hours-old answer in a later build.
   */
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

  record Ahead(long askedAt, CompletableFuture<Optional<String>> answer) {
    boolean fresh() {
      return System.nanoTime() - askedAt < MAX_AGE_NANOS;
    }
  }

  // Answers asked ahead (see prefetch), each taken once by the resolve it was asked for.
  static final Map<String, Ahead> AHEAD = new ConcurrentHashMap<>();

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
    Ahead mine = new Ahead(System.nanoTime(), new CompletableFuture<>());
    if (AHEAD.merge(key(baseImage, allowInsecure), mine, (old, ours) -> old.fresh() ? old : ours)
        != mine) {
      return;
    }
    Thread thread =
        new Thread(
            () -> mine.answer().complete(ask(baseImage, allowInsecure, environment, log)),
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

  static String key(String baseImage, boolean allowInsecure) {
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
    Ahead asked = AHEAD.remove(key(baseImage, allowInsecure));
    if (asked != null && asked.fresh()) {
      return asked.answer().join();
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
