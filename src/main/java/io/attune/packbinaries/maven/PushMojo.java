package io.attune.packbinaries.maven;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.registry.ImageReference;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

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
            releaseTagList(),
            allowInsecureRegistries,
            retries,
            settingsCredentials(target.registry()),
            compose,
            composeUpdate,
            layout().pushReport(),
            System.getenv());
    new ImagePush(buildLog()).run(request);
  }
}
