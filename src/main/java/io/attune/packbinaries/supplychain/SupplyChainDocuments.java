package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.CargoLock;
import io.attune.packbinaries.artifacts.Crate;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a push attaches besides the image, made from the local layout and the goals' records alone,
 * before anything is published (a wrong passphrase fails before the first upload): a CycloneDX SBOM
 * per platform, and, with a signing key, the SLSA provenance in a signed DSSE envelope. Each is
 * also written under {@code target/pack-binaries/supply-chain/}. {@link SupplyChainAttachments}
 * sends them.
 *
 * @param key the signing key, or null to sign nothing
 * @param statement the provenance's in-toto statement, or null without a key
 * @param envelope the statement in a DSSE envelope signed with {@code key}, or null
 */
public record SupplyChainDocuments(
    SupplyChainRequest request,
    LayoutReader.Layout layout,
    String repository,
    List<PlatformSbom> sboms,
    SigningKey key,
    byte[] statement,
    byte[] envelope) {

  public static final String PROVENANCE_FILE = "provenance.intoto.json";
  public static final String ENVELOPE_FILE = "provenance.dsse.json";
  public static final String PUBLIC_KEY_FILE = "cosign.pub";

  /** One platform's SBOM and the manifest it describes. */
  public record PlatformSbom(String platform, Descriptor manifest, byte[] document) {}

  /** The SBOM's file for a platform: {@code sbom-linux-arm64.cdx.json}. */
  public static String sbomFile(String platform) {
    return "sbom-" + platform.replace('/', '-') + ".cdx.json";
  }

  /**
   * Makes the documents {@code request} asks for, of the image {@code layout} holds, to be pushed
   * to {@code repository}; the bases' digests from {@code bases}.
   */
  public static SupplyChainDocuments make(
      SupplyChainRequest request,
      LayoutReader.Layout layout,
      String repository,
      BaseImages bases,
      BuildLog log)
      throws PackFailure, IOException, InterruptedException {
    // The key first: a wrong passphrase fails before anything is made.
    SigningKey key =
        request.signs() ? SigningKey.read(request.signingKey(), request.passphrase()) : null;
    Path directory = request.artifacts().supplyChainDirectory();
    BuildRecord build =
        BuildRecord.read(request.artifacts().buildRecord())
            .orElse(new BuildRecord("unknown", Map.of(), List.of()));
    if (!build.hasCrates()) {
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
      String baseDigest =
          image.baseName() == null ? null : bases.platformDigest(image.baseName(), platform);
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
                binaries(verified, platform, build),
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
                  baseDigests.isEmpty() ? null : bases.digest(baseName)));
      envelope = Dsse.envelope(Provenance.PAYLOAD_TYPE, statement, key, "");
      AtomicFiles.write(directory.resolve(PROVENANCE_FILE), statement);
      AtomicFiles.write(directory.resolve(ENVELOPE_FILE), envelope);
    }
    return new SupplyChainDocuments(
        request, layout, repository, List.copyOf(sboms), key, statement, envelope);
  }

  /**
   * The platform's binaries as verify passed them, each with the crates built into it: from its
   * pack's own Cargo.lock, for a build of several packs.
   */
  private static List<SbomDocument.Binary> binaries(
      List<VerifiedBinary> verified, String platform, BuildRecord build) {
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
              name,
              binary.target(),
              binary.sha256(),
              binary.size(),
              crates(name, build.lock(binary.pack())),
              binary.pack()));
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
}
