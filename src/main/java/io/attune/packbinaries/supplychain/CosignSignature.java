package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A key-based signature stored as cosign stores it: an OCI manifest tagged {@code sha256-<hex>.sig}
 * whose layers are simple-signing payloads naming the signed digest, each with its ECDSA signature
 * in the {@code dev.cosignproject.cosign/signature} annotation. cosign verify, and skopeo or podman
 * with a {@code sigstoreSigned} policy and {@code use-sigstore-attachments}, read it there. A new
 * signature is added beside any already present, as cosign does; the same key signing the same
 * payload again adds nothing.
 */
public final class CosignSignature {

  public static final String PAYLOAD_MEDIA_TYPE =
      "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  private final Uploads uploads;

  CosignSignature(Uploads uploads) {
    this.uploads = uploads;
  }

  /** The tag cosign reads the signatures of {@code digest} from. */
  public static String tag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /** What reading a signature tag is called in the log and in failures. */
  static String readingTag(String tag) {
    return "Reading the signatures " + tag;
  }

  /**
   * The simple-signing payload: the image's repository and the manifest digest it vouches for.
   * Keyless signing would add the Fulcio certificate and Rekor bundle as annotations of the layer.
   */
  public static byte[] payload(String repository, String digest) {
    ObjectNode root = Json.object();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", repository);
    critical.putObject("image").put("docker-manifest-digest", digest);
    critical.put("type", "cosign container image signature");
    root.putNull("optional");
    return Json.compact(root);
  }

  /** Signs {@code digest} of {@code repository}; returns whether a new signature was written. */
  public boolean sign(String repository, String digest, SigningKey key)
      throws PackFailure, IOException, InterruptedException {
    byte[] payload = payload(repository, digest);
    String payloadDigest = "sha256:" + Sha256.of(payload);
    String tag = tag(digest);
    Optional<byte[]> existing = uploads.existingManifest(readingTag(tag), tag);
    ArrayNode layers = Json.array();
    if (existing.isPresent()) {
      for (JsonNode layer : Json.parse(existing.get()).path("layers")) {
        if (layer.path("digest").asText().equals(payloadDigest) && signedBy(layer, payload, key)) {
          return false;
        }
        layers.add(layer);
      }
    }
    String signature = Base64.getEncoder().encodeToString(key.sign(payload));
    uploads.blob(payloadDigest, payload);
    ObjectNode layer =
        Referrers.descriptor(layers.addObject(), PAYLOAD_MEDIA_TYPE, payloadDigest, payload.length);
    layer.putObject("annotations").put(SIGNATURE_ANNOTATION, signature);
    List<String> diffIds = new ArrayList<>();
    layers.forEach(l -> diffIds.add(l.path("digest").asText()));
    byte[] config = config(diffIds);
    String configDigest = "sha256:" + Sha256.of(config);
    uploads.blob(configDigest, config);
    ObjectNode manifest = Json.object();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    Referrers.descriptor(
        manifest.putObject("config"), MediaTypes.OCI_CONFIG, configDigest, config.length);
    manifest.set("layers", layers);
    byte[] bytes = Json.compact(manifest);
    uploads.manifest("Pushing the signature " + tag, tag, MediaTypes.OCI_MANIFEST, bytes);
    return true;
  }

  private static boolean signedBy(JsonNode layer, byte[] payload, SigningKey key) {
    String signature = layer.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
    try {
      return key.verifies(payload, Base64.getDecoder().decode(signature));
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  /** A config as cosign writes one: the layers' digests as the rootfs, no platform. */
  private static byte[] config(List<String> layerDigests) throws IOException {
    ObjectNode config = Json.object();
    config.put("architecture", "");
    config.put("os", "");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layerDigests.forEach(diffIds::add);
    return Json.compact(config);
  }
}
