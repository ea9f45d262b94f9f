package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.RegistrySteps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The supply-chain part of a published image's audit: lists the SBOMs attached to its platforms'
 * manifests and the provenance attached to its index, through the referrers API or the tag schema,
 * and, given a public key, requires a cosign signature of the audited digest that the key verifies
 * and whose payload names that digest. What the registry returns is read within a budget.
 */
public final class SupplyChainAudit {

  /** The largest signature manifest, referrers index or payload read. */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /** The largest SBOM read: a workspace of thousands of crates stays well under it. */
  static final int MAX_SBOM_BYTES = 32 << 20;

  /**
   * @param repository {@code host/path} of the image
   * @param digest the digest the audited reference resolved to (the index, or a lone manifest)
   * @param platforms platform to its manifest's digest
   * @param key the public key to require a signature of, or null to only list
   */
  public record Request(
      String repository, String digest, Map<String, String> platforms, VerificationKey key) {}

  /**
   * @param sboms the platforms with an SBOM attached
   * @param provenance whether an SLSA provenance is attached to the digest
   * @param signed whether a signature verified with the key (false when no key was given)
   */
  public record Findings(List<String> sboms, boolean provenance, boolean signed) {}

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final BuildLog log;
  private boolean noReferrersApi;

  public SupplyChainAudit(RegistryClient client, RegistrySteps steps, BuildLog log) {
    this.client = client;
    this.steps = steps;
    this.log = log;
  }

  public Findings check(Request request) throws PackFailure, IOException, InterruptedException {
    List<String> sboms = new ArrayList<>();
    for (Map.Entry<String, String> platform : request.platforms().entrySet()) {
      List<byte[]> found = documents(platform.getValue(), SbomDocument.MEDIA_TYPE, MAX_SBOM_BYTES);
      for (byte[] sbom : found) {
        log.info("SBOM of " + platform.getKey() + ": " + describeSbom(sbom));
      }
      if (found.isEmpty()) {
        log.info("No SBOM attached to " + platform.getKey() + " (" + platform.getValue() + ")");
      } else {
        sboms.add(platform.getKey());
      }
    }
    List<byte[]> envelopes = documents(request.digest(), Dsse.MEDIA_TYPE, MAX_DOCUMENT_BYTES);
    for (byte[] envelope : envelopes) {
      log.info("SLSA provenance of " + request.digest() + ": " + describeProvenance(envelope));
    }
    if (envelopes.isEmpty()) {
      log.info("No SLSA provenance attached to " + request.digest());
    }
    boolean signed = false;
    if (request.key() != null) {
      requireSignature(request.repository(), request.digest(), request.key());
      signed = true;
      requireProvenanceSignature(envelopes, request.digest(), request.key());
    }
    return new Findings(sboms, !envelopes.isEmpty(), signed);
  }

