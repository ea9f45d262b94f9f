package io.attune.packbinaries.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.oci.BinaryLabels;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Builds one platform's init image with jib: the base image's layers for that platform, a layer
 * with the entrypoint script and a layer with that platform's binaries. One single-platform jib
 * build per architecture, because jib's multi-platform build gives all platforms the same layers.
 */
final class PlatformImageBuilder {

  /** Where the binaries are in the image, under the pack's name. */
  static final String BINARIES_ROOT = BinaryLabels.ROOT;

  static final String ENTRYPOINT_SCRIPT = "/usr/local/bin/pack-binaries-init.sh";
  static final String SCRIPT_RESOURCE = "pack-binaries-init.sh";

  private static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
  private static final String ROOT_OWNER = "0:0";

  private final InitImageSettings settings;
  private final BuildLog log;

  PlatformImageBuilder(InitImageSettings settings, BuildLog log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * One platform's jib image, built and not yet imported into the layout.
   *
   * @param tarball jib's tarball of the image, in the platform's work directory
   * @param digest the manifest digest jib computed
   * @param baseDigest the base image's digest as jib pulled it, when jib said
   */
  record JibBuild(TargetTriple target, Path tarball, String digest, Optional<String> baseDigest) {}

  /**
   * Builds {@code target}'s image with jib into a tarball under {@code workDirectory}, which
   * belongs to this platform alone (its application-layers cache too): several platforms build at
   * once. jib runs its steps on {@code jibThreads}, so the caller can wait until they have all
   * ended.
   */
  JibBuild buildJibImage(
      TargetTriple target,
      List<ImageBinary> binaries,
      Path workDirectory,
      ExecutorService jibThreads)
      throws PackFailure, IOException, InterruptedException {
    Platform platform = target.platform();
    Files.createDirectories(workDirectory);
    Path script = writeEntrypointScript(workDirectory);
    Path jibTarball = workDirectory.resolve(platform.fileName() + ".jib.tar");

    JibContainerBuilder builder =
        Jib.from(baseImage())
            .setPlatforms(
                Set.of(
                    new com.google.cloud.tools.jib.api.buildplan.Platform(
                        platform.architecture(), platform.os())))
            .setFormat(
                settings.format() == ManifestFormat.OCI ? ImageFormat.OCI : ImageFormat.Docker)
            .setCreationTime(settings.creationTime())
            .setFileEntriesLayers(scriptLayer(script), binariesLayer(binaries))
            .setEntrypoint("/bin/sh", ENTRYPOINT_SCRIPT, BINARIES_ROOT, "/packs")
            .setProgramArguments(List.of())
            .setLabels(labels(target, binaries));

    Containerizer containerizer =
        Containerizer.to(TarImage.at(jibTarball).named(localName()))
            .setAllowInsecureRegistries(allowInsecure())
            .setOfflineMode(settings.offline())
            .setApplicationLayersCache(workDirectory.resolve("jib-application-cache"))
            .setExecutorService(jibThreads)
            .setToolName("pack-binaries-maven-plugin");
    // jib's base-layers cache is safe to share between concurrent builds: it writes each layer
    // to a temporary directory and renames it, skipping one already there, and writes metadata
    // under a file lock guarded by an in-JVM lock per path.
    if (settings.baseLayersCache() != null) {
      containerizer.setBaseImageLayersCache(settings.baseLayersCache());
    }
    JibEvents events = JibEvents.route(containerizer, log, platform.toString());

    JibContainer container = containerize(builder, containerizer, platform);
    return new JibBuild(target, jibTarball, container.getDigest().toString(), events.baseDigest());
  }

  /** Imports a built image into {@code layout} and deletes jib's tarball. */
  static PlatformManifest importInto(JibBuild build, OciLayout layout, ManifestFormat format)
      throws PackFailure, IOException {
    PlatformManifest image = JibTarball.importInto(build.tarball(), layout, format, build.target());
    Files.delete(build.tarball());
    if (!image.manifest().digest().equals(build.digest())) {
      throw new IllegalStateException(
          "The manifest in the layout ("
              + image.manifest().digest()
              + ") differs from the one jib built ("
              + build.digest()
              + ") for "
              + build.target().platform());
    }
    return image;
  }

  private RegistryImage baseImage() throws PackFailure {
    try {
      return RegistryImage.named(settings.baseImage());
    } catch (InvalidImageReferenceException e) {
      throw new PackFailure(
          PropertyNames.IMAGE_BASE
              + " '"
              + settings.baseImage()
              + "' is not an image reference; write it like busybox:1.36 or"
              + " registry.example/library/busybox@sha256:<digest>.",
          e);
    }
  }

  private ImageReference localName() throws PackFailure {
    try {
      return ImageReference.parse(settings.localName());
    } catch (InvalidImageReferenceException e) {
      throw new PackFailure(
          PropertyNames.IMAGE_LOCAL_NAME
              + " '"
              + settings.localName()
              + "' is not an image name; write it like attune/pack-binaries-init:dev.",
          e);
    }
  }

  /** Plain HTTP is allowed when asked for, and always for a registry on this machine. */
  boolean allowInsecure() {
    return BaseImageDigest.allowsInsecure(settings.baseImage(), settings.allowInsecureRegistries());
  }

  private JibContainer containerize(
      JibContainerBuilder builder, Containerizer containerizer, Platform platform)
      throws PackFailure, IOException, InterruptedException {
    try {
      return builder.containerize(containerizer);
    } catch (RegistryException e) {
      throw baseImageFailure(platform, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RegistryException || cause instanceof IOException) {
        throw baseImageFailure(platform, cause);
      }
      throw new IOException("jib failed to build the " + platform + " image: " + cause, cause);
    } catch (com.google.cloud.tools.jib.api.CacheDirectoryCreationException e) {
      throw new IOException("jib cannot create its cache directory: " + e.getMessage(), e);
    }
  }

  private PackFailure baseImageFailure(Platform platform, Throwable cause) {
    String hint =
        settings.offline()
            ? " Maven runs offline, so the base must be in jib's cache; run once online."
            : " Check that "
                + PropertyNames.IMAGE_BASE
                + " names an image with a "
                + platform
                + " variant and that its registry is reachable (for a plain-HTTP registry set"
                + " -D"
                + PropertyNames.ALLOW_INSECURE_REGISTRIES
                + "=true).";
    return new PackFailure(
        "Cannot build the "
            + platform
            + " image from base '"
            + settings.baseImage()
            + "': "
            + cause.getMessage()
            + "."
            + hint,
        cause);
  }

  private FileEntriesLayer scriptLayer(Path script) {
    return FileEntriesLayer.builder()
        .setName("pack-binaries-init script")
        .addEntry(
            script,
            AbsoluteUnixPath.get(ENTRYPOINT_SCRIPT),
            EXECUTABLE,
            settings.creationTime(),
            ROOT_OWNER)
        .build();
  }

  /** Each binary at {@code /pack-binaries/<pack>/sensors/<name>}, sorted by pack and name. */
  private FileEntriesLayer binariesLayer(List<ImageBinary> binaries) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("sensor binaries");
    binaries.stream()
        .sorted(Comparator.comparing(settings::packOf).thenComparing(ImageBinary::name))
        .forEach(
            binary ->
                layer.addEntry(
                    binary.file(),
                    AbsoluteUnixPath.get(BINARIES_ROOT)
                        .resolve(settings.packOf(binary))
                        .resolve("sensors")
                        .resolve(binary.name()),
                    EXECUTABLE,
                    settings.creationTime(),
                    ROOT_OWNER));
    return layer.build();
  }

