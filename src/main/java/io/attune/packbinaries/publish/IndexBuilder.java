package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index goal: one OCI image index over single-platform images that other jobs already pushed
 * (one native CI runner per architecture). First every image is checked: it exists and its
 * platform, read from its config, matches the one claimed. Only then are its blobs and manifest
 * copied into the target repository when they live elsewhere; then the index by digest, then the
 * tags.
 */
public final class IndexBuilder {

  /** {@code reference[=os/arch[/variant]]}, as given in pack.index.images. */
  public record Source(ImageReference reference, Platform claimed) {

    public static Source parse(String text) throws PackFailure {
      String[] parts = text.trim().split("=", 2);
      Platform claimed = null;
      if (parts.length == 2) {
        try {
          claimed = Platform.parse(parts[1]);
        } catch (IllegalArgumentException e) {
          throw new PackFailure(PropertyNames.INDEX_IMAGES + ": " + e.getMessage());
        }
      }
      return new Source(ImageReference.parse(parts[0]), claimed);
    }
  }

  /**
   * The index goal's inputs, free of Maven, as {@link ImagePush.Request} is the push goal's.
   *
   * @param image the target repository ({@code pack.image})
   * @param sources {@code pack.index.images}, one image each
   * @param access the registry's credentials, retries and the goal's connections
   */
  public record Request(
      String image, List<String> sources, List<String> tags, RegistryAccess access, Path report) {}

  /**
   * The index goal: resolves credentials, checks and copies every source, pushes the index and its
   * tags, and writes {@code image.json}.
   */
  public static PushResult run(Request request, BuildLog log)
      throws PackFailure, IOException, InterruptedException {
    ImageReference target = ImagePush.target(request.image());
    List<String> tags = ImagePush.tags(request.tags());
    List<Source> sources = new ArrayList<>();
    for (String source : request.sources()) {
      sources.add(Source.parse(source));
    }
    CredentialResolver.Resolution resolution = request.access().credentialsFor(target, log);
    List<RegistryClient> opened = new ArrayList<>();
    IndexBuilder builder =
        new IndexBuilder(
            (registry, repository) -> {
              RegistryClient client =
                  request.access().client(registry, repository, resolution.credentials());
              opened.add(client);
              return client;
            },
            request.access().retry(log),
            log);
    Path temp = Files.createTempDirectory("pack-binaries-index");
    try {
      PushResult result =
          builder.build(sources, target, tags, resolution.advice(target.registry()), temp);
      PushReport.write(request.report(), result);
      log.info("Pushed " + result.pinnedReference());
      return result;
    } finally {
      opened.forEach(RegistryClient::close);
      // A failed copy leaves a downloaded blob behind; failing to clean it up must not hide
      // the failure.
      try {
        Directories.deleteRecursively(temp);
      } catch (IOException e) {
        log.debug("Could not delete " + temp + ": " + e);
      }
    }
  }

  /** Makes a client for a repository of a registry (credentials are the caller's business). */
  @FunctionalInterface
  public interface Clients {
    RegistryClient forRepository(String registry, String repository);
  }

  private final Clients clients;
  private final Retry retry;
  private final BuildLog log;

  public IndexBuilder(Clients clients, Retry retry, BuildLog log) {
    this.clients = clients;
    this.retry = retry;
    this.log = log;
  }

  public PushResult build(
      List<Source> sources,
      ImageReference target,
      List<String> tags,
      String refusalAdvice,
      Path temp)
      throws PackFailure, IOException, InterruptedException {
    if (sources.isEmpty()) {
      throw new PackFailure(
          PropertyNames.INDEX_IMAGES
              + " is empty; list the per-architecture images, e.g. -D"
              + PropertyNames.INDEX_IMAGES
              + "=REGISTRY/attune/pack-binaries-init@sha256:…=linux/arm64,…");
    }
    // Every source is checked before anything is copied: a wrong claim on the last image must not
    // leave the earlier ones' manifests in the target repository.
    List<CheckedImage> checked = new ArrayList<>();
    Map<String, String> platforms = new LinkedHashMap<>();
    for (Source source : sources) {
      CheckedImage image = check(source, target, refusalAdvice);
      if (platforms.containsKey(image.platform().toString())) {
        throw new PackFailure(
            "Two images for "
                + image.platform()
                + " in "
                + PropertyNames.INDEX_IMAGES
                + "; keep one per platform");
      }
      platforms.put(image.platform().toString(), image.manifest().digest());
      checked.add(image);
    }
    RegistryClient destination = clients.forRepository(target.registry(), target.repository());
    List<OciIndex.Entry> entries = new ArrayList<>();
    for (CheckedImage image : checked) {
      copy(image, destination, target, refusalAdvice, temp);
      RegistryClient.Manifest manifest = image.manifest();
      entries.add(
          new OciIndex.Entry(
              new Descriptor(manifest.mediaType(), manifest.digest(), manifest.content().length),
              image.platform(),
              Map.of()));
      log.info(
          "Index entry "
              + image.platform()
              + ": "
              + image.reference().repositoryName()
              + "@"
              + manifest.digest());
    }
    byte[] indexBytes = OciIndex.index(ManifestFormat.OCI, entries, Map.of());
    String indexDigest = "sha256:" + Sha256.of(indexBytes);
    Publisher publisher = new Publisher(destination, target, retry, log, refusalAdvice);
    publisher.publishIndex(MediaTypes.OCI_INDEX, indexBytes, indexDigest);
    publisher.tag(MediaTypes.OCI_INDEX, indexBytes, indexDigest, tags);
    return new PushResult(
        target.repositoryName(), List.copyOf(tags), indexDigest, platforms, 0, 0, 0, 0, 0);
  }