  /** Fails unless a cosign signature of {@code digest} verifies with the key and names it. */
  private void requireSignature(String repository, String digest, VerificationKey key)
      throws PackFailure, IOException, InterruptedException {
    String tag = CosignSignature.tag(digest);
    String image = repository + "@" + digest;
    Optional<JsonNode> signatures = json(manifest(tag), "the signature manifest " + tag);
    if (signatures.isEmpty()) {
      throw new PackFailure(
          image
              + " has no cosign signature (no tag "
              + tag
              + "), and "
              + PropertyNames.VERIFY_PUBLIC_KEY
              + " requires one. Push it with -D"
              + PropertyNames.SIGN_KEY
              + " set to the"
              + " private key of "
              + key.file()
              + ", or audit without "
              + PropertyNames.VERIFY_PUBLIC_KEY
              + ".");
    }
    List<String> otherDigests = new ArrayList<>();
    int layers = 0;
    for (JsonNode layer : signatures.get().path("layers")) {
      layers++;
      if (!CosignSignature.PAYLOAD_MEDIA_TYPE.equals(layer.path("mediaType").asText())
          || layer.path("size").asLong() > MAX_DOCUMENT_BYTES) {
        continue;
      }
      byte[] signature;
      try {
        signature =
            Base64.getDecoder()
                .decode(
                    layer.path("annotations").path(CosignSignature.SIGNATURE_ANNOTATION).asText());
      } catch (IllegalArgumentException notBase64) {
        continue;
      }
      String payloadDigest = layer.path("digest").asText();
      byte[] payload = steps.run("Reading " + payloadDigest, () -> client.blob(payloadDigest));
      if (!key.verifies(payload, signature)) {
        continue;
      }
      JsonNode critical = json(Optional.of(payload), "the payload " + payloadDigest).get();
      String named =
          critical.path("critical").path("image").path("docker-manifest-digest").asText();
      if (named.equals(digest)) {
        log.info(
            "Signature of "
                + image
                + " verifies with "
                + key.file()
                + " (signed as "
                + critical.path("critical").path("identity").path("docker-reference").asText()
                + ")");
        return;
      }
      otherDigests.add(named);
    }
    if (!otherDigests.isEmpty()) {
      throw new PackFailure(
          "The signature under "
              + tag
              + " verifies with "
              + key.file()
              + " but vouches for "
              + otherDigests.get(0)
              + ", not for "
              + digest
              + ": the image was changed after it was signed, or its tag moved. Do not use it;"
              + " push and sign it again.");
    }
    throw new PackFailure(
        "None of the "
            + layers
            + " signature(s) of "
            + image
            + " verifies with "
            + key.file()
            + ": it was signed with another key, or changed after signing. Check that"
            + " "
            + PropertyNames.VERIFY_PUBLIC_KEY
            + " is the public key of the key it was signed with.");
  }

  /**
   * Where provenance is attached, at least one attestation must be this key's. A release pushed
   * again (another commit giving the same image, or a new key) adds its attestation beside the
   * earlier ones, and an attestation signed by another key says nothing against this one, as with
   * cosign's attestations.
   */
  private void requireProvenanceSignature(
      List<byte[]> envelopes, String digest, VerificationKey key) throws PackFailure {
    if (envelopes.isEmpty()) {
      return;
    }
    for (byte[] envelope : envelopes) {
      if (signedBy(envelope, digest, key)) {
        if (envelopes.size() > 1) {
          log.info(
              "SLSA provenance of "
                  + digest
                  + " verifies with "
                  + key.file()
                  + " ("
                  + (envelopes.size() - 1)
                  + " more attached, by other keys or earlier pushes)");
        }
        return;
      }
    }
    throw new PackFailure(
        "None of the "
            + envelopes.size()
            + " SLSA provenance attestation(s) attached to "
            + digest
            + " is signed by "
            + key.file()
            + ": they were replaced or changed after the push, or signed with another key. Push"
            + " and sign the image again.");
  }

  private boolean signedBy(byte[] envelope, String digest, VerificationKey key) throws PackFailure {
    JsonNode dsse = json(Optional.of(envelope), "the provenance of " + digest).get();
    try {
      byte[] statement = Base64.getDecoder().decode(dsse.path("payload").asText());
      byte[] pae = Dsse.preAuthenticationEncoding(dsse.path("payloadType").asText(), statement);
      for (JsonNode signature : dsse.path("signatures")) {
        if (key.verifies(pae, Base64.getDecoder().decode(signature.path("sig").asText()))) {
          return true;
        }
      }
    } catch (IllegalArgumentException notBase64) {
      // An envelope that is not base64 verifies with no key.
    }
    return false;
  }

