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
}
