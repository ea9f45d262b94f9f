package io.attune.packbinaries.publish;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.audit.AuditReport;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.compose.ComposeFile;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.supplychain.BaseImages;
import io.attune.packbinaries.supplychain.SigningInputs;
import io.attune.packbinaries.supplychain.SupplyChainAttachments;
import io.attune.packbinaries.supplychain.SupplyChainDocuments;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * The push goal's work, free of Maven: check the compose file, find credentials, publish the
 * layout, write {@code image.json}, and optionally pin the compose file to the pushed digest.
 */
public final class ImagePush {

  /**
   * @param tags the tags this push writes (see {@link ReleaseTags#toPush})
   * @param releaseTags the tags a release of this project writes (see {@link
   *     ReleaseTags#ofRelease}); the compose file's default tag must be one of them
   * @param access the registry's credentials, retries and the goal's connections
   * @param composeFile null to skip the check
   * @param supplyChain the SBOM, signature and provenance to attach; null for none
   * @param audit whether to audit the pushed index before it is signed and tagged
   */
  public record Request(
      Path layoutDirectory,
      String image,
      List<String> tags,
      List<String> releaseTags,
      RegistryAccess access,
      Path composeFile,
      boolean composeUpdate,
      Path report,
      SupplyChainRequest supplyChain,
      boolean audit) {}

  /** The distributable compose file's registry variable. */
  static final String REGISTRY_VARIABLE = "ATTUNE_REGISTRY";

  private final BuildLog log;
  private final FileDigests digests;

  public ImagePush(BuildLog log, FileDigests digests) {
    this.log = log;
    this.digests = digests;
  }

  public PushResult run(Request request) throws PackFailure, IOException, InterruptedException {
    ImageReference target = target(request.image());
    List<String> tags = tags(request.tags());
    try (ParallelTasks background = new ParallelTasks("pack-binaries-push-checks", 2)) {
      // The signing key's check and git's word on the sources, and the compose file's check
      // (YAML): both run while the layout is read. Nothing is written before the compose file has
      // passed.
      Future<SigningInputs> signing =
          background.start(() -> SigningInputs.read(request.supplyChain()));
      Future<ComposeFile> compose =
          background.start(() -> checkedComposeFile(request, target, tags));
      try {
        return run(request, target, tags, signing, compose);
      } catch (PackFailure | IOException | RuntimeException e) {
        // A compose file that does not pull this image is said first, as when it was read first.
        Futures.get(compose);
        throw e;
      }
    }
  }

  /** The compose file, once it pulls what this push writes; null when none is configured. */
  private static ComposeFile checkedComposeFile(
      Request request, ImageReference target, List<String> tags) throws PackFailure, IOException {
    return checkedComposeFile(
        request.composeFile(), request.access(), target, request.releaseTags());
  }

  /**
   * The compose file, once it pulls {@code target}'s repository with a tag among {@code
   * releaseTags}; null when {@code composeFile} is null. The index goal's fan-in checks it too.
   */
  static ComposeFile checkedComposeFile(
      Path composeFile, RegistryAccess access, ImageReference target, List<String> releaseTags)
      throws PackFailure, IOException {
    if (composeFile == null) {
      return null;
    }
    ComposeFile compose = ComposeFile.read(composeFile, ComposeFile.INIT_SERVICE);
    compose.requireRepository(
        target.repositoryName(), composeEnvironment(access.environment(), target));
    requireDefaultTagWritten(compose, access, target, releaseTags);
    return compose;
  }

  private PushResult run(
      Request request,
      ImageReference target,
      List<String> tags,
      Future<SigningInputs> signing,
      Future<ComposeFile> composeCheck)
      throws PackFailure, IOException, InterruptedException {
    log.info("Tags to write: " + String.join(", ", tags));
    LayoutReader.Layout layout =
        LayoutReader.hashingBlobsWhenSent(digests).read(request.layoutDirectory());
    CredentialResolver.Resolution resolution = request.access().credentialsFor(target, log);
    Path stateFile = stateFile(request);
    PushState wanted = wantedState(request, signing, target, layout, tags);
    PushResult result;
    ComposeFile compose;
    try (RegistryClient client = client(target, resolution, request)) {
      // A loopback registry's HTTPS probe runs while the compose file is still being checked.
      client.prepare();
      Publisher publisher = Publisher.over(client, target, request.access(), resolution, log);
      Optional<PushState> published =
          wanted == null
              ? Optional.empty()
              : new AlreadyPublished(client, publisher.steps(), log)
                  .confirm(stateFile, wanted, request.audit() ? auditReport(request) : null);
      compose = Futures.get(composeCheck);
      log.info(
          "Pushing "
              + layout.images().size()
              + " platform(s) to "
              + target.repositoryName()
              + resolution.found().map(c -> " as " + c).orElse(" anonymously"));
      if (published.isPresent()) {
        result = unchanged(target, layout, tags);
        log.info(
            result.pinnedReference()
                + " already published with tags "
                + String.join(", ", tags)
                + attachments(request)
                + "; nothing pushed (push state "
                + stateFile
                + ")");
      } else {
        // A push that stops half-way must not leave a state naming what it replaced.
        Files.deleteIfExists(stateFile);
        Map<String, String> attachments = new HashMap<>();
        result = pushInFull(request, signing, target, layout, tags, client, publisher, attachments);
        if (wanted != null) {
          new PushState(
                  wanted.repository(),
                  wanted.indexDigest(),
                  wanted.tags(),
                  wanted.parameters(),
                  attachments)
              .write(stateFile);
        }
        log.info("Pushed " + result.pinnedReference());
      }
    }
    PushReport.write(request.report(), result);
    if (compose != null && request.composeUpdate()) {
      compose.writeImage(result.pinnedReference());
      log.info("Pinned " + compose.path() + " to " + result.pinnedReference());
    }
    return result;
  }

