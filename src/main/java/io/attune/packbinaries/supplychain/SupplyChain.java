package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a push attaches to a release once its index is in the registry and before any tag names it:
 * a CycloneDX SBOM per platform, a cosign signature of the index, and the SLSA provenance in a
 * signed DSSE envelope. Each document is also written under {@code target/pack-binaries/
 * supply-chain/}.
 */
public final class SupplyChain {

  public static final String PROVENANCE_FILE = "provenance.intoto.json";
  public static final String ENVELOPE_FILE = "provenance.dsse.json";
  public static final String PUBLIC_KEY_FILE = "cosign.pub";

  private final SupplyChainRequest request;
  private final RegistryClient client;
  private final RegistrySteps steps;
  private final BuildLog log;

  public SupplyChain(
      SupplyChainRequest request, RegistryClient client, RegistrySteps steps, BuildLog log) {
    this.request = request;
    this.client = client;
    this.steps = steps;
    this.log = log;
  }

  /** The SBOM's file for a platform: {@code sbom-linux-arm64.cdx.json}. */
  public static String sbomFile(String platform) {
    return "sbom-" + platform.replace('/', '-') + ".cdx.json";
  }

  public void attach(LayoutReader.Layout layout, ImageReference target, String indexDigest)
      throws PackFailure, IOException, InterruptedException {
    if (!request.attachesAnything()) {
      return;
    }
    long started = System.nanoTime();
    // The key first: a wrong passphrase fails before anything is attached.
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
                binaries(platform, build.lock()),
                request.pluginVersion(),
                request.timestamp());
        AtomicFiles.write(directory.resolve(sbomFile(platform)), sbom);
        new Referrers(client, steps, log)
            .attach(
                image.manifest(),
                SbomDocument.MEDIA_TYPE,
                sbom,
                "sha256:" + Sha256.of(sbom),
                Map.of("org.opencontainers.image.created", request.timestamp().toString()));
        log.info("Attached the SBOM of " + platform + " (" + sbomFile(platform) + ")");
      }
    }
    if (key != null) {
      AtomicFiles.writeString(directory.resolve(PUBLIC_KEY_FILE), key.publicKeyPem());
      // The index and each platform's manifest, as cosign sign --recursive does: a client that
      // pulls one platform (skopeo copy without --all, docker pull) checks that manifest's.
      List<String> digests = new ArrayList<>(List.of(indexDigest));
      layout.images().forEach(i -> digests.add(i.manifest().digest()));
      int signed = 0;
      for (String digest : digests) {
        signed += new CosignSignature(client, steps).sign(repository, digest, key) ? 1 : 0;
      }
      log.info(
          "Signed "
              + repository
              + "@"
              + indexDigest
              + " and its "
              + layout.images().size()
              + " platform manifests ("
              + CosignSignature.tag(indexDigest)
              + (signed == 0 ? "; already signed with this key)" : ")"));
      Map<String, String> platforms = new LinkedHashMap<>();
      layout.images().forEach(i -> platforms.put(i.platform().toString(), i.manifest().digest()));
      byte[] statement =
          Provenance.statement(
              new Provenance.Inputs(
                  repository,
                  indexDigest,
                  platforms,
                  build,
                  SourceRevision.of(request.sourceDirectory()),
                  request.pluginVersion(),
                  request.coordinates(),
                  request.properties(),
                  baseName,
                  baseDigests.isEmpty() ? null : baseIndexDigest(baseName)));
      byte[] envelope = Dsse.envelope(Provenance.PAYLOAD_TYPE, statement, key, "");
      AtomicFiles.write(directory.resolve(PROVENANCE_FILE), statement);
      AtomicFiles.write(directory.resolve(ENVELOPE_FILE), envelope);
      new Referrers(client, steps, log)
          .attach(
              layout.index(),
              Dsse.MEDIA_TYPE,
              envelope,
              "sha256:" + Sha256.of(statement),
              Map.of("in-toto.io/predicate-type", Provenance.PREDICATE_TYPE));
      log.info("Attached the SLSA provenance of " + repository + "@" + indexDigest);
    } else {
      log.info(
          "Not signed and no provenance: set pack.sign.key to a PEM PKCS#8 EC P-256 key to sign");
    }
    log.info(
        String.format(
            Locale.ROOT, "Supply chain documents took %.2fs", (System.nanoTime() - started) / 1e9));
  }

  /** The platform's binaries as verify passed them, each with the crates built into it. */
  private List<SbomDocument.Binary> binaries(String platform, CargoLock lock) throws IOException {
    List<SbomDocument.Binary> binaries = new ArrayList<>();
    for (VerifiedBinary binary : VerifyReport.read(request.artifacts().verifyReport()).binaries()) {
      if (!binary.passed()
          || binary.target() == null
          || !samePlatform(TargetTriple.of(binary.target()).platform().toString(), platform)) {
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
      JsonNode root = new ObjectMapper().readTree(manifest.get().content());
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
      var credentials = new CredentialResolver(request.environment(), log).resolve(base, null);
      RegistryClient baseClient =
          new HttpRegistryClient(
              base.registry(),
              base.repository(),
              credentials.credentials(),
              request.allowInsecure());
      return Optional.of(
          steps.run(
              "Reading the base image " + baseName,
              () -> baseClient.manifest(base.manifestReference())));
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
