package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A public key to check signatures with: a PEM {@code BEGIN PUBLIC KEY} file, as the push writes
 * {@code cosign.pub}, {@code cosign generate-key-pair} writes it, and {@code openssl pkey -pubout}
 * prints it.
 */
public final class VerificationKey {

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private final Path file;
  private final PublicKey key;

  private VerificationKey(Path file, PublicKey key) {
    this.file = file;
    this.key = key;
  }

  /**
   * @param property the property that named the file, for the messages
   */
  public static VerificationKey read(Path file, String property) throws PackFailure, IOException {
    if (!Files.isRegularFile(file)) {
      throw new PackFailure(
          property
              + "="
              + file
              + " does not exist; point it at the public key the image was signed for (the push"
              + " writes it as target/pack-binaries/supply-chain/cosign.pub)");
    }
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new PackFailure(
          property
              + "="
              + file
              + " holds no PEM public key (BEGIN PUBLIC KEY); write one with openssl pkey -in KEY"
              + " -pubout");
    }
    try {
      byte[] der =
          Base64.getDecoder()
              .decode(pem.substring(begin + BEGIN.length(), end).replaceAll("\\s", ""));
      return new VerificationKey(
          file, KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new PackFailure(
          property + "=" + file + " is not an EC public key (" + e.getMessage() + ")", e);
    }
  }

  public Path file() {
    return file;
  }

  /** Whether {@code signature} (DER ECDSA over SHA-256) is this key's over {@code content}. */
  public boolean verifies(byte[] content, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(content);
      return verifier.verify(signature);
    } catch (GeneralSecurityException malformed) {
      return false;
    }
  }
}
