package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.io.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A DSSE envelope (the in-toto attestation wrapper): the payload base64-encoded, signed over its
 * pre-authentication encoding {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}.
 */
public final class Dsse {

  public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";

  private Dsse() {}

  /** The bytes a DSSE signature covers. */
  public static byte[] preAuthenticationEncoding(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] encoding = new byte[head.length + payload.length];
    System.arraycopy(head, 0, encoding, 0, head.length);
    System.arraycopy(payload, 0, encoding, head.length, payload.length);
    return encoding;
  }

  /**
   * @param keyId the key's identifier, empty when the verifier is told the key by other means
   */
  public static byte[] envelope(String payloadType, byte[] payload, SigningKey key, String keyId) {
    byte[] signature = key.sign(preAuthenticationEncoding(payloadType, payload));
    ObjectNode envelope = Json.object();
    envelope.put("payloadType", payloadType);
    envelope.put("payload", Base64.getEncoder().encodeToString(payload));
    envelope
        .putArray("signatures")
        .addObject()
        .put("keyid", keyId)
        .put("sig", Base64.getEncoder().encodeToString(signature));
    return Json.compact(envelope);
  }
}