  /**
   * The push in its one order: the supply chain's documents made (a wrong passphrase fails before
   * anything is sent), the image published by digest, audited, its documents attached, and only
   * then the tags. What fails the audit is neither signed nor tagged: it stays reachable by digest
   * only, for whoever investigates.
   *
   * @param attachments receives what the supply chain wrote or found in place
   */
  private PushResult pushInFull(
      Request request,
      Future<SigningInputs> signing,
      ImageReference target,
      LayoutReader.Layout layout,
      List<String> tags,
      RegistryClient client,
      Publisher publisher,
      Map<String, String> attachments)
      throws PackFailure, IOException, InterruptedException {
    SupplyChainDocuments documents = null;
    if (request.supplyChain() != null && request.supplyChain().attachesAnything()) {
      documents =
          SupplyChainDocuments.make(
              request.supplyChain(),
              layout,
              target.repositoryName(),
              BaseImages.read(layout, request.access(), log),
              Futures.get(signing),
              log);
    }
    long started = System.nanoTime();
    PushResult published = publisher.publish(layout);
    // One line in this form per push: the benchmark reads the publishing time from it.
    log.info(
        "Image published in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms, besides the work before the tags");
    if (request.audit()) {
      started = System.nanoTime();
      audit(request, target.repositoryName() + "@" + published.indexDigest());
      // One line in this form per push: the benchmark reads the audit's time from it.
      log.info("Image audited in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
    if (documents != null) {
      started = System.nanoTime();
      attachments.putAll(
          new SupplyChainAttachments(client, publisher.steps(), log).attach(documents));
      // One line in this form per push: the benchmark reads the supply chain's time from it.
      log.info(
          "Supply chain records attached in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
    publisher.tag(layout.index().mediaType(), layout.indexBytes(), published.indexDigest(), tags);
    return published.withTags(tags);
  }

  /** Where the push keeps its state: beside image.json, as the artifact layout says. */
  static Path stateFile(Request request) {
    return new ArtifactLayout(request.report().toAbsolutePath().getParent()).pushState();
  }

  private static Path auditReport(Request request) {
    return request.report().resolveSibling(AuditReport.FILE_NAME);
  }

  /**
   * What this push would leave, its attachments aside; null when its parameters cannot be read (an
   * unreadable key, say), for the full push to report that as it always has.
   */
  private PushState wantedState(
      Request request,
      Future<SigningInputs> signing,
      ImageReference target,
      LayoutReader.Layout layout,
      List<String> tags)
      throws InterruptedException {
    try {
      return new PushState(
          target.repositoryName(),
          layout.index().digest(),
          tags,
          PushParameters.fingerprint(request, digests, Futures.get(signing)),
          Map.of());
    } catch (PackFailure | IOException e) {
      log.debug("No push state for this push: " + e.getMessage());
      return null;
    }
  }

  /** What a rerun that found everything in place reports: every blob and manifest skipped. */
  private static PushResult unchanged(
      ImageReference target, LayoutReader.Layout layout, List<String> tags) {
    Map<String, String> platforms = new LinkedHashMap<>();
    Set<String> blobs = new HashSet<>(); // a blob that platforms share is checked once
    for (LayoutReader.Image image : layout.images()) {
      platforms.put(image.platform().toString(), image.manifest().digest());
      image.blobs().forEach(blob -> blobs.add(blob.digest()));
    }
    return new PushResult(
        target.repositoryName(),
        tags,
        layout.index().digest(),
        platforms,
        0,
        0,
        0,
        blobs.size(),
        layout.images().size() + 1);
  }

  /** The already-published line's words for what the supply chain attached and the audit. */
  private static String attachments(Request request) {
    List<String> parts = new ArrayList<>();
    SupplyChainRequest supplyChain = request.supplyChain();
    if (supplyChain != null && supplyChain.sbom()) {
      parts.add("SBOMs");
    }
    if (supplyChain != null && supplyChain.signs()) {
      parts.add("signatures");
      parts.add("provenance");
    }
    String attached =
        switch (parts.size()) {
          case 0 -> "";
          case 1 -> ", its " + parts.get(0);
          default ->
              ", its "
                  + String.join(", ", parts.subList(0, parts.size() - 1))
                  + " and "
                  + parts.get(parts.size() - 1);
        };
    return attached + (request.audit() ? ", its audit passed" : "");
  }

  private static RegistryClient client(
      ImageReference target, CredentialResolver.Resolution resolution, Request request) {
    return request
        .access()
        .client(target.registry(), target.repository(), resolution.credentials());
  }

  /** Reads {@code reference} back from the registry, as the audit goal does. */
  private void audit(Request request, String reference)
      throws PackFailure, IOException, InterruptedException {
    new ImageAudit(log)
        .run(
            new ImageAudit.Request(
                reference,
                request.access(),
                request.report().resolveSibling(AuditReport.FILE_NAME)));
  }

  /** {@code pack.image}: a repository, without tag or digest (tags come from pack.image.tags). */
  public static ImageReference target(String image) throws PackFailure {
    if (image == null || image.isBlank()) {
      throw new PackFailure(DeployPreflight.MISSING_IMAGE);
    }
    ImageReference target = ImageReference.parse(image);
    if (target.tag() != null || target.digest() != null) {
      throw new PackFailure(
          PropertyNames.IMAGE
              + "="
              + image
              + " names a tag or digest; give the repository only ("
              + target.repositoryName()
              + ") and the tags with "
              + PropertyNames.IMAGE_TAGS);
    }
    return target;
  }

  static List<String> tags(List<String> tags) throws PackFailure {
    if (tags == null || tags.isEmpty()) {
      throw new PackFailure(
          "No tag to push; set "
              + PropertyNames.IMAGE_TAGS
              + " (by default the project version, and latest for a release version)");
    }
    for (String tag : tags) {
      if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        throw new PackFailure(
            "'"
                + tag
                + "' in "
                + PropertyNames.IMAGE_TAGS
                + " is not a valid tag (letters, digits, '_', '.', '-')");
      }
    }
    return List.copyOf(tags);
  }

  /**
   * Fails unless the tag the compose file pulls with only ATTUNE_REGISTRY set is one a release
   * writes: otherwise {@code docker-compose up} finds no such manifest. A digest-pinned image needs
   * no tag.
   */
  static void requireDefaultTagWritten(
      ComposeFile compose, RegistryAccess access, ImageReference target, List<String> releaseTags)
      throws PackFailure {
    String registry = access.environment().getOrDefault(REGISTRY_VARIABLE, target.registry());
    String resolved = compose.image(Map.of(REGISTRY_VARIABLE, registry));
    ImageReference pulled = ImageReference.parse(resolved);
    if (pulled.digest() != null) {
      return;
    }
    String tag = pulled.tag() == null ? ReleaseTags.LATEST : pulled.tag();
    List<String> written = tags(releaseTags);
    if (!written.contains(tag)) {
      throw new PackFailure(
          compose.path()
              + ": with only "
              + REGISTRY_VARIABLE
              + " set, service "
              + ComposeFile.INIT_SERVICE
              + " pulls tag '"
              + tag
              + "' ("
              + resolved
              + "), but a release push writes only "
              + String.join(", ", written)
              + ", so tag '"
              + tag
              + "' would be missing. Add "
              + tag
              + " to "
              + PropertyNames.IMAGE_TAGS
              + ", or change the default tag in the compose file's image: line");
    }
  }

  /** The environment compose would see, with ATTUNE_REGISTRY defaulting to the pushed host. */
  static Map<String, String> composeEnvironment(
      Map<String, String> environment, ImageReference target) {
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent(REGISTRY_VARIABLE, target.registry());
    return env;
  }

  /** The default compose file when it exists, a configured one always (so a typo fails). */
  public static Path composeFileToCheck(Path configured, Path defaultPath, BuildLog log)
      throws PackFailure {
    if (configured != null) {
      if (!Files.isRegularFile(configured)) {
        throw new PackFailure(
            PropertyNames.COMPOSE_FILE
                + "="
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
        "No "
            + defaultPath
            + "; not checking a compose file (set "
            + PropertyNames.COMPOSE_FILE
            + " to check one)");
    return null;
  }
}
