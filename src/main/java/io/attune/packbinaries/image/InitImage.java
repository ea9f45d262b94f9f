package io.attune.packbinaries.image;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The multi-platform init image: one jib image per target platform, each with only its own
 * binaries, gathered into one OCI layout whose index we write. Writes, under the image directory:
 *
 * <pre>
 *   &lt;os&gt;-&lt;arch&gt;[-variant].tar     one platform's image, for docker load
 *   layout/                      the OCI layout: index.json → our index → every platform
 *   pack-binaries-init.oci.tar   that layout as one archive
 * </pre>
 */
public final class InitImage {

  public static final String LAYOUT_DIRECTORY = "layout";
  public static final String LAYOUT_ARCHIVE = "pack-binaries-init.oci.tar";

  private final InitImageSettings settings;
  private final BuildLog log;

  public InitImage(InitImageSettings settings, BuildLog log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Builds every platform's image into a staging directory beside {@code imageDirectory} and only
   * then swaps it in: a failed build leaves the previous images as they were.
   */
  public InitImageResult build(List<ImageBinary> binaries, Path imageDirectory)
      throws PackFailure, IOException, InterruptedException {
    Map<TargetTriple, List<ImageBinary>> byTarget = byTarget(binaries);
    String name = imageDirectory.getFileName().toString();
    Path staging = imageDirectory.resolveSibling("." + name + ".partial");
    Path previous = imageDirectory.resolveSibling("." + name + ".previous");
    Directories.deleteRecursively(staging);
    try {
      InitImageResult staged = buildInto(byTarget, staging, imageDirectory);
      Directories.deleteRecursively(previous);
      if (Files.exists(imageDirectory)) {
        Files.move(imageDirectory, previous, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, imageDirectory, StandardCopyOption.ATOMIC_MOVE);
      Directories.deleteRecursively(previous);
      return staged.relocated(staging, imageDirectory);
    } catch (PackFailure | IOException | InterruptedException | RuntimeException | Error failure) {
      // The build's failure is what the user needs to read, not a failed clean-up after it.
      try {
        Directories.deleteRecursively(staging);
      } catch (IOException cleanUp) {
        failure.addSuppressed(cleanUp);
      }
      throw failure;
    }
  }

  /** Builds into {@code imageDirectory}; messages name the files where they will end up. */
  private InitImageResult buildInto(
      Map<TargetTriple, List<ImageBinary>> byTarget, Path imageDirectory, Path finalDirectory)
      throws PackFailure, IOException, InterruptedException {
    Path work = imageDirectory.resolve(".work");
    OciLayout layout = OciLayout.createEmpty(imageDirectory.resolve(LAYOUT_DIRECTORY));
    for (Map.Entry<TargetTriple, List<ImageBinary>> entry : byTarget.entrySet()) {
      TargetTriple target = entry.getKey();
      log.info(
          "Building the "
              + target.platform()
              + " image ("
              + target.name()
              + ": "
              + entry.getValue().stream()
                  .map(b -> b.pack() == null ? b.name() : b.pack() + "/" + b.name())
                  .collect(Collectors.joining(", "))
              + ") from "
              + settings.baseImage());
    }
    Map<TargetTriple, PlatformImageBuilder.JibBuild> builds =
        ConcurrentJibBuilds.run(new PlatformImageBuilder(settings, log), byTarget, work);

    // Each platform's blobs into the layout and its tarball, at once; the results are taken in
    // platform order, so the layout, the index and every archive come out byte for byte the same
    // whichever finished first.
    Map<String, String> archiveDigests = new TreeMap<>();
    List<PlatformManifest> images = new ArrayList<>();
    Map<Platform, Path> tarballs = new LinkedHashMap<>();
    List<PlatformImageBuilder.JibBuild> built = List.copyOf(builds.values());
    List<String> tarballDigests;
    try (ParallelTasks archives = new ParallelTasks("image-archives", built.size())) {
      images.addAll(
          archives.map(
              built, build -> PlatformImageBuilder.importInto(build, layout, settings.format())));
      tarballDigests =
          archives.map(
              images,
              image ->
                  OciLayoutArchive.writePlatformImage(
                      layout,
                      image,
                      settings.version(),
                      settings.localName(),
                      imageDirectory.resolve(image.platform().fileName() + ".tar"),
                      settings.creationTime()));
    }
    for (int i = 0; i < images.size(); i++) {
      PlatformManifest image = images.get(i);
      Path tarball = imageDirectory.resolve(image.platform().fileName() + ".tar");
      archiveDigests.put(tarball.getFileName().toString(), tarballDigests.get(i));
      log.info(
          "  "
              + image.platform()
              + " manifest "
              + image.manifest().digest()
              + " → "
              + finalDirectory.resolve(tarball.getFileName()));
      tarballs.put(image.platform(), tarball);
    }

    Descriptor index =
        layout.addBlob(
            settings.format().indexMediaType(),
            OciIndex.ofImages(settings.format(), images, indexAnnotations(), settings.baseImage()));
    layout.writeIndex(OciIndex.layoutIndex(index, null, settings.version()));
    Path archive = imageDirectory.resolve(LAYOUT_ARCHIVE);
    archiveDigests.put(
        LAYOUT_ARCHIVE, OciLayoutArchive.write(layout, archive, settings.creationTime()));
    Directories.deleteRecursively(work);
    log.info(
        "Image index "
            + index.digest()
            + " ("
            + images.size()
            + " platforms) → "
            + finalDirectory.resolve(LAYOUT_ARCHIVE)
            + " (ref "
            + settings.version()
            + ")");
    return new InitImageResult(
        index,
        List.copyOf(images),
        tarballs,
        layout.root(),
        archive,
        baseDigest(builds),
        archiveDigests);
  }

  /**
   * The base image's digest every platform was built from, when jib said for each and they agree;
   * otherwise (the base taken from jib's cache, or its tag moved between two pulls) null.
   */
  private static String baseDigest(Map<TargetTriple, PlatformImageBuilder.JibBuild> builds) {
    Set<Optional<String>> digests =
        builds.values().stream()
            .map(PlatformImageBuilder.JibBuild::baseDigest)
            .collect(Collectors.toSet());
    return digests.size() == 1 ? digests.iterator().next().orElse(null) : null;
  }

  /** Targets sorted by platform; two targets of one platform would fight over its image. */
  private Map<TargetTriple, List<ImageBinary>> byTarget(List<ImageBinary> binaries)
      throws PackFailure {
    Map<TargetTriple, List<ImageBinary>> byTarget =
        new TreeMap<>(Comparator.comparing((TargetTriple t) -> t.platform().toString()));
    Map<Platform, TargetTriple> seen = new LinkedHashMap<>();
    for (ImageBinary binary : binaries) {
      TargetTriple other = seen.putIfAbsent(binary.target().platform(), binary.target());
      if (other != null && !other.equals(binary.target())) {
        throw new PackFailure(
            "Both "
                + other.name()
                + " and "
                + binary.target().name()
                + " were built, and both are for "
                + binary.target().platform()
                + "; an image has one binary set per platform. Keep one of them in <targets>"
                + " (musl is recommended).");
      }
      byTarget.computeIfAbsent(binary.target(), t -> new ArrayList<>()).add(binary);
    }
    for (Map.Entry<TargetTriple, List<ImageBinary>> entry : byTarget.entrySet()) {
      checkOnePathEach(entry.getKey(), entry.getValue());
    }
    return byTarget;
  }

  /** Two binaries of one platform may not go to one path: one would silently replace the other. */
  private void checkOnePathEach(TargetTriple target, List<ImageBinary> binaries)
      throws PackFailure {
    Map<String, List<ImageBinary>> byPath = new TreeMap<>();
    for (ImageBinary binary : binaries) {
      String path =
          PlatformImageBuilder.BINARIES_ROOT
              + "/"
              + settings.packOf(binary)
              + "/sensors/"
              + binary.name();
      byPath.computeIfAbsent(path, p -> new ArrayList<>()).add(binary);
    }
    List<String> clashes = new ArrayList<>();
    byPath.forEach(
        (path, same) -> {
          if (same.size() > 1) {
            clashes.add(
                path
                    + " from "
                    + same.stream()
                        .map(b -> b.file().toString())
                        .collect(Collectors.joining(" and ")));
          }
        });
    if (!clashes.isEmpty()) {
      throw new PackFailure(
          "Two binaries would go to one path of the "
              + target.platform()
              + " image: "
              + String.join("; ", clashes)
              + ". Give the packs names of their own, or keep one binary of each name per pack"
              + " (<binaries>), then build again.");
    }
  }

  private Map<String, String> indexAnnotations() {
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("org.opencontainers.image.version", settings.version());
    annotations.put("org.opencontainers.image.created", settings.creationTime().toString());
    if (settings.revision() != null && !settings.revision().isBlank()) {
      annotations.put("org.opencontainers.image.revision", settings.revision().trim());
    }
    if (settings.source() != null && !settings.source().isBlank()) {
      annotations.put("org.opencontainers.image.source", settings.source().trim());
    }
    return annotations;
  }
}
