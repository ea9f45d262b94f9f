package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.supplychain.RecordedProperties;
import io.attune.packbinaries.supplychain.SigningInputs;
import io.attune.packbinaries.supplychain.SourceRevision;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fingerprint of what, besides the image and its tags, decides what a push writes: whether it
 * audits, and what its supply chain attaches and from which inputs (the documents' contents, the
 * public key that signs). Equal fingerprints and an equal index mean a rerun would attach exactly
 * what is attached already. Only digests of public things go in: the signing key counts by its
 * public key, a passphrase not at all.
 */
final class PushParameters {

  private PushParameters() {}

  static String fingerprint(ImagePush.Request request, FileDigests digests, SigningInputs signing)
      throws IOException {
    ObjectNode root = Json.object();
    root.put("audit", request.audit());
    SupplyChainRequest supplyChain = request.supplyChain();
    if (supplyChain != null && supplyChain.attachesAnything()) {
      ObjectNode attached = root.putObject("supplyChain");
      attached.put("sbom", supplyChain.sbom());
      attached.put("pluginVersion", supplyChain.pluginVersion());
      attached.put("coordinates", supplyChain.coordinates());
      attached.put("timestamp", supplyChain.timestamp().toString());
      ObjectNode properties = attached.putObject("properties");
      // As the provenance records them: what it may not record counts nowhere, so a rotated
      // registry token neither shows here nor makes a rerun push again.
      RecordedProperties.of(supplyChain.properties()).forEach(properties::put);
      attached.put("buildRecord", fileDigest(supplyChain.artifacts().buildRecord(), digests));
      if (supplyChain.sbom()) {
        attached.put("verifyReport", fileDigest(supplyChain.artifacts().verifyReport(), digests));
      }
      if (supplyChain.signs()) {
        String publicKey = signing.key().publicKeyPem();
        attached.put("publicKey", Sha256.of(publicKey.getBytes(StandardCharsets.US_ASCII)));
        // The provenance names the commit and whether the work tree differs from it.
        SourceRevision source = signing.source();
        attached.put("commit", source.commit());
        attached.put("dirty", String.valueOf(source.dirty()));
      }
    }
    return "sha256:" + Sha256.of(Json.compact(root));
  }

  private static String fileDigest(Path file, FileDigests digests) throws IOException {
    return Files.isRegularFile(file) ? digests.sha256(file) : "none";
  }
}
