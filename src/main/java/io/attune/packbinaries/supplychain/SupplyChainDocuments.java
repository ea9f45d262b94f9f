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
 * What a push attaches besides the image, made before anything is published (a wrong passphrase
 * fails before the first upload): a CycloneDX SBOM per platform, and, with a signing key, the SLSA
 * provenance in a signed DSSE envelope. Each is also written under {@code
 * target/pack-binaries/supply-chain/}. {@link SupplyChainAttachments} sends them. The documents are
 * made from a {@link Release}: the local layout and the goals' records ({@link #make(
 * SupplyChainRequest, LayoutReader.Layout, String, BaseImages, BuildLog)}), or the records of parts
 * other machines pushed (a split release's fan-in builds the Release from them).
 *
 * @param index the index the documents describe (the provenance's subject)
 * @param images each platform's manifest (the SBOMs' subjects), in the index's order
 * @param key the signing key, or null to sign nothing
 * @param statement the provenance's in-toto statement, or null without a key
 * @param envelope the statement in a DSSE envelope signed with {@code key}, or null
 */
public record SupplyChainDocuments(
    SupplyChainRequest request,
    Descriptor index,
    List<Image> images,
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

  /**
   * One platform's image of the release.
   *
   * @param baseName the base image it was built from, or null
   * @param binaries its binaries as verify passed them
   */
  public record Image(
      String platform, Descriptor manifest, String baseName, List<ReleaseBinary> binaries) {

    public Image {
      binaries = List.copyOf(binaries);
    }
  }

  /**
   * A binary of a platform's image: its file name, target triple, sha256 and size.
   *
   * @param pack its pack, for a build of several packs; null otherwise
   */
  public record ReleaseBinary(String name, String target, String sha256, long size, String pack) {}

  /**
   * What the documents describe, wherever it was read from.
   *
   * @param repository {@code host/path} the release is pushed to
   * @param build the build record (builder, cargo commands, Cargo.lock's crates)
   * @param source the commit the sources were at; read only when signing, so null otherwise
   */
  public record Release(
      String repository,
      Descriptor index,
      List<Image> images,
      BuildRecord build,
      SourceRevision source) {

    public Release {
      images = List.copyOf(images);
    }
  }

  /** The SBOM's file for a platform: {@code sbom-linux-arm64.cdx.json}. */
  public static String sbomFile(String platform) {
    return "sbom-" + platform.replace('/', '-') + ".cdx.json";
  }

  /**
   * Makes the documents {@code request} asks for, of the image {@code layout} holds, to be pushed
   * to {@code repository}: the binaries from the verify report, the build record from the build
   * goal; the bases' digests from {@code bases}; the key and the commit from {@code signing}, read
   * once for the push.
   */
  public static SupplyChainDocuments make(
      SupplyChainRequest request,
      LayoutReader.Layout layout,
      String repository,
      BaseImages bases,
      SigningInputs signing,
      BuildLog log)
      throws PackFailure, IOException {
    SigningKey key = signing.key();
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
        request.sbom()
            ? VerifyReport.read(request.artifacts().verifyReport()).binaries()
            : List.of();
    List<Image> images = new ArrayList<>();
    for (LayoutReader.Image image : layout.images()) {
      String platform = image.platform().toString();
      images.add(
          new Image(platform, image.manifest(), image.baseName(), binaries(verified, platform)));
    }
    return make(
        request,
        new Release(repository, layout.index(), images, build, signing.source()),
        key,
        bases);
  }

  /**
   * Makes the documents {@code request} asks for, of {@code release} (read from wherever it was
   * recorded: a split release's parts); the bases' digests from {@code bases}.
   */
  public static SupplyChainDocuments make(
      SupplyChainRequest request, Release release, BaseImages bases)
      throws PackFailure, IOException {
    return make(request, release, key(request), bases);
  }

  private static SigningKey key(SupplyChainRequest request) throws PackFailure, IOException {
    return request.signs() ? SigningKey.read(request.signingKey(), request.passphrase()) : null;
  }

  private static SupplyChainDocuments make(
      SupplyChainRequest request, Release release, SigningKey key, BaseImages bases)
      throws PackFailure, IOException {
    Path directory = request.artifacts().supplyChainDirectory();
    BuildRecord build = release.build();
    List<PlatformSbom> sboms = new ArrayList<>();
    Map<String, String> baseDigests = new LinkedHashMap<>();
    String baseName = null;
    for (Image image : release.images()) {
      String platform = image.platform();
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
                    release.repository(),
                    platform,
                    image.manifest().digest(),
                    request.coordinates().substring(request.coordinates().lastIndexOf(':') + 1),
                    image.baseName(),
                    baseDigest),
                withCrates(image.binaries(), build),
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
      release.images().forEach(i -> platforms.put(i.platform(), i.manifest().digest()));
      statement =
          Provenance.statement(
              new Provenance.Inputs(
                  release.repository(),
                  release.index().digest(),
                  platforms,
                  build,
                  release.source(),
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
        request,
        release.index(),
        release.images(),
        release.repository(),
        List.copyOf(sboms),
        key,
        statement,
        envelope);
  }

  /** The binaries, each with the crates built into it: from its pack's own Cargo.lock. */
  private static List<SbomDocument.Binary> withCrates(
      List<ReleaseBinary> binaries, BuildRecord build) {
    List<SbomDocument.Binary> withCrates = new ArrayList<>();
    for (ReleaseBinary binary : binaries) {
      withCrates.add(
          new SbomDocument.Binary(
              binary.name(),
              binary.target(),
              binary.sha256(),
              binary.size(),
              crates(binary.name(), build.lock(binary.pack())),
              binary.pack()));
    }
    return withCrates;
  }

  /** The platform's binaries as verify passed them (a split release's part records them too). */
  public static List<ReleaseBinary> binaries(List<VerifiedBinary> verified, String platform) {
    List<ReleaseBinary> binaries = new ArrayList<>();
    for (VerifiedBinary binary : verified) {
      if (!binary.passed()
          || binary.path() == null
          || !TargetTriple.find(binary.target())
              .map(t -> samePlatform(t.platform().toString(), platform))
              .orElse(false)) {
        continue;
      }
      binaries.add(
          new ReleaseBinary(
              Path.of(binary.path()).getFileName().toString(),
              binary.target(),
              binary.sha256(),
              binary.size(),
              binary.pack()));
    }
    return binaries;
  }

  /** linux/arm64 and linux/arm64/v8 are one platform: v8 is arm64's default variant. */
  public static boolean samePlatform(String a, String b) {
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
