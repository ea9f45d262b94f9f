package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing key's public key is derived from its private key, not read from the optional field of
 * the PKCS#8 file: a file without it works, and a file whose field holds another key's point is
 * refused. openssl is the reference for the derived point.
 */
class SigningKeyTest {

  @TempDir Path temp;

  @BeforeEach
  void openssl() {
    TestEnvironment.requireTool("openssl");
  }

  private String opensslPublicKey(Path key) throws Exception {
    return Fixtures.run("openssl", "pkey", "-in", key.toString(), "-pubout");
  }

  private static byte[] der(Path pem) throws Exception {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    return Base64.getMimeDecoder()
        .decode(
            text.substring(
                text.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                text.indexOf("-----END PRIVATE KEY-----")));
  }

  private Path pem(String name, byte[] der) throws Exception {
    return Files.writeString(
        temp.resolve(name),
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END PRIVATE KEY-----\n",
        StandardCharsets.US_ASCII);
  }

  @Test
  void theDerivedPublicKeyIsOpensslsForTwentyKeys() throws Exception {
    for (int i = 0; i < 20; i++) {
      Path key = Fixtures.signingKey(temp.resolve("key" + i + ".pem"));
      long start = System.nanoTime();
      SigningKey read = SigningKey.read(key, null);
      if (i == 19) {
        System.out.println("read and derived in " + (System.nanoTime() - start) / 1000 + " µs");
      }
      assertThat(read.publicKeyPem().replace("\n", ""))
          .isEqualTo(opensslPublicKey(key).replace("\n", ""));
    }
  }

  @Test
  void aKeyFileWithoutItsPublicPointWorks() throws Exception {
    Path original = Fixtures.signingKey(temp.resolve("full.pem"));
    ECPrivateKey parsed =
        (ECPrivateKey)
            KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(original)));
    // The JDK writes the secret alone, without the optional public key.
    byte[] bare =
        KeyFactory.getInstance("EC")
            .generatePrivate(new ECPrivateKeySpec(parsed.getS(), parsed.getParams()))
            .getEncoded();
    assertThat(SigningKey.publicPoint(bare)).isEmpty();

    SigningKey key = SigningKey.read(pem("bare.pem", bare), null);

    assertThat(key.publicKeyPem().replace("\n", ""))
        .isEqualTo(opensslPublicKey(original).replace("\n", ""));
  }

  @Test
  void aFileCarryingAnotherKeysPublicPointIsRefused() throws Exception {
    byte[] mine = der(Fixtures.signingKey(temp.resolve("mine.pem")));
    byte[] theirs = der(Fixtures.signingKey(temp.resolve("theirs.pem")));
    assertThat(SigningKey.publicPoint(mine)).isPresent();
    // My secret with their public point: what it signs, their key would be asked to verify.
    byte[] spliced = Arrays.copyOf(mine, mine.length);
    System.arraycopy(theirs, theirs.length - 64, spliced, spliced.length - 64, 64);
    Path file = pem("spliced.pem", spliced);

    assertThatThrownBy(() -> SigningKey.read(file, null))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pack.sign.key=" + file)
        .hasMessageContaining("carries a public key that does not belong to its private key");
  }
}
