package io.attune.packbinaries.publish;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import java.util.List;
import java.util.Map;

/**
 * Fails a {@code mvn deploy} that would build everything and then fail: with no image to push to,
 * or at maven-deploy-plugin, which (bound to the same phase, before push) stops a project that has
 * no Maven repository to deploy to. The build goal calls it first, so the failure comes before any
 * compilation.
 */
public final class DeployPreflight {

  static final String MISSING_IMAGE =
      PropertyNames.IMAGE
          + " is not set: mvn deploy would build everything and then have nowhere to push. Set <image>"
          + " in the plugin's configuration or -D"
          + PropertyNames.IMAGE
          + "=REGISTRY/attune/pack-binaries-init";

  /** maven-deploy-plugin's own property names (not ours: they keep the maven. prefix). */
  public static final String DEPLOY_SKIP = "maven.deploy.skip";

  /**
   * What the preflight needs to know of the project being built.
   *
   * @param requestedGoals the goals and phases on the command line
   * @param bindsPush whether this project binds the push goal
   * @param deployPluginBound whether maven-deploy-plugin runs in the deploy phase at all: false
   *     when the POM unbinds its executions ({@code <phase>none</phase>})
   * @param image the configured pack.image, or null
   * @param version the project's version
   * @param releaseRepository whether distributionManagement names a {@code <repository>}
   * @param snapshotRepository whether distributionManagement names a {@code <snapshotRepository>}
   * @param properties the project's properties overlaid with the command line's, plus
   *     maven-deploy-plugin's {@code <skip>} configuration as {@code maven.deploy.skip}
   */
  public record Project(
      List<String> requestedGoals,
      boolean bindsPush,
      boolean deployPluginBound,
      String image,
      String version,
      boolean releaseRepository,
      boolean snapshotRepository,
      Map<String, String> properties) {}

  private DeployPreflight() {}

  public static void check(Project project) throws PackFailure {
    if (!project.bindsPush()) {
      return;
    }
    List<String> goals = project.requestedGoals();
    boolean deployPhase = goals.contains("deploy");
    boolean pushing = deployPhase || goals.stream().anyMatch(g -> g.endsWith(":push"));
    if (pushing && (project.image() == null || project.image().isBlank())) {
      throw new PackFailure(MISSING_IMAGE);
    }
    if (deployPhase && !deployPluginCanDeploy(project)) {
      throw new PackFailure(
          "mvn deploy would build everything and then fail in maven-deploy-plugin: this POM has no"
              + " <distributionManagement> "
              + (snapshot(project.version()) ? "<snapshotRepository> or " : "")
              + "<repository> to deploy its Maven artifacts to. To publish only the images, add"
              + " <"
              + DEPLOY_SKIP
              + ">true</"
              + DEPLOY_SKIP
              + "> to the POM's <properties>; to deploy the artifacts too, add a"
              + " <distributionManagement> repository");
    }
  }

  /** Whether maven-deploy-plugin will not run, skip, or find a repository to deploy to. */
  static boolean deployPluginCanDeploy(Project project) {
    if (!project.deployPluginBound()) {
      return true;
    }
    Map<String, String> properties = project.properties();
    boolean snapshot = snapshot(project.version());
    String skip = properties.getOrDefault(DEPLOY_SKIP, "false").trim();
    if (skip.equalsIgnoreCase("true")
        || (skip.equals("releases") && !snapshot)
        || (skip.equals("snapshots") && snapshot)) {
      return true;
    }
    String alternative =
        snapshot ? "altSnapshotDeploymentRepository" : "altReleaseDeploymentRepository";
    if (!properties.getOrDefault("altDeploymentRepository", "").isBlank()
        || !properties.getOrDefault(alternative, "").isBlank()) {
      return true;
    }
    return project.releaseRepository() || (snapshot && project.snapshotRepository());
  }

  static boolean snapshot(String version) {
    return version != null && version.endsWith("-SNAPSHOT");
  }
}
