package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Shown;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.registry.MalformedDocumentException;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.registry.RegistrySteps;
import io.attune.packbinaries.registry.ResponseTooLargeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The supply-chain part of a published image's audit: lists the SBOMs attached to its platforms'
 * manifests and the provenance attached to its index, through the referrers API or the tag schema,
 * and, given a public key, requires a cosign signature of the audited digest that the key verifies
 * and whose payload names that digest.
 *
 * <p>What the registry returns is hostile input. An attestation counts only if it is an in-toto
 * statement (its DSSE {@code payloadType}) whose {@code subject} holds the audited digest and, with
 * a key, whose signature the key verifies; only such a statement is described as this image's
 * provenance, the rest are named and skipped. A referrer that is malformed (not JSON, no layer, a
 * bad digest, over its size, unreadable) is reported and skipped: it fails only an audit that needs
 * it, one whose key must vouch for what is attached. Referrer documents are read one at a time,
 * described and dropped, their digests de-duplicated, at most {@link #MAX_REFERRERS} per subject
 * and kind and {@link #MAX_TOTAL_BYTES} in all.
 */
public final class SupplyChainAudit {

  /** The largest signature manifest, referrers index, payload or attestation read. */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /** The largest SBOM read: a workspace of thousands of crates stays well under it. */
  static final int MAX_SBOM_BYTES = 8 << 20;

  /** The most referrers of one kind read for one subject; the rest are named in a warning. */
  static final int MAX_REFERRERS = 16;

  /** The most bytes of attached documents one audit reads, all subjects together. */
  static final long MAX_TOTAL_BYTES = 32L << 20;

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
   * @param provenance whether an in-toto attestation about the digest is attached (with a key: one
   *     the key verifies)
   * @param signed whether a signature verified with the key (false when no key was given)
   */
  public record Findings(List<String> sboms, boolean provenance, boolean signed) {}

  /** Looks at one document as it is read; true when it counts. */
  @FunctionalInterface
  private interface Reader {
    boolean accept(String digest, byte[] document);
  }

  /** How many documents of a kind were attached and read, and how many counted. */
  private record Tally(int read, int accepted) {}

  private final RegistryClient client;
  private final RegistrySteps steps;
  private final BuildLog log;
  private boolean noReferrersApi;
  private long bytesRead;

  public SupplyChainAudit(RegistryClient client, RegistrySteps steps, BuildLog log) {
    this.client = client;
    this.steps = steps;
    this.log = log;
  }

  public Findings check(Request request) throws PackFailure, IOException, InterruptedException {
    List<String> sboms = new ArrayList<>();
    for (Map.Entry<String, String> platform : request.platforms().entrySet()) {
      String name = platform.getKey();
      Tally found =
          documents(
              platform.getValue(),
              SbomDocument.MEDIA_TYPE,
              MAX_SBOM_BYTES,
              (digest, sbom) -> describeSbom(name, digest, sbom));
      if (found.accepted() == 0) {
        log.info("No SBOM attached to " + name + " (" + platform.getValue() + ")");
      } else {
        sboms.add(name);
      }
    }
    String digest = request.digest();
    VerificationKey key = request.key();
    Tally attestations =
        documents(
            digest,
            Dsse.MEDIA_TYPE,
            MAX_DOCUMENT_BYTES,
            (envelopeDigest, envelope) -> attestation(digest, key, envelopeDigest, envelope));
    if (attestations.read() == 0) {
      log.info("No SLSA provenance attached to " + digest);
    }
    boolean signed = false;
    if (key != null) {
      requireSignature(request.repository(), digest, key);
      signed = true;
      requireProvenanceSignature(attestations, digest, key);
    }
    return new Findings(sboms, attestations.accepted() > 0, signed);
  }

  /** Fails unless a cosign signature of {@code digest} verifies with the key and names it. */
  private void requireSignature(String repository, String digest, VerificationKey key)
      throws PackFailure, IOException, InterruptedException {
    String tag = CosignSignature.tag(digest);
    String image = repository + "@" + digest;
    Optional<JsonNode> signatures = json(manifest(tag, false), "the signature manifest " + tag);
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
      JsonNode critical = parse(payload);
      if (critical == null) {
        continue; // signed, but not a payload any signing tool writes
      }
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
   * Where provenance is attached, at least one attestation must be a statement about this digest
   * that this key signed. A release pushed again (another commit giving the same image, or a new
   * key) adds its attestation beside the earlier ones, and an attestation signed by another key
   * says nothing against this one, as with cosign's attestations.
   */
  private void requireProvenanceSignature(Tally attestations, String digest, VerificationKey key)
      throws PackFailure {
    if (attestations.read() == 0 || attestations.accepted() > 0) {
      if (attestations.read() > 1) {
        log.info(
            "SLSA provenance of "
                + digest
                + " verifies with "
                + key.file()
                + " ("
                + (attestations.read() - attestations.accepted())
                + " more attached, by other keys, about other images or unreadable)");
      }
      return;
    }
    throw new PackFailure(
        "None of the "
            + attestations.read()
            + " attestation(s) attached to "
            + digest
            + " is an in-toto statement about "
            + digest
            + " signed by "
            + key.file()
            + ": they were replaced or changed after the push, signed with another key, or"
            + " vouch for another image. Push and sign the image again.");
  }

  /**
   * Whether {@code envelope} is an attestation of {@code digest}: a DSSE envelope of an in-toto
   * statement whose subject holds the digest, signed by {@code key} when there is one. Described
   * when it is; named and skipped when not.
   */
  private boolean attestation(
      String digest, VerificationKey key, String envelopeDigest, byte[] envelope) {
    String named = "An attestation " + envelopeDigest + " attached to " + digest;
    JsonNode dsse = parse(envelope);
    if (dsse == null || !dsse.isObject()) {
      log.warn(named + " is not a DSSE envelope (not a JSON object); skipped");
      return false;
    }
    String payloadType = dsse.path("payloadType").asText("");
    if (!Provenance.PAYLOAD_TYPE.equals(payloadType)) {
      log.warn(
          named
              + " has the payloadType '"
              + Shown.printable(payloadType, 80)
              + "', not "
              + Provenance.PAYLOAD_TYPE
              + "; skipped");
      return false;
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(dsse.path("payload").asText(""));
    } catch (IllegalArgumentException notBase64) {
      log.warn(named + " has a payload that is not base64; skipped");
      return false;
    }
    if (key != null && !signedBy(dsse, payloadType, payload, key)) {
      // An earlier push's, signed with an earlier key, is no alarm: information.
      log.info(
          named + " is unsigned: no signature of it verifies with " + key.file() + "; skipped");
      return false;
    }
    JsonNode statement = parse(payload);
    if (statement == null || !statement.isObject()) {
      log.warn(named + " holds a statement that is not a JSON object; skipped");
      return false;
    }
    List<String> subjects = subjectDigests(statement);
    if (!subjects.contains(digest)) {
      log.warn(
          named
              + " is a statement about "
              + (subjects.isEmpty()
                  ? "no digest"
                  : Shown.printable(String.join(", ", subjects), 300))
              + ", not about "
              + digest
              + "; skipped");
      return false;
    }
    log.info(
        "SLSA provenance of "
            + digest
            + (key != null
                ? " (signed, verifies with " + key.file() + ")"
                : " (unsigned as far as this audit knows: give -D"
                    + PropertyNames.VERIFY_PUBLIC_KEY
                    + " to check it)")
            + ": "
            + describeProvenance(statement));
    return true;
  }

  private static boolean signedBy(
      JsonNode dsse, String payloadType, byte[] payload, VerificationKey key) {
    byte[] pae = Dsse.preAuthenticationEncoding(payloadType, payload);
    for (JsonNode signature : dsse.path("signatures")) {
      try {
        if (key.verifies(pae, Base64.getDecoder().decode(signature.path("sig").asText("")))) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // this one verifies with no key
      }
    }
    return false;
  }

  /** The statement's subject digests, as {@code algorithm:hex}. */
  static List<String> subjectDigests(JsonNode statement) {
    List<String> digests = new ArrayList<>();
    for (JsonNode subject : statement.path("subject")) {
      JsonNode digest = subject.path("digest");
      for (Iterator<Map.Entry<String, JsonNode>> it = digest.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getValue().isTextual()) {
          digests.add(entry.getKey() + ":" + entry.getValue().asText());
        }
      }
    }
    return digests;
  }

  /**
   * Reads the documents of the referrers of {@code subject} with that artifact type one at a time
   * and hands each to {@code reader}, keeping none. A malformed listing, artifact or document is
   * reported and skipped; a refused request or an untrusted certificate still fails.
   */
  private Tally documents(String subject, String artifactType, int maxBytes, Reader reader)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> listing = noReferrersApi ? Optional.empty() : referrersApi(subject);
    String listingName = "the referrers of " + subject;
    if (listing.isEmpty()) {
      String tag = Referrers.fallbackTag(subject);
      listing = manifest(tag, true);
      listingName = "the referrers tag " + tag;
    }
    if (listing.isEmpty()) {
      return new Tally(0, 0);
    }
    JsonNode index = parse(listing.get());
    if (index == null || !index.isObject()) {
      log.warn(Shown.printable(listingName, 200) + " is not a JSON object; skipped");
      return new Tally(0, 0);
    }
    Set<String> artifacts = new HashSet<>();
    Set<String> layers = new HashSet<>();
    int read = 0;
    int accepted = 0;
    int beyondLimit = 0;
    // The last listed first: a referrers tag lists each attachment after those before it, so a
    // release attached again (another key, another commit of the same image) is read even when
    // more than the bound are listed.
    List<JsonNode> entries = new ArrayList<>();
    index.path("manifests").forEach(entries::add);
    Collections.reverse(entries);
    for (JsonNode entry : entries) {
      if (!artifactType.equals(entry.path("artifactType").asText())) {
        continue;
      }
      String digest = entry.path("digest").asText("");
      if (Digest.problem(digest) != null) {
        log.warn(listingName + " names an artifact with an invalid digest; skipped");
        continue;
      }
      if (!artifacts.add(digest)) {
        continue; // listed twice
      }
      if (artifacts.size() > MAX_REFERRERS) {
        beyondLimit++;
        continue;
      }
      String artifactName = "The " + artifactType + " artifact " + digest + " of " + subject;
      if (entry.path("size").asLong() > MAX_DOCUMENT_BYTES) {
        log.warn(artifactName + " is larger than the audit reads; skipped");
        continue;
      }
      Optional<byte[]> manifest = manifest(digest, true);
      JsonNode artifact = manifest.map(SupplyChainAudit::parse).orElse(null);
      if (artifact == null || !artifact.isObject()) {
        log.warn(
            artifactName + (manifest.isEmpty() ? " is missing" : " is not JSON") + "; skipped");
        continue;
      }
      if (!subject.equals(artifact.path("subject").path("digest").asText())) {
        log.warn(artifactName + " names another subject; skipped");
        continue;
      }
      JsonNode layer = artifact.path("layers").path(0);
      String layerDigest = layer.path("digest").asText("");
      long size = layer.path("size").asLong(-1);
      if (Digest.problem(layerDigest) != null) {
        log.warn(artifactName + " has no layer with a valid digest; skipped");
        continue;
      }
      if (!layers.add(layerDigest)) {
        continue; // the same document through another artifact
      }
      if (size < 0 || size > maxBytes) {
        log.warn(
            artifactName
                + " declares a document of "
                + size
                + " bytes; the audit reads at most "
                + maxBytes
                + "; skipped");
        continue;
      }
      if (bytesRead + size > MAX_TOTAL_BYTES) {
        log.warn(
            artifactName
                + " would take the audit past the "
                + (MAX_TOTAL_BYTES >> 20)
                + " MiB it reads of attached documents; skipped");
        continue;
      }
      read++;
      byte[] document;
      try {
        document = steps.run("Reading " + layerDigest, () -> client.blob(layerDigest));
      } catch (IOException unreadable) {
        log.warn(artifactName + " could not be read (" + unreadable.getMessage() + "); skipped");
        continue;
      }
      bytesRead += document.length;
      if (document.length > maxBytes) {
        log.warn(artifactName + " sent more than the audit reads; skipped");
        continue;
      }
      if (reader.accept(layerDigest, document)) {
        accepted++;
      }
    }
    if (beyondLimit > 0) {
      log.warn(
          beyondLimit
              + " more "
              + artifactType
              + " artifacts are attached to "
              + subject
              + " than the "
              + MAX_REFERRERS
              + " the audit reads; not read");
    }
    return new Tally(read, accepted);
  }

  private Optional<byte[]> referrersApi(String subject)
      throws PackFailure, IOException, InterruptedException {
    Optional<byte[]> index =
        steps.run("Asking the referrers API for " + subject, () -> client.referrers(subject));
    noReferrersApi = index.isEmpty();
    return index;
  }

  /**
   * The manifest under {@code reference}, or empty when there is none. A tolerant read reports one
   * that is malformed or too large and skips it; otherwise that fails the audit.
   */
  private Optional<byte[]> manifest(String reference, boolean tolerant)
      throws PackFailure, IOException, InterruptedException {
    byte[] content =
        steps.run(
            "Reading " + reference,
            () -> {
              try {
                return client.manifest(reference).content();
              } catch (MalformedDocumentException e) {
                if (!tolerant) {
                  throw e;
                }
                log.warn(e.getMessage() + "; skipped");
                return null;
              } catch (RegistryException e) {
                if (e.status() == 404) {
                  return null;
                }
                throw e;
              } catch (ResponseTooLargeException e) {
                if (!tolerant) {
                  throw e;
                }
                return new byte[MAX_DOCUMENT_BYTES + 1];
              }
            });
    if (content != null && content.length > MAX_DOCUMENT_BYTES) {
      if (!tolerant) {
        throw new PackFailure(reference + " is larger than the audit reads");
      }
      log.warn(reference + " is larger than the audit reads; skipped");
      return Optional.empty();
    }
    return Optional.ofNullable(content);
  }

  /** A JSON value, or null when the bytes are not JSON. */
  private static JsonNode parse(byte[] bytes) {
    try {
      return Json.parseWhole(bytes);
    } catch (IOException notJson) {
      return null;
    }
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

  /** Its format, size, crates and whether the CycloneDX schema accepts it; false if not JSON. */
  private boolean describeSbom(String platform, String digest, byte[] sbom) {
    JsonNode bom = parse(sbom);
    if (bom == null || !bom.isObject()) {
      log.warn("The SBOM " + digest + " of " + platform + " is not JSON; skipped");
      return false;
    }
    List<String> purls = bom.path("components").findValuesAsText("purl");
    long crates = purls.stream().filter(p -> p.startsWith("pkg:cargo/")).count();
    String verdict;
    try {
      SbomDocument.validate(sbom);
      verdict = "valid";
    } catch (PackFailure invalid) {
      verdict = "INVALID: " + invalid.getMessage();
    }
    log.info(
        "SBOM of "
            + platform
            + ": "
            + Shown.printable(bom.path("bomFormat").asText("?"), 40)
            + " "
            + Shown.printable(bom.path("specVersion").asText("?"), 40)
            + ", "
            + bom.path("components").size()
            + " components, "
            + crates
            + " crates ("
            + verdict
            + ")");
    return true;
  }

  /** The predicate type, builder and git commit the statement records. */
  private static String describeProvenance(JsonNode statement) {
    JsonNode definition = statement.path("predicate").path("buildDefinition");
    return Shown.printable(statement.path("predicateType").asText("?"), 100)
        + ", builder "
        + Shown.printable(definition.path("internalParameters").path("builder").asText("?"), 300)
        + ", source "
        + Shown.printable(
            definition.path("resolvedDependencies").findValuesAsText("gitCommit").stream()
                .findFirst()
                .orElse("unknown"),
            100);
  }
}
