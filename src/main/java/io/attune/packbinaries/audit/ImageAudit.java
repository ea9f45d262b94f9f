package io.attune.packbinaries.audit;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.oci.BinaryLabels;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.BlobStream;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.registry.Retry;
import io.attune.packbinaries.registry.Retryable;
import io.attune.packbinaries.supplychain.SupplyChainAudit;
import io.attune.packbinaries.supplychain.VerificationKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Audits a published image as a host would pull it: the index (OCI image index or Docker manifest
 * list), then every platform's manifest by digest, then each layer streamed once from the
 * registry's body (digest and size checked as it passes, gunzipped, read as tar, never written to
 * disk), running the verify goal's ELF gate on every regular ELF file under {@code
 * /pack-binaries/}. Platforms are audited at once, on a few threads that end with the call. Writes
 * {@code audit-report.json} and fails naming each platform and file that would not run.
 */
public final class ImageAudit {

  /** Platforms audited at once: each streams one layer at a time, gunzipping and hashing it. */
  static final int PARALLEL_PLATFORMS =
      Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /**
   * @param reference {@code host/repository[:tag][@digest]}; without either, {@code latest}
   * @param access the registry's credentials, retries and the goal's connections
   * @param report where {@code audit-report.json} goes
   * @param supplyChain whether to list the SBOMs and provenance attached to the image
   * @param publicKey with supplyChain, the key a signature of the image must verify with; or null
   */
  public record Request(
      String reference, RegistryAccess access, Path report, boolean supplyChain, Path publicKey) {

    /** The binaries only, as the push audits what it pushed. */
    public Request(String reference, RegistryAccess access, Path report) {
      this(reference, access, report, false, null);
    }
  }

  private final BuildLog log;
  private final AuditLimits limits;

  public ImageAudit(BuildLog log) {
    this(log, AuditLimits.DEFAULT);
  }

  ImageAudit(BuildLog log, AuditLimits limits) {
    this.log = log;
    this.limits = limits;
  }

  /** Audits, writes the report, and throws a {@link PackFailure} listing every failure. */
  public AuditReport run(Request request) throws PackFailure, IOException, InterruptedException {
    ImageReference image = ImageReference.parse(request.reference());
    // The key first: a wrong path fails before anything is downloaded.
    VerificationKey key =
        request.supplyChain() && request.publicKey() != null
            ? VerificationKey.read(request.publicKey(), PropertyNames.VERIFY_PUBLIC_KEY)
            : null;
    CredentialResolver.Resolution resolution = request.access().credentialsFor(image, log);
    Retry retry = request.access().retry(log);
    // A report from an earlier audit must not outlive an audit that stops on malformed data.
    Files.deleteIfExists(request.report());
    AuditReport report;
    try (RegistryClient client =
        request.access().client(image.registry(), image.repository(), resolution.credentials())) {
      report = audit(client, image, retry, resolution.advice(image.registry()), request.report());
      if (report.passed() && request.supplyChain()) {
        // Before the report is written: an image that fails its signature check gets no "pass".
        Map<String, String> platforms = new LinkedHashMap<>();
        report.platforms().forEach(p -> platforms.put(p.platform(), p.manifest()));
        new SupplyChainAudit(
                client,
                new RegistrySteps(retry, image.registry(), resolution.advice(image.registry())),
                log)
            .check(
                new SupplyChainAudit.Request(
                    image.repositoryName(), report.digest(), platforms, key));
      }
    }
    report.write(request.report());
    if (!report.passed()) {
      throw new PackFailure(
          "The image "
              + image
              + " failed the audit; what it ships would not run on every platform:\n  "
              + String.join("\n  ", report.failures())
              + "\nThe report is "
              + request.report()
              + ".");
    }
    int binaries = report.platforms().stream().mapToInt(p -> p.binaries().size()).sum();
    log.info(
        "Audited "
            + image
            + ": "
            + count(binaries, "binary", "binaries")
            + " on "
            + count(report.platforms().size(), "platform", "platforms")
            + ", all static and of their platform's architecture; report "
            + request.report());
    return report;
  }

  /** The audit against {@code client}, without writing the report. */
  AuditReport audit(
      RegistryClient client, ImageReference image, Retry retry, String advice, Path reportFile)
      throws PackFailure, IOException, InterruptedException {
    Path parent = reportFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path scratch = Files.createTempDirectory(parent, ".audit-");
    try {
      return new Run(client, image, retry, advice, scratch).audit();
    } finally {
      Directories.deleteRecursively(scratch);
    }
  }

  /**
   * One audit's state: the registry, its retry policy, a scratch directory, and the budget left,
   * shared by the platforms audited at once (a layer is downloaded and scanned once however often a
   * manifest lists it).
   */
  private final class Run {
    private final RegistryClient client;
    private final ImageReference image;
    private final Retry retry;
    private final String advice;
    private final Path scratch;
    private final AuditBudget budget = new AuditBudget(limits);

