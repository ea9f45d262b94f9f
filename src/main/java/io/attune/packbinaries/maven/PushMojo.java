package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.publish.DeployPreflight;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.registry.ImageReference;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * Publishes the image layout the image goal wrote: every platform's image by digest, then the OCI
 * image index, then the tags, last. Writes {@code image.json} and prints the digest-pinned
 * reference.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractRegistryMojo {

  /**
   * The distributable compose file whose {@code init-pack-binaries} service must pull the pushed
   * repository. Default {@code docker/distributable/docker-compose.yaml}, checked when it exists.
   */
  @Parameter(property = PropertyNames.COMPOSE_FILE)
  protected File composeFile;

  /** Writes the digest-pinned reference into the compose file after the push. */
  @Parameter(property = PropertyNames.COMPOSE_UPDATE, defaultValue = "false")
  protected boolean composeUpdate;

  /**
   * Audits what was pushed, as {@code verify -Dpack.image} does: every platform's binaries read
   * back from the registry must be static and of that platform's architecture. Writes {@code
   * audit-report.json}.
   */
  @Parameter(property = PropertyNames.PUSH_AUDIT, defaultValue = "true")
  protected boolean audit;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  protected MavenProject project;

  @Override
  protected void run() throws Exception {
    ImageReference target = ImagePush.target(image);
    Path compose =
        ImagePush.composeFileToCheck(
            composeFile == null ? null : composeFile.toPath(),
            project.getBasedir().toPath().resolve("docker/distributable/docker-compose.yaml"),
            buildLog());
    ImagePush.Request request =
        new ImagePush.Request(
            layout().imageDirectory().resolve(InitImage.LAYOUT_DIRECTORY),
            image,
            tagList(),
            allowInsecureRegistries,
            retries,
            settingsCredentials(target.registry()),
            compose,
            composeUpdate,
            layout().pushReport(),
            System.getenv(),
            audit);
    new ImagePush(buildLog()).run(request);
  }

  /**
   * For the build goal: fails {@code mvn deploy} before anything is built when this project binds
   * push and no image is configured (on the command line, in the plugin's or the push execution's
   * configuration, or as a project property).
   */
  static void failIfDeployHasNowhereToPush(MavenSession session, MavenProject project)
      throws PackFailure {
    if (session == null || project == null) {
      return;
    }
    boolean bindsPush = false;
    String image = session.getUserProperties().getProperty(PropertyNames.IMAGE);
    if (image == null) {
      image = project.getProperties().getProperty(PropertyNames.IMAGE);
    }
    for (Plugin plugin : project.getBuildPlugins()) {
      if (!"pack-binaries-maven-plugin".equals(plugin.getArtifactId())) {
        continue;
      }
      image = image != null ? image : configuredImage(plugin.getConfiguration());
      for (PluginExecution execution : plugin.getExecutions()) {
        if (execution.getGoals().contains("push")) {
          bindsPush = true;
          image = image != null ? image : configuredImage(execution.getConfiguration());
        }
      }
    }
    DeployPreflight.check(session.getGoals(), bindsPush, image);
  }

  private static String configuredImage(Object configuration) {
    if (configuration instanceof Xpp3Dom dom && dom.getChild("image") != null) {
      return dom.getChild("image").getValue();
    }
    return null;
  }
}