  private Map<String, String> labels(TargetTriple target, List<ImageBinary> binaries) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.version", settings.version());
    labels.put("org.opencontainers.image.created", settings.creationTime().toString());
    List<String> packs = binaries.stream().map(settings::packOf).distinct().sorted().toList();
    boolean severalPacks = packs.size() > 1;
    labels.put(
        "org.opencontainers.image.title",
        "pack-binaries-init ("
            + (packs.isEmpty() ? settings.pack() : String.join(", ", packs))
            + ")");
    putIfPresent(labels, "org.opencontainers.image.revision", settings.revision());
    putIfPresent(labels, "org.opencontainers.image.source", settings.source());
    labels.put(OciIndex.TARGET_ANNOTATION, target.name());
    // One pack: a label per binary name, as ever; several: per pack and name (BinaryLabels).
    for (ImageBinary binary : binaries) {
      labels.put(
          BinaryLabels.key(settings.packOf(binary), binary.name(), severalPacks), binary.sha256());
    }
    return labels;
  }

  private static void putIfPresent(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isBlank()) {
      labels.put(key, value.trim());
    }
  }

  private static Path writeEntrypointScript(Path workDirectory) throws IOException {
    Path script = workDirectory.resolve(SCRIPT_RESOURCE);
    try (InputStream in = PlatformImageBuilder.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the plugin jar lacks its " + SCRIPT_RESOURCE);
      }
      Files.write(script, in.readAllBytes());
    }
    return script;
  }
}
