package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * An ECDSA P-256 signing key from a PEM file holding a PKCS#8 key ({@code BEGIN PRIVATE KEY}, or
 * {@code BEGIN ENCRYPTED PRIVATE KEY} with a passphrase), as {@code openssl genpkey} and {@code
 * openssl pkcs8 -topk8} write them. Signatures are DER-encoded ECDSA over SHA-256, the form cosign,
 * DSSE and {@code openssl dgst -verify} use.
 */
public final class SigningKey {

  private static final String PLAIN = "PRIVATE KEY";
  private static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";

  /** The order of P-256's base point, which tells the curve apart from any other. */
  private static final BigInteger P256_ORDER =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private final ECPrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(ECPrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * @param passphrase for an encrypted key; null when none was configured
   */
  public static SigningKey read(Path file, Secret passphrase) throws PackFailure, IOException {
    if (!Files.isRegularFile(file)) {
      throw new PackFailure(
          PropertyNames.SIGN_KEY
              + "="
              + file
              + " does not exist; point it at a PEM PKCS#8 EC P-256 key (openssl genpkey"
              + " -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cosign.key)");
    }
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      if (pem.contains("-----BEGIN " + ENCRYPTED + "-----")) {
        return fromPkcs8(decrypt(pemBody(pem, ENCRYPTED, file), passphrase, file), file);
      }
      if (pem.contains("-----BEGIN " + PLAIN + "-----")) {
        return fromPkcs8(pemBody(pem, PLAIN, file), file);
      }
    } catch (GeneralSecurityException e) {
      throw new PackFailure(
          PropertyNames.SIGN_KEY
              + "="
              + file
              + " is not a usable PKCS#8 EC key ("
              + e.getMessage()
              + ")",
          e);
    }
    throw new PackFailure(
        PropertyNames.SIGN_KEY
            + "="
            + file
            + " holds no PKCS#8 key (BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY); convert it"
            + " with openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out cosign.key");
  }

  /** DER-encoded ECDSA P-256 over SHA-256 of {@code content}. */
  public byte[] sign(byte[] content) {
    try {
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(privateKey);
      signature.update(content);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM signs with ECDSA P-256", e);
    }
  }

