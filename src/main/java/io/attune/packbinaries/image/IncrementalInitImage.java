package io.attune.packbinaries.image;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.PackName;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The init image, rebuilt only when something it depends on changed: the binaries, the settings,
 * the plugin, or what the base image's tag points to now. Otherwise the images of the last build
 * stay as they are, untouched.
 */
public final class IncrementalInitImage {

  public static final String STATE_FILE = ".image-state.json";

  /**
   * What the goal did.
   *
   * @param built the new images, or null when the previous ones were up to date
   * @param platformTarballs each platform's docker-loadable tarball, built now or before
   */
  public record Outcome(InitImageResult built, Map<Platform, Path> platformTarballs) {

    public boolean upToDate() {
      return built == null;
    }

    public int platforms() {
      return platformTarballs.size();
    }
  }

  private final InitImageSettings settings;
  private final String pluginVersion;
  private final Map<String, String> environment;
  private final BuildLog log;
  private final FileDigests digests;

  /**
   * @param environment where credentials for the base image's registry may be found
   */
  public IncrementalInitImage(
      InitImageSettings settings,
      String pluginVersion,
      Map<String, String> environment,
      BuildLog log,
      FileDigests digests) {
    this.digests = digests;
    this.settings = settings;
    this.pluginVersion = pluginVersion;
    this.environment = environment;
    this.log = log;
  }

  /** The state file of the images in {@code imageDirectory}: beside it, not inside it. */
  public static Path stateFile(Path imageDirectory) {
    return imageDirectory.resolveSibling(STATE_FILE);
  }

  public Outcome build(List<ImageBinary> binaries, Path imageDirectory)
      throws PackFailure, IOException, InterruptedException {
    PackName.check(settings.pack(), PropertyNames.IMAGE_PACK);
    Path stateFile = stateFile(imageDirectory);
    String fingerprint = ImageFingerprint.of(binaries, settings, pluginVersion);
    // The registry is asked for the base's digest only when nothing local has already decided
    // that the images must be rebuilt.
    Optional<ImageState> state =
        ImageState.read(stateFile).filter(last -> last.hasFingerprint(fingerprint));
    if (state.isPresent() && state.get().filesIntact(imageDirectory, digests)) {
      Optional<String> baseDigest =
          BaseImageDigest.resolve(settings.baseImage(), allowInsecure(), environment, log);
      if (baseDigest.isPresent() && state.get().hasBaseDigest(baseDigest.get())) {
        log.info(
            "init image up to date (binaries, base image "
                + settings.baseImage()
                + "@"
                + baseDigest.get()
                + " and parameters unchanged); not rebuilt");
        return new Outcome(null, tarballs(binaries, imageDirectory));
      }
    }
    // A build that fails half-way must not leave a state that vouches for the old images.
    Files.deleteIfExists(stateFile);
    InitImageResult result = new InitImage(settings, log).build(binaries, imageDirectory);
    Optional<String> builtFrom = builtFrom(result);
    if (builtFrom.isPresent()) {
      ImageState.of(fingerprint, builtFrom.get(), result, imageDirectory, digests).write(stateFile);
    } else {
      log.debug(
          "jib did not say which digest of "
              + settings.baseImage()
              + " it built from; the next build will not be skipped");
    }
    return new Outcome(result, result.platformTarballs());
  }

  /**
   * The base digest the images were built from: as jib pulled it, or the one the reference pins
   * when jib took it from its cache. Never asked of the registry after the build: its tag may have
   * moved since, and a state naming the new digest would vouch for images of the old one.
   */
  private Optional<String> builtFrom(InitImageResult result) {
    if (result.baseDigest() != null) {
      return Optional.of(result.baseDigest());
    }
    return BaseImageDigest.pinned(settings.baseImage());
  }

  /** Where the last build put each platform's tarball: one per platform the binaries are for. */
  private static Map<Platform, Path> tarballs(List<ImageBinary> binaries, Path imageDirectory) {
    Map<Platform, Path> tarballs = new LinkedHashMap<>();
    for (ImageBinary binary : binaries) {
      Platform platform = binary.target().platform();
      tarballs.putIfAbsent(platform, imageDirectory.resolve(platform.fileName() + ".tar"));
    }
    return tarballs;
  }

  private boolean allowInsecure() {
    return new PlatformImageBuilder(settings, log).allowInsecure();
  }
}