    Run(RegistryClient client, ImageReference image, Retry retry, String advice, Path scratch) {
      this.client = client;
      this.image = image;
      this.retry = retry;
      this.advice = advice;
      this.scratch = scratch;
    }

    AuditReport audit() throws PackFailure, IOException, InterruptedException {
      String reference = image.manifestReference();
      RegistryClient.Manifest top = step("Reading " + image, () -> client.manifest(reference));
      checkSize(top.content(), image.toString());
      List<AuditedPlatform> platforms = new ArrayList<>();
      if (ImageDocuments.isIndex(top.mediaType(), top.content(), image.toString())) {
        String where = "the index of " + image;
        // A platform's manifest is audited once however often the index lists it.
        Map<String, ImageDocuments.IndexEntry> distinct = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (ImageDocuments.IndexEntry entry : ImageDocuments.index(top.content(), where, limits)) {
          if (entry.platform() != null && entry.platform().os().equals("unknown")) {
            // buildx's attestation manifests: no filesystem to audit.
            log.debug("Skipping " + entry.manifest().digest() + " (platform unknown/unknown)");
            continue;
          }
          String key = entry.manifest().digest() + " " + entry.platform();
          distinct.putIfAbsent(key, entry);
          keys.add(key);
        }
        Map<String, AuditedPlatform> audited = new LinkedHashMap<>();
        List<String> distinctKeys = new ArrayList<>(distinct.keySet());
        List<AuditedPlatform> results = platforms(new ArrayList<>(distinct.values()));
        for (int i = 0; i < distinctKeys.size(); i++) {
          audited.put(distinctKeys.get(i), results.get(i));
        }
        keys.forEach(key -> platforms.add(audited.get(key)));
      } else {
        platforms.add(
            image(top.digest(), top.content(), null, "the image " + image, platformScratch()));
      }
      return AuditReport.of(image.toString(), top.digest(), platforms);
    }

    /**
     * Each platform's audit, in the entries' order, at most {@link #PARALLEL_PLATFORMS} at once;
     * the threads end before this returns, and the first failure by that order is the one thrown.
     */
    private List<AuditedPlatform> platforms(List<ImageDocuments.IndexEntry> entries)
        throws PackFailure, IOException, InterruptedException {
      ParallelTasks.Task<ImageDocuments.IndexEntry, AuditedPlatform> audit =
          entry -> platform(entry.manifest(), entry.platform(), platformScratch());
      if (entries.size() < 2) {
        List<AuditedPlatform> one = new ArrayList<>();
        for (ImageDocuments.IndexEntry entry : entries) {
          one.add(audit.run(entry));
        }
        return one;
      }
      try (ParallelTasks tasks =
          new ParallelTasks("audit", Math.min(PARALLEL_PLATFORMS, entries.size()))) {
        return tasks.map(entries, audit);
      }
    }

    /** A directory of its own for one platform's binaries, as two platforms share names. */
    private Path platformScratch() throws IOException {
      return Files.createTempDirectory(scratch, "platform-");
    }

    private AuditedPlatform platform(Descriptor descriptor, Platform indexed, Path platformScratch)
        throws PackFailure, IOException, InterruptedException {
      String where =
          "the manifest " + descriptor.digest() + (indexed == null ? "" : " of " + indexed);
      checkDeclaredSize(descriptor, limits.maxDocumentBytes(), where);
      RegistryClient.Manifest manifest =
          step("Reading " + where, () -> client.manifest(descriptor.digest()));
      checkSize(manifest.content(), where);
      if (ImageDocuments.isIndex(manifest.mediaType(), manifest.content(), where)) {
        throw new PackFailure(
            where + " is itself an index; the audit reads one level of index only.");
      }
      return image(descriptor.digest(), manifest.content(), indexed, where, platformScratch);
    }