  /** The documents of the referrers of {@code subject} with that artifact type. */
  private List<byte[]> documents(String subject, String artifactType, int maxBytes)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> listing = noReferrersApi ? Optional.empty() : referrersApi(subject);
    if (listing.isEmpty()) {
      listing = manifest(Referrers.fallbackTag(subject));
    }
    List<byte[]> documents = new ArrayList<>();
    Optional<JsonNode> index = json(listing, "the referrers of " + subject);
    if (index.isEmpty()) {
      return documents;
    }
    for (JsonNode entry : index.get().path("manifests")) {
      if (!artifactType.equals(entry.path("artifactType").asText())
          || entry.path("size").asLong() > MAX_DOCUMENT_BYTES) {
        continue;
      }
      String digest = entry.path("digest").asText();
      JsonNode artifact = json(manifest(digest), "the artifact " + digest).orElse(null);
      if (artifact == null || !subject.equals(artifact.path("subject").path("digest").asText())) {
        continue;
      }
      JsonNode layer = artifact.path("layers").path(0);
      String layerDigest = layer.path("digest").asText();
      if (layer.path("size").asLong() > maxBytes) {
        throw new PackFailure(
            "The " + artifactType + " " + layerDigest + " is larger than the audit reads");
      }
      documents.add(steps.run("Reading " + layerDigest, () -> client.blob(layerDigest)));
    }
    return documents;
  }

  private Optional<byte[]> referrersApi(String subject)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> index =
        steps.run("Asking the referrers API for " + subject, () -> client.referrers(subject));
    noReferrersApi = index.isEmpty();
    return index;
  }

  /** The manifest under {@code reference}, or empty when there is none. */
  private Optional<byte[]> manifest(String reference)
      throws PackFailure, IOException, InterruptedException {
    byte[] content =
        steps.run(
            "Reading " + reference,
            () -> {
              try {
                return client.manifest(reference).content();
              } catch (RegistryException e) {
                if (e.status() == 404) {
                  return null;
                }
                throw e;
              }
            });
    if (content != null && content.length > MAX_DOCUMENT_BYTES) {
      throw new PackFailure(reference + " is larger than the audit reads");
    }
    return Optional.ofNullable(content);
  }

  private static Optional<JsonNode> json(Optional<byte[]> bytes, String what) throws PackFailure {
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.parse(bytes.get()));
    } catch (IOException e) {
      throw new PackFailure(what + " is not JSON; it was not written by a signing tool.");
    }
  }

  /** Its format, size, crates and whether the CycloneDX schema accepts it. */
  private static String describeSbom(byte[] sbom) throws PackFailure {
    JsonNode bom = json(Optional.of(sbom), "an SBOM").get();
    List<String> purls = bom.path("components").findValuesAsText("purl");
    long crates = purls.stream().filter(p -> p.startsWith("pkg:cargo/")).count();
    String verdict;
    try {
      SbomDocument.validate(sbom);
      verdict = "valid";
    } catch (PackFailure invalid) {
      verdict = "INVALID: " + invalid.getMessage();
    }
    return bom.path("bomFormat").asText("?")
        + " "
        + bom.path("specVersion").asText("?")
        + ", "
        + bom.path("components").size()
        + " components, "
        + crates
        + " crates ("
        + verdict
        + ")";
  }

  /** The builder and the git commit the statement records. */
  private static String describeProvenance(byte[] envelope) throws PackFailure {
    JsonNode dsse = json(Optional.of(envelope), "a provenance envelope").get();
    JsonNode statement;
    try {
      statement =
          json(
                  Optional.of(Base64.getDecoder().decode(dsse.path("payload").asText())),
                  "a provenance statement")
              .get();
    } catch (IllegalArgumentException notBase64) {
      return "an envelope whose payload is not base64";
    }
    JsonNode definition = statement.path("predicate").path("buildDefinition");
    return statement.path("predicateType").asText("?")
        + ", builder "
        + definition.path("internalParameters").path("builder").asText("?")
        + ", source "
        + definition.path("resolvedDependencies").findValuesAsText("gitCommit").stream()
            .findFirst()
            .orElse("unknown");
  }
}