  /** Whether {@code signature} is this key's over {@code content}. */
  public boolean verifies(byte[] content, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(content);
      return verifier.verify(signature);
    } catch (GeneralSecurityException malformed) {
      return false;
    }
  }

  /** The public key as PEM ({@code BEGIN PUBLIC KEY}), for cosign, skopeo and openssl. */
  public String publicKeyPem() {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(publicKey.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  private static byte[] pemBody(String pem, String label, Path file) throws PackFailure {
    int start = pem.indexOf("-----BEGIN " + label + "-----");
    int end = pem.indexOf("-----END " + label + "-----", start);
    if (end < 0) {
      throw new PackFailure(PropertyNames.SIGN_KEY + "=" + file + " has no END " + label + " line");
    }
    String base64 = pem.substring(start + label.length() + 16, end).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new PackFailure(
          PropertyNames.SIGN_KEY + "=" + file + " is not valid PEM (" + e.getMessage() + ")");
    }
  }

  private static byte[] decrypt(byte[] der, Secret passphrase, Path file)
      throws PackFailure, IOException {
    if (passphrase == null) {
      throw new PackFailure(
          PropertyNames.SIGN_KEY
              + "="
              + file
              + " is encrypted and no passphrase was given; put it in a settings.xml <server> with"
              + " id pack-binaries-signing (<password>, encrypted with mvn --encrypt-password), or"
              + " in an environment variable named by "
              + PropertyNames.SIGN_PASSPHRASE_ENV);
    }
    char[] chars = passphrase.chars();
    try {
      EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
      // For PBES2 keys the parameters name the real scheme, e.g. PBEWithHmacSHA256AndAES_256.
      String algorithm =
          info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
      SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(
          Cipher.DECRYPT_MODE,
          factory.generateSecret(new PBEKeySpec(chars)),
          info.getAlgParameters());
      return info.getKeySpec(cipher).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new PackFailure(
          "Could not decrypt "
              + PropertyNames.SIGN_KEY
              + "="
              + file
              + ": wrong passphrase, or an encryption this JVM lacks (write it with openssl pkcs8"
              + " -topk8 -v2 aes-256-cbc)");
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private static SigningKey fromPkcs8(byte[] der, Path file)
      throws PackFailure, GeneralSecurityException {
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    if (!(key instanceof ECPrivateKey ec) || !ec.getParams().getOrder().equals(P256_ORDER)) {
      throw new PackFailure(
          PropertyNames.SIGN_KEY
              + "="
              + file
              + " is not an ECDSA P-256 key; cosign signatures need one (openssl genpkey"
              + " -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
    }
    ECParameterSpec params = ec.getParams();
    // The point a PKCS#8 file usually carries is taken only because the self-test below proves
    // it: a signature made with the secret verifies with it. Without one, it is derived (k·G).
    Optional<ECPoint> carried = publicPoint(der);
    ECPoint point = carried.isPresent() ? carried.get() : multiply(params, ec.getS());
    PublicKey publicKey =
        KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
    SigningKey signingKey = new SigningKey(ec, publicKey);
    byte[] probe = "pack-binaries signing key self-test".getBytes(StandardCharsets.US_ASCII);
    if (carried.isPresent() && !onCurve(params, point)
        || !signingKey.verifies(probe, signingKey.sign(probe))) {
      throw new PackFailure(
          carried.isPresent()
              ? PropertyNames.SIGN_KEY
                  + "="
                  + file
                  + " carries a public key that does not belong to its private key: the file was"
                  + " altered or pieced together from two keys, and what it signs would not verify"
                  + " with the public key it states. Write the key again from its source (openssl"
                  + " pkey -in KEY -out cosign.key, with -aes-256-cbc to encrypt it), or make a new"
                  + " one"
              : PropertyNames.SIGN_KEY
                  + "="
                  + file
                  + " signs what its own public key does not verify; the key is damaged. Make a new"
                  + " one (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
    }
    return signingKey;
  }

  /**
   * {@code k}·G on the key's curve (a short Weierstrass curve over a prime field, as P-256 is),
   * with a Montgomery ladder over affine points: the JDK computes public points only inside its
   * provider, out of reach, so this is the textbook arithmetic over {@link BigInteger}. It runs
   * only for a key file that carries no public point.
   */
  static ECPoint multiply(ECParameterSpec params, BigInteger k) throws GeneralSecurityException {
    if (!(params.getCurve().getField() instanceof ECFieldFp field)) {
      throw new GeneralSecurityException("not a curve over a prime field");
    }
    if (k.signum() <= 0 || k.compareTo(params.getOrder()) >= 0) {
      throw new GeneralSecurityException("the private scalar is out of range");
    }
    BigInteger p = field.getP();
    BigInteger a = params.getCurve().getA();
    ECPoint r0 = ECPoint.POINT_INFINITY;
    ECPoint r1 = params.getGenerator();
    for (int i = params.getOrder().bitLength() - 1; i >= 0; i--) {
      if (k.testBit(i)) {
        r0 = add(r0, r1, p, a);
        r1 = twice(r1, p, a);
      } else {
        r1 = add(r0, r1, p, a);
        r0 = twice(r0, p, a);
      }
    }
    if (!onCurve(params, r0)) {
      throw new GeneralSecurityException("the derived public point is not on the curve");
    }
    return r0;
  }

  /** Whether {@code point} is a finite point of the key's curve (y² = x³ + ax + b mod p). */
  private static boolean onCurve(ECParameterSpec params, ECPoint point) {
    if (point.equals(ECPoint.POINT_INFINITY)
        || !(params.getCurve().getField() instanceof ECFieldFp field)) {
      return false;
    }
    BigInteger p = field.getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    return y.multiply(y)
            .subtract(
                x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()))
            .mod(p)
            .signum()
        == 0;
  }

  private static ECPoint add(ECPoint q, ECPoint r, BigInteger p, BigInteger a) {
    if (q.equals(ECPoint.POINT_INFINITY)) {
      return r;
    }
    if (r.equals(ECPoint.POINT_INFINITY)) {
      return q;
    }
    if (q.getAffineX().equals(r.getAffineX())) {
      return q.getAffineY().add(r.getAffineY()).mod(p).signum() == 0
          ? ECPoint.POINT_INFINITY
          : twice(q, p, a);
    }
    BigInteger slope =
        r.getAffineY()
            .subtract(q.getAffineY())
            .multiply(r.getAffineX().subtract(q.getAffineX()).modInverse(p))
            .mod(p);
    BigInteger x = slope.multiply(slope).subtract(q.getAffineX()).subtract(r.getAffineX()).mod(p);
    BigInteger y = slope.multiply(q.getAffineX().subtract(x)).subtract(q.getAffineY()).mod(p);
    return new ECPoint(x, y);
  }

  private static ECPoint twice(ECPoint q, BigInteger p, BigInteger a) {
    if (q.equals(ECPoint.POINT_INFINITY) || q.getAffineY().signum() == 0) {
      return ECPoint.POINT_INFINITY;
    }
    BigInteger x1 = q.getAffineX();
    BigInteger slope =
        x1.multiply(x1)
            .multiply(BigInteger.valueOf(3))
            .add(a)
            .multiply(q.getAffineY().shiftLeft(1).modInverse(p))
            .mod(p);
    BigInteger x = slope.multiply(slope).subtract(x1.shiftLeft(1)).mod(p);
    BigInteger y = slope.multiply(x1.subtract(x)).subtract(q.getAffineY()).mod(p);
    return new ECPoint(x, y);
  }

  /**
   * The uncompressed public point a PKCS#8 EC key usually carries at its end ({@code [1] BIT STRING
   * 04 || X || Y}), only to check it against the one derived from the secret.
   */
  static Optional<ECPoint> publicPoint(byte[] der) {
    byte[] marker = {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04};
    int at = der.length - 64 - marker.length;
    if (at < 0 || !Arrays.equals(der, at, at + marker.length, marker, 0, marker.length)) {
      return Optional.empty();
    }
    int x = at + marker.length;
    return Optional.of(
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(der, x, x + 32)),
            new BigInteger(1, Arrays.copyOfRange(der, x + 32, x + 64))));
  }
}
