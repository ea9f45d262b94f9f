package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;

/**
 * A throwaway SBOM and ECDSA P-256 signature, made so that the push later finds CycloneDX's model
 * and writer and the JVM's elliptic-curve code loaded: in a push of a few megabytes, loading them
 * costs more than the upload. See {@code publish/ReleaseWarmUp}, which runs it while cargo
 * compiles. Nothing it makes is kept.
 */
public final class SupplyChainWarmUp {

  private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

  private SupplyChainWarmUp() {}

  public static void run() throws PackFailure, GeneralSecurityException {
    SbomDocument.write(
        new SbomDocument.Subject(
            "warm-up.invalid/warm-up", "linux/amd64", ZERO_DIGEST, "0", "scratch", ZERO_DIGEST),
        List.of(
            new SbomDocument.Binary(
                "warm-up",
                "x86_64-unknown-linux-musl",
                "0".repeat(64),
                1,
                List.of(new Crate("warm-up", "0.0.0", null, null, List.of())))),
        "0",
        Instant.EPOCH);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(pair.getPrivate());
    signature.update("warm-up".getBytes(StandardCharsets.UTF_8));
    signature.sign();
  }
}