  /** A source image that exists, is a single-platform image and is of the platform claimed. */
  private record CheckedImage(
      ImageReference reference,
      RegistryClient client,
      RegistryClient.Manifest manifest,
      JsonNode parsed,
      Platform platform) {}

  /** Reads the source's manifest and config; changes nothing in any registry. */
  private CheckedImage check(Source source, ImageReference target, String refusalAdvice)
      throws PackFailure, IOException, InterruptedException {
    ImageReference image = source.reference();
    if (!image.registry().equals(target.registry())) {
      throw new PackFailure(
          image
              + " is on another registry than "
              + target.repositoryName()
              + "; the index goal copies within one registry");
    }
    RegistryClient from = clients.forRepository(image.registry(), image.repository());
    RegistryClient.Manifest manifest = readManifest(from, image, refusalAdvice);
    if (!MediaTypes.IMAGES.contains(manifest.mediaType())) {
      throw new PackFailure(
          image
              + " is a "
              + manifest.mediaType()
              + ", not a single-platform image; name one"
              + " platform's image (REPOSITORY@sha256:…)");
    }
    JsonNode parsed = Json.parse(manifest.content());
    String configDigest = parsed.path("config").path("digest").asText();
    JsonNode config =
        Json.parse(
            step(
                "Reading the config of " + image,
                image.registry(),
                refusalAdvice,
                () -> from.blob(configDigest)));
    Platform actual =
        new Platform(
            config.path("os").asText(),
            config.path("architecture").asText(),
            config.path("variant").asText(null));
    if (source.claimed() != null && !sameAs(source.claimed(), actual)) {
      throw new PackFailure(
          image
              + " is claimed to be "
              + source.claimed()
              + " but its config says "
              + actual
              + "; fix "
              + PropertyNames.INDEX_IMAGES);
    }
    return new CheckedImage(image, from, manifest, parsed, actual);
  }

  /** The image's blobs (when in another repository), then its manifest, into the target. */
  private void copy(
      CheckedImage image,
      RegistryClient destination,
      ImageReference target,
      String refusalAdvice,
      Path temp)
      throws PackFailure, IOException, InterruptedException {
    if (!image.reference().repository().equals(target.repository())) {
      List<JsonNode> blobs = new ArrayList<>();
      blobs.add(image.parsed().path("config"));
      image.parsed().path("layers").forEach(blobs::add);
      for (JsonNode blob : blobs) {
        copyBlob(
            image.client(),
            destination,
            blob.path("digest").asText(),
            blob.path("size").asLong(-1),
            image.reference(),
            temp,
            refusalAdvice);
      }
    }
    RegistryClient.Manifest manifest = image.manifest();
    String digest = manifest.digest();
    if (!step(
        "Checking manifest " + digest,
        target.registry(),
        refusalAdvice,
        () -> destination.hasManifest(digest))) {
      step(
          "Pushing manifest of " + image.platform() + " to " + target.repositoryName(),
          target.registry(),
          refusalAdvice,
          () -> {
            destination.putManifest(digest, manifest.mediaType(), manifest.content());
            return null;
          });
    }
  }

  /** A variant the image does not state (arm64's v8) is not a mismatch. */
  private static boolean sameAs(Platform claimed, Platform actual) {
    return claimed.os().equals(actual.os())
        && claimed.architecture().equals(actual.architecture())
        && (claimed.variant() == null
            || actual.variant() == null
            || claimed.variant().equals(actual.variant()));
  }

  /** A manifest the user named; a 404 is their input to fix, not a broken registry. */
  private RegistryClient.Manifest readManifest(
      RegistryClient from, ImageReference image, String refusalAdvice)
      throws PackFailure, IOException, InterruptedException {
    try {
      return step(
          "Reading " + image,
          image.registry(),
          refusalAdvice,
          () -> from.manifest(image.manifestReference()));
    } catch (IOException e) {
      if (e.getCause() instanceof RegistryException registry && registry.status() == 404) {
        throw new PackFailure(
            image
                + " does not exist in "
                + image.registry()
                + "; fix "
                + PropertyNames.INDEX_IMAGES
                + " (push each architecture's image first)",
            e);
      }
      throw e;
    }
  }

  private <T> T step(String what, String registry, String refusalAdvice, Retry.Step<T> step)
      throws PackFailure, IOException, InterruptedException {
    log.debug(what);
    return new RegistrySteps(retry, registry, refusalAdvice).run(what, step);
  }

  private void copyBlob(
      RegistryClient from,
      RegistryClient to,
      String digest,
      long size,
      ImageReference image,
      Path temp,
      String refusalAdvice)
      throws PackFailure, IOException, InterruptedException {
    if (step(
        "Checking blob " + digest, image.registry(), refusalAdvice, () -> to.hasBlob(digest))) {
      return;
    }
    if (step(
        "Mounting blob " + digest + " from " + image.repository(),
        image.registry(),
        refusalAdvice,
        () -> to.mountBlob(digest, image.repository()))) {
      return;
    }
    Path file = temp.resolve(digest.replace(':', '-'));
    step(
        "Downloading blob " + digest + " of " + image,
        image.registry(),
        refusalAdvice,
        () -> {
          from.downloadBlob(digest, size, file);
          return null;
        });
    step(
        "Pushing blob " + digest,
        image.registry(),
        refusalAdvice,
        () -> {
          to.pushBlob(digest, file);
          return null;
        });
    Files.deleteIfExists(file);
  }
}
