package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistrySteps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Attaches a release's {@link SupplyChainDocuments} to its index once the index is in the registry
 * and before any tag names it: each SBOM as a referrer of its platform's manifest, a cosign
 * signature of the index and of each platform's manifest, and the provenance as a referrer of the
 * index. A plain sequence of registry steps: whether the registry indexes referrers itself, then
 * each tag read, extended and written back.
 */
public final class SupplyChainAttachments {

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final BuildLog log;

  public SupplyChainAttachments(RegistryClient client, RegistrySteps steps, BuildLog log) {
    this.client = client;
    this.steps = steps;
    this.log = log;
  }

  /**
   * Attaches {@code documents} to the index they describe, which {@code client}'s repository has.
   *
   * @return each manifest reference the attachments wrote or found in place (the signature and
   *     referrers tags, or untagged artifacts where the registry indexes referrers itself) with its
   *     digest: what a rerun finds unchanged when nothing needs attaching again
   */
  public Map<String, String> attach(SupplyChainDocuments documents)
      throws PackFailure, IOException, InterruptedException {
    SupplyChainRequest request = documents.request();
    if (!request.attachesAnything()) {
      return Map.of();
    }
    String indexDigest = documents.index().digest();
    String repository = documents.repository();
    // A registry with the API answers for any digest; one without has no such path.
    boolean referrersApi =
        steps
            .run("Asking the referrers API for " + indexDigest, () -> client.referrers(indexDigest))
            .isPresent();
    Uploads uploads = new Uploads(client, steps, referrersApi);
    Referrers referrers = new Referrers(uploads, log);
    CosignSignature signature = new CosignSignature(uploads);
    AtomicInteger signed = new AtomicInteger();
    // Each attachment reads a tag and writes it back with itself added (the subject's referrers
    // tag, or its signature tag): those of different tags go up at once, those of one tag one
    // after another.
    Map<String, List<Attachment>> byTag = new LinkedHashMap<>();
    for (SupplyChainDocuments.PlatformSbom sbom : documents.sboms()) {
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
    if (documents.key() != null) {
      for (String digest : signedDigests(documents)) {
        attachment(byTag, CosignSignature.tag(digest))
            .add(
                () -> {
                  if (signature.sign(repository, digest, documents.key())) {
                    signed.incrementAndGet();
                  }
                });
      }
      attachment(byTag, Referrers.fallbackTag(indexDigest))
          .add(
              () ->
                  referrers.attach(
                      documents.index(),
                      Dsse.MEDIA_TYPE,
                      documents.envelope(),
                      "sha256:" + Sha256.of(documents.statement()),
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
    for (SupplyChainDocuments.PlatformSbom sbom : documents.sboms()) {
      log.info(
          "Attached the SBOM of "
              + sbom.platform()
              + " ("
              + SupplyChainDocuments.sbomFile(sbom.platform())
              + ")");
    }
    if (documents.key() != null) {
      log.info(
          "Signed "
              + repository
              + "@"
              + indexDigest
              + " and its "
              + documents.images().size()
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
    return uploads.reliedOn();
  }

  /** One document attached to one manifest. */
  @FunctionalInterface
  private interface Attachment {
    void run() throws PackFailure, IOException, InterruptedException;
  }

  private static List<Attachment> attachment(Map<String, List<Attachment>> byTag, String tag) {
    return byTag.computeIfAbsent(tag, t -> new ArrayList<>());
  }

  /**
   * The index and each platform's manifest, as cosign sign --recursive signs them: a client that
   * pulls one platform (skopeo copy without --all, docker pull) checks that manifest's signature.
   */
  private static List<String> signedDigests(SupplyChainDocuments documents) {
    List<String> digests = new ArrayList<>(List.of(documents.index().digest()));
    documents.images().forEach(i -> digests.add(i.manifest().digest()));
    return digests;
  }
}
