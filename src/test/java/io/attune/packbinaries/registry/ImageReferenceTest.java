package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.publish.ImagePush;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void parsesHostPortPathTagAndDigest() throws Exception {
    String digest = "sha256:" + "0".repeat(64);
    ImageReference reference =
        ImageReference.parse("127.0.0.1:5000/attune/pack-binaries-init:1.0@" + digest);

    assertThat(reference.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(reference.repository()).isEqualTo("attune/pack-binaries-init");
    assertThat(reference.tag()).isEqualTo("1.0");
    assertThat(reference.digest()).isEqualTo(digest);
    assertThat(reference.manifestReference()).isEqualTo(digest);
    assertThat(reference.repositoryName()).isEqualTo("127.0.0.1:5000/attune/pack-binaries-init");
  }

  @Test
  void requiresARegistryHost() {
    assertThatThrownBy(() -> ImageReference.parse("attune/pack-binaries-init"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("names no registry host");
  }

  @Test
  void aRegistryNoUrlCanNameIsRefusedWhereItIsWritten() throws Exception {
    // Found by RegistryAnswersFuzzTest: these reached the client and failed there unchecked.
    for (String registry :
        List.of(
            "my registry.example",
            "registr%zzy.example",
            "[::1:5000",
            "[:]1]:5000",
            "[:::::]:5000",
            "r.example:99999",
            "r.example:0",
            "r.example:",
            "-r.example",
            "r..example:5000",
            "r.example:65536",
            "r.example#x",
            "r.example?x",
            "r.123")) { // a host Java's URI cannot name: the top label starts with a digit
      assertThatThrownBy(() -> ImageReference.parse(registry + "/attune/x"))
          .as(registry)
          .isInstanceOf(PackFailure.class)
          .hasMessage(
              "'"
                  + registry
                  + "/attune/x': '"
                  + registry
                  + "' is not a registry host (a DNS name or an IP address, then :PORT if needed)");
    }
    for (String registry :
        List.of("[::1]:5000", "[::1]", "10.0.0.1:443", "r-1.example:5000", "r.example:65535")) {
      assertThat(ImageReference.parse(registry + "/attune/x").registry()).isEqualTo(registry);
    }
  }

  @Test
  void aReferenceOfTheLongestLengthIsRead() throws Exception {
    String longest = "r.example/" + "a".repeat(ImageReference.MAX_LENGTH - "r.example/".length());
    assertThat(ImageReference.parse(longest).toString()).isEqualTo(longest);
    assertThatThrownBy(() -> ImageReference.parse(longest + "a"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("no image reference is longer than");
  }

  @Test
  void aReferenceLongerThanAnyRealOneIsRefusedBeforeItIsMatched() {
    String path = "a/".repeat(20_000) + "a";
    assertThatThrownBy(() -> ImageReference.parse("r.example/" + path))
        .isInstanceOf(PackFailure.class)
        .hasMessageEndingWith(
            "is 40011 characters long; no image reference is longer than "
                + ImageReference.MAX_LENGTH);
  }

  @Test
  void pushTargetIsARepositoryWithoutTag() {
    assertThatThrownBy(() -> ImagePush.target("registry.example.com/attune/x:1.0"))
        .hasMessageContaining("give the repository only (registry.example.com/attune/x)");
    assertThatThrownBy(() -> ImagePush.target(null))
        .hasMessageStartingWith("pack.image is not set: mvn deploy would build everything");
  }

  @Test
  void aNameWithNeitherSlashNorColonNamesNoRegistry() {
    for (String text :
        List.of(
            "busybox",
            "localhost",
            "registry.example.com",
            "host:5000",
            "Localhost/a",
            "a",
            "/a")) {
      assertThatThrownBy(() -> ImageReference.parse(text))
          .isInstanceOf(PackFailure.class)
          .hasMessage(
              "'"
                  + text
                  + "' names no registry host; write it as REGISTRY/PATH, e.g."
                  + " registry.example.com/attune/pack-binaries-init");
    }
  }

  @Test
  void aHostIsADottedNameAPortOrLocalhost() throws Exception {
    assertThat(ImageReference.parse("localhost/a").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("r.example/a").registry()).isEqualTo("r.example");
    assertThat(ImageReference.parse("r:5000/a").registry()).isEqualTo("r:5000");
    assertThat(ImageReference.parse("  r.example/a/b  ").repository()).isEqualTo("a/b");
    assertThatThrownBy(() -> ImageReference.parse("library/busybox:1"))
        .hasMessageContaining("names no registry host");
    assertThatThrownBy(() -> ImageReference.parse("localhostx/a"))
        .hasMessageContaining("names no registry host");
  }

  @Test
  void tagsRepositoriesAndDigestsAreChecked() throws Exception {
    assertThatThrownBy(() -> ImageReference.parse("r.example/a:-bad"))
        .isInstanceOf(PackFailure.class)
        .hasMessage("'r.example/a:-bad': '-bad' is not a valid tag");
    assertThatThrownBy(() -> ImageReference.parse("r.example/a:"))
        .hasMessage("'r.example/a:': '' is not a valid tag");
    assertThatThrownBy(() -> ImageReference.parse("r.example/A/b"))
        .hasMessageContaining("'A/b' is not a valid repository path");
    assertThatThrownBy(() -> ImageReference.parse("r.example/"))
        .hasMessageContaining("'' is not a valid repository path");
    assertThatThrownBy(() -> ImageReference.parse("r.example/a@sha256:../../x"))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("'r.example/a@sha256:../../x': the digest after @ is not valid: ");
    assertThatThrownBy(() -> ImageReference.parse("r.example/a@nocolon"))
        .hasMessageContaining("'nocolon' is not algorithm:encoded");
    String sha512 = "sha512:" + "ab".repeat(64);
    assertThat(ImageReference.parse("r.example/a@" + sha512).digest()).isEqualTo(sha512);
    assertThat(ImageReference.parse("r.example/a:" + "t".repeat(128)).tag()).hasSize(128);
    assertThatThrownBy(() -> ImageReference.parse("r.example/a:" + "t".repeat(129)))
        .hasMessageContaining("is not a valid tag");
  }

  @Test
  void tagAndDigestVariantsAndTheirText() throws Exception {
    String digest = "sha256:" + "1".repeat(64);
    ImageReference plain = ImageReference.parse("r.example:5000/a/b");

    assertThat(plain.tag()).isNull();
    assertThat(plain.digest()).isNull();
    assertThat(plain.manifestReference()).isEqualTo("latest");
    assertThat(plain).hasToString("r.example:5000/a/b");
    ImageReference tagged = plain.withTag("1.0");
    assertThat(tagged.manifestReference()).isEqualTo("1.0");
    assertThat(tagged).hasToString("r.example:5000/a/b:1.0");
    ImageReference pinned = tagged.withDigest(digest);
    assertThat(pinned.tag()).isNull();
    assertThat(pinned.manifestReference()).isEqualTo(digest);
    assertThat(pinned).hasToString("r.example:5000/a/b@" + digest);
    assertThat(pinned.withTag("2").digest()).isNull();
    assertThat(ImageReference.parse("r.example/a:1@" + digest))
        .hasToString("r.example/a:1@" + digest);
  }

  @Test
  void aTagWithoutRepositoryIsAnEmptyRepository() {
    assertThatThrownBy(() -> ImageReference.parse("r.example/:1.0"))
        .hasMessage(
            "'r.example/:1.0': '' is not a valid repository path (lowercase letters, digits,"
                + " '.', '_', '-', separated by '/')");
  }
}