    private AuditedPlatform image(
        String manifestDigest,
        byte[] document,
        Platform indexed,
        String where,
        Path platformScratch)
        throws PackFailure, IOException, InterruptedException {
      ImageDocuments.ImageManifest manifest = ImageDocuments.manifest(document, where, limits);
      Descriptor configDescriptor = manifest.config();
      checkDeclaredSize(configDescriptor, limits.maxDocumentBytes(), "the config of " + where);
      byte[] configBytes =
          step("Reading the config of " + where, () -> client.blob(configDescriptor.digest()));
      ImageDocuments.ImageConfig config =
          ImageDocuments.config(configBytes, "the config of " + where);
      List<String> reasons = new ArrayList<>();
      Platform platform = canonical(indexed != null ? indexed : config.platform());
      if (platform == null) {
        throw new PackFailure(
            where + " names no platform, neither in an index nor in its config; push it again.");
      }
      if (config.platform() != null && !samePlatform(platform, config.platform())) {
        reasons.add(
            "the index lists this image as "
                + platform
                + ", but its config says "
                + config.platform()
                + "; a host pulls it as "
                + platform
                + ".");
      }
      Optional<TargetTriple> target = target(platform, config.labels());
      BinaryInspector inspector =
          new BinaryInspector(platform, target.orElse(null), config.labels());
      LayerScanner scanner = new LayerScanner(limits, platformScratch, budget);
      PlatformFiles files = new PlatformFiles(limits.maxEntries());
      // A layer listed again later is scanned once: its entries are kept (up to maxEntries in
      // all) and applied again where it comes back.
      Map<String, Integer> later = new LinkedHashMap<>();
      manifest.layers().forEach(l -> later.merge(l.digest(), 1, Integer::sum));
      Map<String, List<PlatformFiles.Change>> kept = new LinkedHashMap<>();
      long keptEntries = 0;
      for (int i = 0; i < manifest.layers().size(); i++) {
        Descriptor layer = manifest.layers().get(i);
        String layerWhere = "layer " + (i + 1) + " (" + layer.digest() + ") of " + platform;
        files.beginLayer(layer.digest(), layerWhere);
        int left = later.merge(layer.digest(), -1, Integer::sum);
        List<PlatformFiles.Change> again =
            left == 0 ? kept.remove(layer.digest()) : kept.get(layer.digest());
        if (again != null) {
          log.debug("Applying " + layerWhere + " again, as scanned before");
          for (PlatformFiles.Change change : again) {
            files.apply(change);
          }
          continue;
        }
        checkDeclaredSize(layer, limits.maxLayerBytes(), layerWhere);
        try {
          budget.spend(layer.size());
        } catch (AuditBudget.Exceeded e) {
          throw e.failure(layerWhere);
        }
        boolean keeping = left > 0 && keptEntries < limits.maxEntries();
        List<PlatformFiles.Change> keep =
            layerOnce(layer, layerWhere, scanner, inspector, files, keeping);
        if (keep != null && keptEntries + keep.size() <= limits.maxEntries()) {
          kept.put(layer.digest(), keep);
          keptEntries += keep.size();
        }
      }
      List<AuditedBinary> binaries = files.binaries();
      if (binaries.isEmpty()) {
        reasons.add(
            "no ELF file under "
                + LayerScanner.ROOT
                + "/: this is not an init image the image goal built, or its binaries are"
                + " missing.");
      }
      for (String label : config.labels().keySet()) {
        if (label.startsWith(BinaryLabels.PREFIX)) {
          // By pack and name (several packs): that path; by name (one pack): any file so named.
          Optional<String> path = BinaryLabels.pathOf(label);
          boolean found =
              binaries.stream()
                  .anyMatch(
                      b ->
                          path.isPresent()
                              ? b.path().equals(path.get())
                              : BinaryInspector.fileName(b.path())
                                  .equals(BinaryLabels.fileName(label)));
          if (!found) {
            reasons.add(
                "the label "
                    + label
                    + " records a binary "
                    + path.orElse(BinaryLabels.fileName(label))
                    + " that is not under "
                    + LayerScanner.ROOT
                    + "/.");
          }
        }
      }
      AuditedPlatform result =
          new AuditedPlatform(
              platform.toString(),
              manifestDigest,
              target.map(TargetTriple::name).orElse(null),
              binaries,
              files.skipped(),
              reasons);
      log.info(
          "Audited "
              + platform
              + ": "
              + count(binaries.size(), "binary", "binaries")
              + ", "
              + (result.passed() ? "all pass" : "FAILED"));
      return result;
    }

    /**
     * Streams one layer from the registry through the scanner into {@code files}, and returns its
     * changes when {@code keeping} (to apply again where the manifest lists it later). Retried as a
     * download is: a lost connection, or content that does not hash to the digest, starts the layer
     * over from the files as they were before it. A verdict stands only once the whole body was
     * read and its size and digest checked; a limit reached stops the reading at once.
     */
    private List<PlatformFiles.Change> layerOnce(
        Descriptor layer,
        String layerWhere,
        LayerScanner scanner,
        BinaryInspector inspector,
        PlatformFiles files,
        boolean keeping)
        throws PackFailure, IOException, InterruptedException {
      // Each reading of the layer starts from the files as they were before it.
      PlatformFiles.Mark before = files.mark();
      try {
        return layerOnceWith(scanner, layer, layerWhere, inspector, files, before, keeping);
      } catch (LayerScanner.NeedsCopy e) {
        log.debug(e.getMessage());
        try {
          budget.spend(layer.size());
        } catch (AuditBudget.Exceeded exceeded) {
          throw exceeded.failure(layerWhere);
        }
        return layerOnceWith(
            scanner.copying(), layer, layerWhere, inspector, files, before, keeping);
      }
    }

