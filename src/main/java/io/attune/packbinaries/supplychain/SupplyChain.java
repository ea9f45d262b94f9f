package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.CargoLock;
import io.attune.packbinaries.artifacts.Crate;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a push attaches to a release once its index is in the registry and before any tag names it:
 * a CycloneDX SBOM per platform, a cosign signature of the index, and the SLSA provenance in a
 * signed DSSE envelope. Each document is also written under {@code target/pack-binaries/
 * supply-chain/}. The documents are made from the local layout while the image uploads ({@link
 * #start}); {@link #attach} only sends them.
 */
public final class SupplyChain implements AutoCloseable {

  public static final String PROVENANCE_FILE = "provenance.intoto.json";
  public static final String ENVELOPE_FILE = "provenance.dsse.json";
  public static final String PUBLIC_KEY_FILE = "cosign.pub";

  /** The tags read at once: two platforms' SBOMs and signatures, the index's two. */
  private static final int MAX_TAG_READS = 6;

  private final SupplyChainRequest request;
  private final RegistryAccess access;
  private final LayoutReader.Layout layout;
  private final ImageReference target;
  private final RegistryClient earlyClient;
  private final RegistrySteps earlySteps;
  private final BuildLog log;

  private final FutureTask<Documents> documents = new FutureTask<>(this::documents);

  /** Whether the registry indexes referrers itself: asked first thing on the documents' thread. */
  private final CompletableFuture<Boolean> referrersApi = new CompletableFuture<>();

  /** The tags the attachments rewrite, being read ({@link #readTags}) while the audit runs. */
  private final ParallelTasks tagReads =
      new ParallelTasks("pack-binaries-tag-reads", MAX_TAG_READS);

  private final Map<String, Future<Optional<byte[]>>> tagsBeingRead = new ConcurrentHashMap<>();

  // Opened once the image is in the registry, or the push has ended: the documents' blobs go up
  // beside the audit, not beside the image's own uploads, which they would slow on a small machine.
  private final CountDownLatch imageSent = new CountDownLatch(1);

  /**
   * What {@link #attach} sends, made from the local layout alone.
   *
   * @param sentBlobs the documents' blobs already sent while the image uploaded
   */
  private record Documents(
      List<PlatformSbom> sboms,
      SigningKey key,
      byte[] statement,
      byte[] envelope,
      Set<String> sentBlobs,
      long millis) {}

  private record PlatformSbom(String platform, Descriptor manifest, byte[] document) {}

  private SupplyChain(
      SupplyChainRequest request,
      LayoutReader.Layout layout,
      ImageReference target,
      RegistryAccess access,
      RegistryClient earlyClient,
      RegistrySteps earlySteps,
      BuildLog log) {
    this.request = request;
    this.access = access;
    this.layout = layout;
    this.target = target;
    this.earlyClient = earlyClient;
    this.earlySteps = earlySteps;
    this.log = log;
  }

  /**
   * Starts making the documents on a thread of their own. They need only the local layout (whose
   * digests are the ones the push sends), so they are made while the image uploads; on a first push
   * their blobs go up once the image is in ({@link #imagePublished}), beside the audit, and only
   * the manifests and tags that name the index are left for {@link #attach}.
   *
   * @param access how the base image's registry is reached, for its manifest
   * @param earlyClient a client of the target repository for this thread alone
   * @param earlySteps runs this thread's registry requests, retried
   */
  public static SupplyChain start(
      SupplyChainRequest request,
      LayoutReader.Layout layout,
      ImageReference target,
      RegistryAccess access,
      RegistryClient earlyClient,
      RegistrySteps earlySteps,
      BuildLog log) {
    SupplyChain supplyChain =
        new SupplyChain(request, layout, target, access, earlyClient, earlySteps, log);
    if (request.attachesAnything()) {
      Thread thread = new Thread(supplyChain.documents, "pack-binaries-supply-chain");
      // The plugin's class loader, for the libraries that look up their parts through it.
      thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
      thread.setDaemon(true);
      thread.start();
    }
    return supplyChain;
  }

  /** Says the image and its index are in the registry: the documents' blobs may go up now. */
  public void imagePublished() {
    imageSent.countDown();
  }

  /**
   * Stops the tag reads still running and lets the documents' thread end: a push that fails before
   * attaching leaves neither behind.
   */
  @Override
  public void close() {
    imageSent.countDown();
    tagReads.close();
  }

  /** The SBOM's file for a platform: {@code sbom-linux-arm64.cdx.json}. */
  public static String sbomFile(String platform) {
    return "sbom-" + platform.replace('/', '-') + ".cdx.json";
  }

  /**
   * Attaches the documents to the index {@code indexDigest}, which {@code client} has.
   *
   * @return each manifest reference the attachments wrote or found in place (the signature and
   *     referrers tags, or untagged artifacts where the registry indexes referrers itself) with its
   *     digest: what a rerun finds unchanged when nothing needs attaching again
   */
  public Map<String, String> attach(RegistryClient client, RegistrySteps steps, String indexDigest)
      throws PackFailure, IOException, InterruptedException {
    if (!request.attachesAnything()) {
      return Map.of();
    }
    long started = System.nanoTime();
    if (!indexDigest.equals(layout.index().digest())) {
      throw new IllegalStateException(
          "pushed index " + indexDigest + " is not the layout's " + layout.index().digest());
    }
    imagePublished(); // the index is in, as attaching needs
    Documents made = awaitDocuments();
    long waited = (System.nanoTime() - started) / 1_000_000;
    String repository = target.repositoryName();
    Map<String, Optional<byte[]>> tagsRead = new LinkedHashMap<>();
    for (Map.Entry<String, Future<Optional<byte[]>>> read : tagsBeingRead.entrySet()) {
      tagsRead.put(read.getKey(), Futures.get(read.getValue()));
    }
    tagsBeingRead.clear();
    Uploads uploads =
        new Uploads(client, steps, made.sentBlobs(), Futures.get(referrersApi), tagsRead);
    Referrers referrers = new Referrers(uploads, log);
    CosignSignature signature = new CosignSignature(uploads);
    AtomicInteger signed = new AtomicInteger();
    // Each attachment reads a tag and writes it back with itself added (the subject's referrers
    // tag, or its signature tag): those of different tags go up at once, those of one tag one
    // after another.
    Map<String, List<Attachment>> byTag = new LinkedHashMap<>();
    for (PlatformSbom sbom : made.sboms()) {
      attachment(byTag, Referrers.fallbackTag(sbom.manifest().digest()))
          .add(
              () ->
                  referrers.attach(
                      sbom.manifest(),
                      SbomDocument.MEDIA_TYPE,
                      sbom.document(),
                      "sha256:" + Sha256.of(sbom.document()),
                      Map.of("org.opencontainers.image.created", request.timestamp().toString())));
    }
    if (made.key() != null) {
      for (String digest : signedDigests()) {
        attachment(byTag, CosignSignature.tag(digest))
            .add(
                () -> {
                  if (signature.sign(repository, digest, made.key())) {
                    signed.incrementAndGet();
                  }
                });
      }
      attachment(byTag, Referrers.fallbackTag(indexDigest))
          .add(
              () ->
                  referrers.attach(
                      layout.index(),
                      Dsse.MEDIA_TYPE,
                      made.envelope(),
                      "sha256:" + Sha256.of(made.statement()),
                      Map.of("in-toto.io/predicate-type", Provenance.PREDICATE_TYPE)));
    }
    try (ParallelTasks parallel = new ParallelTasks("attach", byTag.size())) {
      parallel.map(
          List.copyOf(byTag.values()),
          attachments -> {
            for (Attachment attachment : attachments) {
              attachment.run();
            }
            return null;
          });
    }
    for (PlatformSbom sbom : made.sboms()) {
      log.info("Attached the SBOM of " + sbom.platform() + " (" + sbomFile(sbom.platform()) + ")");
    }
    if (made.key() != null) {
      log.info(
          "Signed "
              + repository
              + "@"
              + indexDigest
              + " and its "
              + layout.images().size()
              + " platform manifests ("
              + CosignSignature.tag(indexDigest)
              + (signed.get() == 0 ? "; already signed with this key)" : ")"));
      log.info("Attached the SLSA provenance of " + repository + "@" + indexDigest);
    } else {
      log.info(
          "Not signed and no provenance: set "
              + PropertyNames.SIGN_KEY
              + " to a PEM PKCS#8 EC P-256 key to sign");
    }
    // One line in this form per push: the benchmark reads the supply chain's in-JVM time from it.
    log.info(
        "Supply chain records attached in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms (documents made in "
            + made.millis()
            + " ms while the image uploaded, "
            + waited
            + " ms of it waited for)");
    return uploads.reliedOn();
  }

  /** One document attached to one manifest. */
  @FunctionalInterface
  private interface Attachment {
    void run() throws PackFailure, IOException, InterruptedException;
  }

  private static List<Attachment> attachment(
      Map<String, List<Attachment>> bySubject, String digest) {
    return bySubject.computeIfAbsent(digest, d -> new ArrayList<>());
  }

  private Documents awaitDocuments() throws PackFailure, IOException, InterruptedException {
    return Futures.get(documents);
  }

  private Documents documents() throws PackFailure, IOException, InterruptedException {
    long started = System.nanoTime();
    // Asked before anything else, while the image's own uploads have only begun: the index goes
    // up last, so it is there now only if an earlier push put it there. (Asked later, a fast push
    // could already have put it, and its attachments would then go up one after another.)
    String index = layout.index().digest();
    boolean firstPush;
    boolean indexesReferrers;
    try {
      firstPush =
          !earlySteps.run("Checking the index " + index, () -> earlyClient.hasManifest(index));
      // Whether the registry indexes referrers itself, asked here rather than on the way to the
      // tags. A registry with the API answers for a digest it has not got yet too.
      indexesReferrers =
          earlySteps
              .run("Asking the referrers API for " + index, () -> earlyClient.referrers(index))
              .isPresent();
    } catch (PackFailure | IOException | InterruptedException | RuntimeException e) {
      referrersApi.completeExceptionally(e);
      throw e;
    }
    referrersApi.complete(indexesReferrers);
    // The key next: a wrong passphrase fails before anything is made.
    SigningKey key =
        request.signs() ? SigningKey.read(request.signingKey(), request.passphrase()) : null;
    Path directory = request.artifacts().supplyChainDirectory();
    String repository = target.repositoryName();
    BuildRecord build =
        BuildRecord.read(request.artifacts().buildRecord())
            .orElse(new BuildRecord("unknown", Map.of(), List.of()));
    if (build.crates().isEmpty()) {
      log.warn(
          "No crates recorded by the build goal ("
              + request.artifacts().buildRecord()
              + "); the SBOM lists the binaries only. Run the build goal with a Cargo.lock");
    }
    List<VerifiedBinary> verified =
        request.sbom() ? VerifyReport.read(request.artifacts().verifyReport()).binaries() : null;
    List<PlatformSbom> sboms = new ArrayList<>();
    Map<String, String> baseDigests = new LinkedHashMap<>();
    String baseName = null;
    for (LayoutReader.Image image : layout.images()) {
      String platform = image.platform().toString();
      baseName = image.baseName() != null ? image.baseName() : baseName;
      String baseDigest = baseDigest(image.baseName(), platform);
      if (baseDigest != null) {
        baseDigests.put(platform, baseDigest);
      }
      if (request.sbom()) {
        byte[] sbom =
            SbomDocument.write(
                new SbomDocument.Subject(
                    repository,
                    platform,
                    image.manifest().digest(),
                    request.coordinates().substring(request.coordinates().lastIndexOf(':') + 1),
                    image.baseName(),
                    baseDigest),
                binaries(verified, platform, build.lock()),
                request.pluginVersion(),
                request.timestamp());
        AtomicFiles.write(directory.resolve(sbomFile(platform)), sbom);
        sboms.add(new PlatformSbom(platform, image.manifest(), sbom));
      }
    }
    byte[] statement = null;
    byte[] envelope = null;
    if (key != null) {
      AtomicFiles.writeString(directory.resolve(PUBLIC_KEY_FILE), key.publicKeyPem());
      Map<String, String> platforms = new LinkedHashMap<>();
      layout.images().forEach(i -> platforms.put(i.platform().toString(), i.manifest().digest()));
      statement =
          Provenance.statement(
              new Provenance.Inputs(
                  repository,
                  layout.index().digest(),
                  platforms,
                  build,
                  SourceRevision.of(request.sourceDirectory()),
                  request.pluginVersion(),
                  request.coordinates(),
                  request.properties(),
                  baseName,
                  baseDigests.isEmpty() ? null : baseIndexDigest(baseName)));
      envelope = Dsse.envelope(Provenance.PAYLOAD_TYPE, statement, key, "");
      AtomicFiles.write(directory.resolve(PROVENANCE_FILE), statement);
      AtomicFiles.write(directory.resolve(ENVELOPE_FILE), envelope);
    }
    Set<String> sent = Set.of();
    if (firstPush) {
      imageSent.await();
      sent = sendBlobsEarly(sboms, key, envelope);
    }
    return new Documents(
        sboms, key, statement, envelope, sent, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Sends the documents' blobs (and a first signature's) before the attachments need them: they
   * name no digest the registry must have, so they go up beside the audit. Only on a first push: an
   * index already in the registry means a rerun, which finds its documents attached already.
   */
  private Set<String> sendBlobsEarly(List<PlatformSbom> sboms, SigningKey key, byte[] envelope)
      throws PackFailure, IOException, InterruptedException {
    String index = layout.index().digest();
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    blobs.put("sha256:" + Sha256.of(Referrers.empty()), Referrers.empty());
    sboms.forEach(sbom -> blobs.put("sha256:" + Sha256.of(sbom.document()), sbom.document()));
    if (key != null) {
      blobs.put("sha256:" + Sha256.of(envelope), envelope);
      blobs.putAll(CosignSignature.firstSignatureBlobs(target.repositoryName(), index));
      for (LayoutReader.Image image : layout.images()) {
        blobs.putAll(
            CosignSignature.firstSignatureBlobs(
                target.repositoryName(), image.manifest().digest()));
      }
    }
    Uploads early = new Uploads(earlyClient, earlySteps, Set.of(), false, Map.of());
    for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
      early.blob(blob.getKey(), blob.getValue());
    }
    return early.sent();
  }

  /**
   * Starts reading the tags the attachments will read and write back (each subject's referrers tag
   * and signature tag), for {@link #attach} to find read. Called once the index is in the registry,
   * so the reads run beside the audit rather than beside the image's uploads.
   */
  public void readTags(RegistryClient client, RegistrySteps steps) {
    if (!request.attachesAnything()) {
      return;
    }
    Uploads reader = new Uploads(client, steps, Set.of(), false, Map.of());
    // The referrers tags of what the SBOMs and the provenance attach to, as attach adds them.
    List<String> subjects = new ArrayList<>();
    if (request.sbom()) {
      layout.images().forEach(i -> subjects.add(i.manifest().digest()));
    }
    if (request.signs()) {
      subjects.add(layout.index().digest());
    }
    for (String subject : subjects) {
      String tag = Referrers.fallbackTag(subject);
      // A registry that indexes referrers itself is not asked for the tag schema's tags.
      tagsBeingRead.put(
          tag,
          tagReads.start(
              () ->
                  Futures.get(referrersApi)
                      ? Optional.empty()
                      : reader.read(Referrers.readingTag(tag), tag)));
    }
    if (request.signs()) {
      for (String digest : signedDigests()) {
        String tag = CosignSignature.tag(digest);
        tagsBeingRead.put(
            tag, tagReads.start(() -> reader.read(CosignSignature.readingTag(tag), tag)));
      }
    }
  }

  /**
   * The index and each platform's manifest, as cosign sign --recursive signs them: a client that
   * pulls one platform (skopeo copy without --all, docker pull) checks that manifest's signature.
   */
  private List<String> signedDigests() {
    List<String> digests = new ArrayList<>(List.of(layout.index().digest()));
    layout.images().forEach(i -> digests.add(i.manifest().digest()));
    return digests;
  }

  /** The platform's binaries as verify passed them, each with the crates built into it. */
  private static List<SbomDocument.Binary> binaries(
      List<VerifiedBinary> verified, String platform, CargoLock lock) {
    List<SbomDocument.Binary> binaries = new ArrayList<>();
    for (VerifiedBinary binary : verified) {
      if (!binary.passed()
          || !TargetTriple.find(binary.target())
              .map(t -> samePlatform(t.platform().toString(), platform))
              .orElse(false)) {
        continue;
      }
      String name = Path.of(binary.path()).getFileName().toString();
      binaries.add(
          new SbomDocument.Binary(
              name, binary.target(), binary.sha256(), binary.size(), crates(name, lock)));
    }
    return binaries;
  }

  /** linux/arm64 and linux/arm64/v8 are one platform: v8 is arm64's default variant. */
  static boolean samePlatform(String a, String b) {
    return a.equals(b) || (a + "/v8").equals(b) || a.equals(b + "/v8");
  }

  /**
   * The crates of the workspace member named as the binary (cargo's default bin name), or, for a
   * binary named otherwise, of every member: the lock alone does not say which member owns it.
   */
  static List<Crate> crates(String binary, CargoLock lock) {
    List<Crate> members = lock.workspaceMembers();
    List<Crate> roots =
        members.stream()
            .filter(m -> m.name().equals(binary))
            .findFirst()
            .map(List::of)
            .orElse(members);
    Set<Crate> crates = new LinkedHashSet<>();
    roots.forEach(root -> crates.addAll(lock.closure(root)));
    return List.copyOf(crates);
  }

  /** The base image's manifest digest for this platform now, or null when it cannot be read. */
  private String baseDigest(String baseName, String platform) throws InterruptedException {
    Optional<RegistryClient.Manifest> manifest = baseManifest(baseName);
    if (manifest.isEmpty()) {
      return null;
    }
    try {
      JsonNode root = Json.parse(manifest.get().content());
      if (!root.has("manifests")) {
        return manifest.get().digest();
      }
      for (JsonNode entry : root.path("manifests")) {
        JsonNode p = entry.path("platform");
        String entryPlatform =
            p.path("os").asText()
                + "/"
                + p.path("architecture").asText()
                + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
        if (entryPlatform.equals(platform)) {
          return entry.path("digest").asText();
        }
      }
    } catch (IOException unreadable) {
      log.debug("The base image's manifest is not JSON: " + unreadable.getMessage());
    }
    return null;
  }

  private String baseIndexDigest(String baseName) throws InterruptedException {
    return baseManifest(baseName).map(RegistryClient.Manifest::digest).orElse(null);
  }

  private final Map<String, Optional<RegistryClient.Manifest>> baseManifests =
      new LinkedHashMap<>();

  private Optional<RegistryClient.Manifest> baseManifest(String baseName)
      throws InterruptedException {
    if (baseName == null) {
      return Optional.empty();
    }
    if (!baseManifests.containsKey(baseName)) {
      baseManifests.put(baseName, fetchBaseManifest(baseName));
    }
    return baseManifests.get(baseName);
  }

  private Optional<RegistryClient.Manifest> fetchBaseManifest(String baseName)
      throws InterruptedException {
    try {
      ImageReference base = ImageReference.parse(baseName);
      // Maven's settings name the target registry's server, not the base's.
      var credentials = new CredentialResolver(access.environment(), log).resolve(base, null);
      try (RegistryClient baseClient =
          access.client(base.registry(), base.repository(), credentials.credentials())) {
        return Optional.of(
            earlySteps.run(
                "Reading the base image " + baseName,
                () -> baseClient.manifest(base.manifestReference())));
      }
    } catch (PackFailure | IOException e) {
      log.warn(
          "Could not read the base image "
              + baseName
              + " ("
              + e.getMessage()
              + "); the SBOM and provenance name it without a digest");
      return Optional.empty();
    }
  }
}
