package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployPreflightTest {

  private static final String IMAGE = "registry.example.com/attune/pack-binaries-init";

  private static DeployPreflight.Project project(
      List<String> goals,
      String image,
      String version,
      boolean release,
      boolean snapshot,
      Map<String, String> properties) {
    return new DeployPreflight.Project(
        goals, true, true, image, version, release, snapshot, properties);
  }

  private static DeployPreflight.Project deploy(String version, Map<String, String> properties) {
    return project(List.of("clean", "deploy"), IMAGE, version, false, false, properties);
  }

  @Test
  void deployWithoutAnImageFailsBeforeBuilding() {
    assertThatThrownBy(
            () ->
                DeployPreflight.check(
                    project(
                        List.of("clean", "deploy"),
                        null,
                        "1.0",
                        true,
                        false,
                        Map.of("maven.deploy.skip", "true"))))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("-Dpack.image=REGISTRY/attune/pack-binaries-init");
    assertThatThrownBy(
            () ->
                DeployPreflight.check(
                    project(List.of("pack-binaries:push"), " ", "1.0", false, false, Map.of())))
        .hasMessageStartingWith("pack.image is not set");
  }

  @Test
  void deployWithNoMavenRepositoryAndNoSkipFailsNamingBothWaysOut() {
    assertThatThrownBy(() -> DeployPreflight.check(deploy("1.0", Map.of())))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("fail in maven-deploy-plugin")
        .hasMessageContaining("<maven.deploy.skip>true</maven.deploy.skip>")
        .hasMessageContaining("add a <distributionManagement> repository");
    assertThatThrownBy(
            () -> DeployPreflight.check(deploy("1.0", Map.of("maven.deploy.skip", "false"))))
        .hasMessageContaining("no <distributionManagement> <repository>");
    // A SNAPSHOT may also deploy to a snapshot repository: the message names it.
    assertThatThrownBy(() -> DeployPreflight.check(deploy("1.0-SNAPSHOT", Map.of())))
        .hasMessageContaining("<snapshotRepository> or <repository>");
  }

  @Test
  void skippingTheDeployPluginLetsTheImagesGoAlone() {
    for (String skip : List.of("true", "TRUE", " true ")) {
      assertThatCode(() -> DeployPreflight.check(deploy("1.0", Map.of("maven.deploy.skip", skip))))
          .doesNotThrowAnyException();
    }
    // maven-deploy-plugin 3's skip=releases / skip=snapshots apply to their kind of version only.
    assertThatCode(
            () -> DeployPreflight.check(deploy("1.0", Map.of("maven.deploy.skip", "releases"))))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                DeployPreflight.check(
                    deploy("1.0-SNAPSHOT", Map.of("maven.deploy.skip", "releases"))))
        .isInstanceOf(PackFailure.class);
    assertThatCode(
            () ->
                DeployPreflight.check(
                    deploy("1.0-SNAPSHOT", Map.of("maven.deploy.skip", "snapshots"))))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> DeployPreflight.check(deploy("1.0", Map.of("maven.deploy.skip", "snapshots"))))
        .isInstanceOf(PackFailure.class);
  }

  @Test
  void aPomThatUnbindsTheDeployPluginPublishesTheImagesAlone() {
    // The packs POM's way: maven-deploy-plugin's default-deploy execution in phase none.
    DeployPreflight.Project unbound =
        new DeployPreflight.Project(
            List.of("deploy"), true, false, IMAGE, "1.0", false, false, Map.of());
    assertThatCode(() -> DeployPreflight.check(unbound)).doesNotThrowAnyException();
    // Still no image: that failure stands.
    assertThatThrownBy(
            () ->
                DeployPreflight.check(
                    new DeployPreflight.Project(
                        List.of("deploy"), true, false, null, "1.0", false, false, Map.of())))
        .hasMessageStartingWith("pack.image is not set");
  }

  @Test
  void aProjectWithAMavenRepositoryKeepsDeployingToIt() {
    List<String> goals = List.of("deploy");
    assertThatCode(() -> DeployPreflight.check(project(goals, IMAGE, "1.0", true, false, Map.of())))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                DeployPreflight.check(project(goals, IMAGE, "1.0-SNAPSHOT", false, true, Map.of())))
        .doesNotThrowAnyException();
    // A release is not deployed to a snapshot repository.
    assertThatThrownBy(
            () -> DeployPreflight.check(project(goals, IMAGE, "1.0", false, true, Map.of())))
        .isInstanceOf(PackFailure.class);
    assertThatCode(
            () ->
                DeployPreflight.check(
                    deploy("1.0", Map.of("altDeploymentRepository", "id::file:///tmp/repo"))))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                DeployPreflight.check(
                    deploy(
                        "1.0-SNAPSHOT",
                        Map.of("altSnapshotDeploymentRepository", "id::file:///tmp/repo"))))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                DeployPreflight.check(
                    deploy("1.0", Map.of("altSnapshotDeploymentRepository", "id::file:///r"))))
        .isInstanceOf(PackFailure.class);
  }

  @Test
  void onlyDeployRunsTheDeployPluginAndOnlyProjectsThatPushAreChecked() {
    assertThatCode(
            () ->
                DeployPreflight.check(
                    project(List.of("package"), null, "1.0", false, false, Map.of())))
        .doesNotThrowAnyException();
    // pack-binaries:push alone does not run maven-deploy-plugin.
    assertThatCode(
            () ->
                DeployPreflight.check(
                    project(List.of("pack-binaries:push"), IMAGE, "1.0", false, false, Map.of())))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                DeployPreflight.check(
                    new DeployPreflight.Project(
                        List.of("deploy"), false, true, null, "1.0", false, false, Map.of())))
        .doesNotThrowAnyException();
  }
}