    private List<PlatformFiles.Change> layerOnceWith(
        LayerScanner scanner,
        Descriptor layer,
        String layerWhere,
        BinaryInspector inspector,
        PlatformFiles files,
        PlatformFiles.Mark before,
        boolean keeping)
        throws PackFailure, IOException, InterruptedException {
      return step(
          "Downloading " + layerWhere,
          () -> {
            files.reset(before);
            List<PlatformFiles.Change> keep = keeping ? new ArrayList<>() : null;
            try (BlobStream body = client.openBlob(layer.digest(), layer.size())) {
              try {
                scanner.scan(
                    body,
                    layer.digest(),
                    layerWhere,
                    inspector,
                    change -> {
                      files.apply(change);
                      if (keep != null) {
                        keep.add(change);
                      }
                    });
              } catch (PackFailure | IOException e) {
                throw settled(body, e);
              }
              // The tar's end may come before the body's: the rest is hashed too.
              body.verify();
            }
            return keep;
          });
    }

    private <T> T step(String what, Retry.Step<T> step)
        throws PackFailure, IOException, InterruptedException {
      log.debug(what);
      budget.checkTime(what.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + what.substring(1));
      try {
        return new RegistrySteps(retry, image.registry(), advice)
            .whenMissing("Check the repository and tag.")
            .run(what, step);
      } catch (Stopped e) {
        if (e.getCause() instanceof PackFailure failure) {
          throw failure;
        }
        throw (IOException) e.getCause();
      }
    }
  }

  /**
   * What a failure met while scanning a layer's body means: the body's own failure (a lost
   * connection, more bytes than declared) is the step's, and retried or reported as the registry's;
   * a limit reached stops the audit as it is; any other failure (a layer that does not read as tar,
   * an entry the audit refuses, a binary that does not copy) stands only if the whole body hashes
   * to the layer's digest, else the download is retried as a corrupted one.
   */
  private static IOException settled(BlobStream body, Exception failure) {
    IOException lost = body.failure();
    if (lost != null) {
      lost.addSuppressed(failure);
      return lost;
    }
    if (!(failure instanceof LayerScanner.LimitReached)
        && !(failure instanceof LayerScanner.NeedsCopy)
        && failure instanceof PackFailure) {
      try {
        body.verify();
      } catch (IOException corrupted) {
        corrupted.addSuppressed(failure);
        return corrupted;
      }
    }
    return new Stopped(failure);
  }

  /** A failure of the scan that no retry changes, carried through the retry loop unretried. */
  private static final class Stopped extends IOException implements Retryable {
    Stopped(Exception cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public boolean isTransient() {
      return false;
    }

    @Override
    public java.time.Duration retryAfter() {
      return null;
    }
  }

  /**
   * The triple the platform's binaries are checked against: the one the image's label names when it
   * is for this platform, else the first of the plugin's table for the platform.
   */
  static Optional<TargetTriple> target(Platform platform, Map<String, String> labels) {
    Optional<TargetTriple> labelled =
        TargetTriple.find(labels.getOrDefault(OciIndex.TARGET_ANNOTATION, ""));
    if (labelled.isPresent() && samePlatform(labelled.get().platform(), platform)) {
      return labelled;
    }
    return TargetTriple.KNOWN.stream()
        .filter(t -> samePlatform(t.platform(), platform))
        .findFirst();
  }

  /** linux/arm64 and linux/arm64/v8 are one platform; otherwise os, architecture and variant. */
  static boolean samePlatform(Platform a, Platform b) {
    return a.os().equals(b.os())
        && a.architecture().equals(b.architecture())
        && Objects.equals(variant(a), variant(b));
  }

  /** linux/arm64/v8, as Docker writes arm64 images' configs, reads linux/arm64 in messages. */
  static Platform canonical(Platform platform) {
    return platform == null
        ? null
        : new Platform(platform.os(), platform.architecture(), variant(platform));
  }

  private static String variant(Platform platform) {
    return platform.architecture().equals("arm64") && "v8".equals(platform.variant())
        ? null
        : platform.variant();
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private void checkSize(byte[] document, String where) throws PackFailure {
    if (document.length > limits.maxDocumentBytes()) {
      throw new PackFailure(
          where
              + " is "
              + document.length
              + " bytes, more than the audit reads ("
              + limits.maxDocumentBytes()
              + ").");
    }
  }

  private static void checkDeclaredSize(Descriptor descriptor, long limit, String where)
      throws PackFailure {
    if (descriptor.size() > limit) {
      throw new PackFailure(
          where
              + " is "
              + descriptor.size()
              + " bytes, more than the audit reads ("
              + limit
              + ").");
    }
  }
}
