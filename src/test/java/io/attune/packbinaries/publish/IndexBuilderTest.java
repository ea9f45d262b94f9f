package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.testing.Fixtures;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index over per-architecture images already in the real registry, in another repository. */
class IndexBuilderTest {

  @TempDir Path temp;
  private final RecordingLog log = new RecordingLog();
  private String amd64;
  private String arm64;
  private String base;

  @BeforeEach
  void perArchitectureImages() throws Exception {
    LayoutReader.Layout layout =
        new LayoutReader().read(Fixtures.busyboxLayout(temp.resolve("layout")));
    base = TestEnvironment.baseImage().replaceAll(":[^:/]+$", "");
    for (LayoutReader.Image image : layout.images()) {
      if (image.platform().architecture().equals("amd64")) {
        amd64 = base + "@" + image.manifest().digest();
      } else {
        arm64 = base + "@" + image.manifest().digest();
      }
    }
  }

  private PushResult build(ImageReference target, String... sources) throws Exception {
    List<IndexBuilder.Source> parsed = new ArrayList<>();
    for (String source : sources) {
      parsed.add(IndexBuilder.Source.parse(source));
    }
    IndexBuilder builder =
        new IndexBuilder(
            (registry, repository) -> new HttpRegistryClient(registry, repository, null, false),
            Fixtures.fastRetry(3, log),
            log);
    return builder.build(parsed, target, List.of("2.0"), "", temp);
  }

  @Test
  void indexesImagesOfAnotherRepositoryUnderTheTag() throws Exception {
    ImageReference target =
        ImageReference.parse(TestEnvironment.registry() + "/" + Fixtures.freshRepository("index"));

    PushResult result = build(target, amd64 + "=linux/amd64", arm64 + "=linux/arm64");

    JsonNode index =
        new ObjectMapper()
            .readTree(
                Fixtures.run(
                    "skopeo",
                    "inspect",
                    "--raw",
                    "--tls-verify=false",
                    "docker://" + target.repositoryName() + ":2.0"));
    assertThat(index.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.path("manifests")).hasSize(2);
    assertThat(result.platforms())
        .containsEntry("linux/amd64", amd64.split("@")[1])
        .containsEntry("linux/arm64/v8", arm64.split("@")[1]);
    // The images are complete in the target repository: skopeo can copy the arm64 one out.
    Fixtures.run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "--override-arch",
        "arm64",
        "docker://" + target.repositoryName() + ":2.0",
        "oci:" + temp.resolve("copied") + ":x");
  }

  @Test
  void refusesAnImageWhosePlatformIsNotTheClaimedOne() throws Exception {
    ImageReference target =
        ImageReference.parse(
            TestEnvironment.registry() + "/" + Fixtures.freshRepository("wrongarch"));

    assertThatThrownBy(() -> build(target, amd64 + "=linux/arm64"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("is claimed to be linux/arm64 but its config says linux/amd64");
    assertThat(
            Fixtures.exitCode(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + target.repositoryName() + ":2.0"))
        .isNotZero();
  }

  @Test
  void aWrongClaimOnALaterImageLeavesNothingOfTheEarlierOnesInTheTarget() throws Exception {
    ImageReference target =
        ImageReference.parse(
            TestEnvironment.registry() + "/" + Fixtures.freshRepository("wronglater"));

    assertThatThrownBy(() -> build(target, amd64 + "=linux/amd64", arm64 + "=linux/amd64"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("is claimed to be linux/amd64 but its config says linux/arm64");

    // The correctly claimed amd64 image was checked, not copied: neither its manifest nor any of
    // its blobs is in the target repository, and no tag.
    RegistryClient destination =
        new HttpRegistryClient(target.registry(), target.repository(), null, false);
    String amd64Digest = amd64.split("@")[1];
    assertThat(destination.hasManifest(amd64Digest)).isFalse();
    JsonNode manifest =
        new ObjectMapper()
            .readTree(
                new HttpRegistryClient(
                        target.registry(), base.substring(base.indexOf('/') + 1), null, false)
                    .manifest(amd64Digest)
                    .content());
    assertThat(destination.hasBlob(manifest.path("config").path("digest").asText())).isFalse();
    for (JsonNode layer : manifest.path("layers")) {
      assertThat(destination.hasBlob(layer.path("digest").asText())).isFalse();
    }
    assertThat(
            Fixtures.exitCode(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + target.repositoryName() + ":2.0"))
        .isNotZero();
  }
}
