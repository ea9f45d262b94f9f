package io.attune.packbinaries.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.FileDigests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

  private static final String SHA256 = "sha256:" + "0123456789abcdef".repeat(4);
  private static final String SHA512 = "sha512:" + "0123456789abcdef".repeat(8);

  @TempDir Path temp;

  @Test
  void acceptsTheRegisteredAlgorithmsAtTheirExactLengths() throws Exception {
    Digest sha256 = Digest.parse(SHA256, "index.json", "rebuild it");
    Digest sha512 = Digest.parse(SHA512, "index.json", "rebuild it");

    assertThat(sha256.algorithm()).isEqualTo(Digest.Algorithm.SHA256);
    assertThat(sha256.encoded()).hasSize(64);
    assertThat(sha256).hasToString(SHA256);
    assertThat(sha512.algorithm()).isEqualTo(Digest.Algorithm.SHA512);
    assertThat(sha512).hasToString(SHA512);
    assertThat(sha512.algorithm().prefix()).isEqualTo("sha512");
    assertThat(Digest.isValid(SHA256)).isTrue();
    assertThat(Digest.problem(SHA512)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nocolon",
        "sha256:",
        ":abc",
        "sha256:../../../../../../../../etc/hostname",
        "sha256:/etc/hostname",
        "SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "sha256+:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        " sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      })
  void refusesEverythingElseWithTheSourceAndWhatToDo(String text) {
    assertThat(Digest.isValid(text)).isFalse();
    assertThatThrownBy(() -> Digest.parse(text, "/layout/index.json", "rebuild the layout"))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("/layout/index.json: ")
        .hasMessageEndingWith("; rebuild the layout");
    assertThatThrownBy(() -> OciLayout.blobPath(temp, text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachRefusalSaysWhatIsWrong() {
    assertThat(Digest.problem(null)).isEqualTo("the digest is missing");
    assertThat(Digest.problem("")).isEqualTo("the digest is missing");
    assertThat(Digest.problem("nocolon"))
        .isEqualTo("'nocolon' is not algorithm:encoded (e.g. sha256:<64 hex digits>)");
    assertThat(Digest.problem("md5:d41d8cd98f00b204e9800998ecf8427e"))
        .isEqualTo(
            "'md5:d41d8cd98f00b204e9800998ecf8427e' uses the algorithm 'md5';"
                + " only sha256 and sha512 are registered");
    assertThat(Digest.problem("sha256:abc"))
        .isEqualTo("'sha256:abc' is not sha256: followed by 64 lowercase hex digits");
    assertThat(Digest.problem("sha512:abc"))
        .isEqualTo("'sha512:abc' is not sha512: followed by 128 lowercase hex digits");
    assertThat(Digest.problem("sha256:abc\u0000\n")).contains("'sha256:abc??'");
  }

  @Test
  void aHugeOrHostileDigestIsShownShortened() {
    String huge = "sha256:" + "g".repeat(1_000_000);
    assertThat(Digest.problem(huge))
        .hasSize(80 + "'…' is not sha256: followed by 64 lowercase hex digits".length());
  }

  @Test
  void anAlgorithmNameOfThousandsOfComponentsIsRefusedWithoutOverflowingTheStack() {
    // The grammar's pattern recursed once per component (a registry's digest header, say).
    for (String hostile : new String[] {"a.".repeat(100_000) + "a:b", "a.".repeat(100_000)}) {
      assertThat(Digest.problem(hostile))
          .endsWith("…' is not algorithm:encoded (e.g. sha256:<64 hex digits>)");
    }
    assertThat(Digest.problem("a".repeat(64) + ":b")).contains("uses the algorithm");
    assertThat(Digest.problem("a".repeat(65) + ":b")).contains("is not algorithm:encoded");
  }

  @Test
  void hashesBytesAndFilesWithItsOwnAlgorithm() throws Exception {
    byte[] content = "hello\n".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(temp.resolve("f"), content);
    Digest digest = Digest.sha256(content);

    assertThat(digest)
        .hasToString("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    assertThat(digest.matches(content)).isTrue();
    assertThat(digest.matches(file, FileDigests.inMemory())).isTrue();
    assertThat(digest.matches("hello".getBytes(StandardCharsets.UTF_8))).isFalse();
    Files.write(file, new byte[] {1});
    assertThat(digest.matches(file, FileDigests.inMemory())).isFalse();

    Digest sha512 = Digest.of(Digest.Algorithm.SHA512, content);
    assertThat(sha512.encoded()).hasSize(128);
    assertThat(sha512.matches(content)).isTrue();
    assertThat(sha512.matches(Files.write(temp.resolve("g"), content), FileDigests.inMemory()))
        .isTrue();
  }

  @Test
  void aBlobPathStaysUnderBlobs() {
    assertThat(Digest.parseTrusted(SHA512).blobPath(temp))
        .isEqualTo(temp.resolve("blobs/sha512/" + SHA512.substring(7)));
    assertThat(OciLayout.blobPath(temp, SHA256))
        .isEqualTo(temp.resolve("blobs/sha256/" + SHA256.substring(7)));
    assertThatThrownBy(() -> new Digest(Digest.Algorithm.SHA256, "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eightyCharactersAreShownWhole() {
    String text = "x".repeat(80);
    assertThat(Digest.problem(text)).startsWith("'" + text + "' is not");
    assertThat(Digest.problem(text + "y")).startsWith("'" + text + "…' is not");
  }
}
