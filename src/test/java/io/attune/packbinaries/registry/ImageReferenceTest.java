package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.publish.ImagePush;
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
  void pushTargetIsARepositoryWithoutTag() {
    assertThatThrownBy(() -> ImagePush.target("registry.example.com/attune/x:1.0"))
        .hasMessageContaining("give the repository only (registry.example.com/attune/x)");
    assertThatThrownBy(() -> ImagePush.target(null))
        .hasMessageStartingWith("pack.image is not set: mvn deploy would build everything");
  }

  @Test
  void aHostIsADottedNameAPortOrLocalhost() throws Exception {
    assertThat(ImageReference.parse("localhost/a").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("localhost:5000/a").registry()).isEqualTo("localhost:5000");
    assertThat(ImageReference.parse(" registry.example/a/b ").repository()).isEqualTo("a/b");
    assertThat(ImageReference.parse("127.0.0.1:5000/a").tag()).isNull();
    for (String hostless : new String[] {"library/busybox", "Localhost/a", "a", "/a"}) {
      assertThatThrownBy(() -> ImageReference.parse(hostless))
          .isInstanceOf(PackFailure.class)
          .hasMessage(
              "'"
                  + hostless.trim()
                  + "' names no registry host; write it as REGISTRY/PATH, e.g."
                  + " registry.example.com/attune/pack-binaries-init");
    }
  }

  @Test
  void refusesABadDigestTagOrPath() {
    assertThatThrownBy(() -> ImageReference.parse("r.example/a@sha256:abc"))
        .isInstanceOf(PackFailure.class)
        .hasMessage("'r.example/a@sha256:abc': the digest after @ must be sha256:<64 hex digits>");
    assertThatThrownBy(() -> ImageReference.parse("r.example/a:-bad"))
        .isInstanceOf(PackFailure.class)
        .hasMessage("'r.example/a:-bad': '-bad' is not a valid tag");
    assertThatThrownBy(() -> ImageReference.parse("r.example/a:"))
        .isInstanceOf(PackFailure.class)
        .hasMessage("'r.example/a:': '' is not a valid tag");
    assertThatThrownBy(() -> ImageReference.parse("r.example/:1.0"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'' is not a valid repository path");
    assertThatThrownBy(() -> ImageReference.parse("r.example/Attune"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'Attune' is not a valid repository path");
  }

  @Test
  void theManifestReferenceIsTheDigestThenTheTagThenLatest() throws Exception {
    String digest = "sha256:" + "a".repeat(64);
    ImageReference plain = ImageReference.parse("r.example/a");

    assertThat(plain.manifestReference()).isEqualTo("latest");
    assertThat(plain.withTag("1.0").manifestReference()).isEqualTo("1.0");
    assertThat(plain.withDigest(digest).manifestReference()).isEqualTo(digest);
    assertThat(plain).hasToString("r.example/a");
    assertThat(plain.withTag("1.0")).hasToString("r.example/a:1.0");
    assertThat(plain.withDigest(digest)).hasToString("r.example/a@" + digest);
    assertThat(ImageReference.parse("r.example/a:1.0@" + digest))
        .hasToString("r.example/a:1.0@" + digest);
    assertThat(plain.withTag("1.0").withDigest(digest).tag()).isNull();
    assertThat(plain.withDigest(digest).withTag("1.0").digest()).isNull();
  }
}
