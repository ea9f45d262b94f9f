package io.attune.packbinaries.publish;

import static io.attune.packbinaries.publish.ReleasePartTest.COMMIT;
import static io.attune.packbinaries.publish.ReleasePartTest.part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.oci.PlatformManifest;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.supplychain.SupplyChainDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fan-in's checks and index, before any registry is asked. */
class SplitReleaseTest {

  @TempDir Path dir;

  private ReleasePart amd64(String commit) {
    return part(
        dir.resolve("amd64/part.json"), "linux/amd64", "x86_64-unknown-linux-gnu", 'b', commit);
  }

  private ReleasePart arm64() {
    return part(
        dir.resolve("arm64/part.json"), "linux/arm64", "aarch64-unknown-linux-gnu", 'a', COMMIT);
  }

  @Test
  void theIndexIsTheImageGoalsForTheSameImages() {
    ReleasePart amd = amd64(COMMIT);
    ReleasePart arm = arm64();
    List<PlatformManifest> images =
        List.of(
            new PlatformManifest(
                TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow(),
                arm.manifest(),
                new Descriptor("c", "sha256:" + "c".repeat(64), 1),
                List.of()),
            new PlatformManifest(
                TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow(),
                amd.manifest(),
                new Descriptor("c", "sha256:" + "c".repeat(64), 1),
                List.of()));

    assertThat(SplitRelease.indexBytes(List.of(amd, arm)))
        .isEqualTo(
            OciIndex.ofImages(
                ManifestFormat.OCI,
                images,
                amd.indexAnnotations(),
                "127.0.0.1:5000/library/busybox:1.36"));
  }

  @Test
  void twoPartsOfOnePlatformFailNamingBoth() {
    ReleasePart one = amd64(COMMIT);
    ReleasePart two =
        part(
            dir.resolve("again/part.json"), "linux/amd64", "x86_64-unknown-linux-gnu", 'c', COMMIT);

    assertThatThrownBy(() -> SplitRelease.checkOneRelease(List.of(one, arm64(), two)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Two parts for linux/amd64")
        .hasMessageContaining(one.file().toString())
        .hasMessageContaining(two.file().toString());
  }

  @Test
  void aPartOfAnotherCommitFailsNamingItAndItsCommit() {
    String other = "f".repeat(40);
    ReleasePart stale = amd64(other);

    assertThatThrownBy(() -> SplitRelease.checkOneRelease(List.of(arm64(), stale)))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "The part " + stale.file() + " (linux/amd64) was built from commit " + other)
        .hasMessageContaining(COMMIT);
  }

  @Test
  void aMissingPlatformFailsNamingItAndAnUnlistedOneFailsNamingThePart() throws Exception {
    ReleasePart amd = amd64(COMMIT);
    List<String> both = List.of("linux/amd64", "linux/arm64");

    SplitRelease.checkPlatforms(List.of(amd, arm64()), both);
    SplitRelease.checkPlatforms(List.of(amd), List.of());
    assertThatThrownBy(() -> SplitRelease.checkPlatforms(List.of(amd), both))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("No part for linux/arm64 among " + amd.file())
        .hasMessageContaining("pack.index.platforms");
    assertThatThrownBy(
            () -> SplitRelease.checkPlatforms(List.of(amd, arm64()), List.of("linux/amd64")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("The part " + arm64().file() + " is for linux/arm64");
  }

  @Test
  void directoriesAreSearchedAndAMissingPathFails() throws Exception {
    Files.createDirectories(dir.resolve("amd64"));
    Files.createDirectories(dir.resolve("arm64"));
    amd64(COMMIT).write(dir.resolve("amd64/part.json"));
    arm64().write(dir.resolve("arm64/part.json"));

    assertThat(SplitRelease.read(List.of(dir.toString())))
        .extracting(p -> p.platform().toString())
        .containsExactly("linux/amd64", "linux/arm64");
    assertThatThrownBy(() -> SplitRelease.read(List.of(dir.resolve("none").toString())))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void theSupplyChainIsMadeFromTheParts() throws Exception {
    ReleasePart amd = amd64(COMMIT);
    ReleasePart arm = arm64();

    SupplyChainDocuments.Release release =
        SplitRelease.release(
            ImageReference.parse("127.0.0.1:5000/attune/pack-binaries-init"),
            new Descriptor("i", "sha256:" + "9".repeat(64), 1),
            List.of(amd, arm));

    assertThat(release.images())
        .extracting(SupplyChainDocuments.Image::platform)
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(release.build().commands())
        .containsOnlyKeys("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu");
    assertThat(release.build().crates()).hasSize(2);
    assertThat(release.build().builderImage()).contains("attune/builder");
    assertThat(release.source().commit()).isEqualTo(COMMIT);
  }
}
