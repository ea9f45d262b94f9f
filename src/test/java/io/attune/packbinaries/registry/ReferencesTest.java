package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.oci.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What may become part of a registry URL: digests by the OCI grammar and a registered algorithm (as
 * {@link Digest} decides for the whole plugin), tags and repository names by the distribution
 * spec's.
 */
class ReferencesTest {

  private static final String SHA256 = "sha256:" + "a".repeat(64);
  private static final String SHA512 = "sha512:" + "0".repeat(128);

  @Test
  void digestsOfTheRegisteredAlgorithmsPass() throws RegistryException {
    assertThat(References.digest(SHA256)).hasToString(SHA256);
    assertThat(References.digest(SHA512)).hasToString(SHA512);
    assertThat(References.manifest(SHA256)).isEqualTo(SHA256);
  }

  @Test
  void everyDigestTheSharedParserRefusesIsRefusedWithItsReason() {
    for (String bad :
        List.of(
            "sha256:../../../v2/_catalog",
            "sha256:" + "A".repeat(64),
            "sha256:" + "a".repeat(63),
            "md5:" + "a".repeat(32),
            "sha256",
            "")) {
      assertThatThrownBy(() -> References.digest(bad))
          .as(bad)
          .isInstanceOf(RegistryException.class)
          .hasMessage(Digest.problem(bad))
          .satisfies(e -> assertThat(((RegistryException) e).isTransient()).isFalse());
    }
    assertThatThrownBy(() -> References.digest(null)).hasMessage("the digest is missing");
    assertThatThrownBy(() -> References.manifest("sha256:../x"))
        .hasMessageContaining("is not algorithm:encoded");
  }

  @Test
  void aDigestOutsideTheGrammarNeverReachesTheRegistry() {
    // Nothing listens on port 9 of this machine: a request would fail differently.
    HttpRegistryClient client = new HttpRegistryClient("127.0.0.1:9", "x/y", null, false);
    assertThatThrownBy(() -> client.hasBlob("sha256:../../../v2/_catalog"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("is not algorithm:encoded");
  }

  @Test
  void tagsAndRepositories() throws RegistryException {
    assertThat(References.manifest("1.0.0-rc.1")).isEqualTo("1.0.0-rc.1");
    assertThatThrownBy(() -> References.manifest(".hidden")).hasMessageContaining("neither a tag");
    assertThatThrownBy(() -> References.manifest("a".repeat(129)))
        .hasMessageContaining("neither a tag");
    assertThat(References.repository("attune/pack-binaries-init"))
        .isEqualTo("attune/pack-binaries-init");
    assertThatThrownBy(() -> References.repository("Attune/x"))
        .hasMessageContaining("not a valid repository name");
    assertThatThrownBy(() -> References.repository("a/../b"))
        .hasMessageContaining("not a valid repository name");
  }
}
