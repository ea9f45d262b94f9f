package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import java.io.IOException;

/**
 * What a signed push reads once and uses twice: the signing key (decrypted and self-tested) and the
 * sources' revision (two git commands). The push's fingerprint counts both; its documents sign with
 * the key and name the revision.
 *
 * @param key the signing key; null when the push does not sign
 * @param source the commit the provenance names; null when the push does not sign
 */
public record SigningInputs(SigningKey key, SourceRevision source) {

  public static SigningInputs read(SupplyChainRequest request)
      throws PackFailure, IOException, InterruptedException {
    if (request == null || !request.signs()) {
      return new SigningInputs(null, null);
    }
    return new SigningInputs(
        SigningKey.read(request.signingKey(), request.passphrase()),
        SourceRevision.of(request.sourceDirectory()));
  }
}
