package io.attune.packbinaries.maven;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.image.InitImage;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.PartPush;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.supplychain.ReproducibleTime;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Publishes the image layout the image goal wrote: every platform's image by digest, then the OCI
 * image index, then the tags, last. Writes {@code image.json} and prints the digest-pinned
 * reference. With {@code pack.push.part}, one machine's part of a split release instead.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractPublishMojo {

  /** Writes the digest-pinned reference into the compose file after the push. */
  @Parameter(property = PropertyNames.COMPOSE_UPDATE, defaultValue = "false")
  protected boolean composeUpdate;

  /**
   * Pushes this machine's part of a split release: its one platform's image by digest, audited,
   * with no index and no tag, and writes {@code part.json} for the fan-in ({@code index
   * -Dpack.index.parts=…}) to list in one index, sign and tag. No supply chain is attached here.
   */
  @Parameter(property = PropertyNames.PUSH_PART, defaultValue = "false")
  protected boolean part;

  @Override
  protected void run(GoalContext goal) throws Exception {
    ImageReference target = ImagePush.target(image);
    Path layoutDirectory = layout().imageDirectory().resolve(InitImage.LAYOUT_DIRECTORY);
    Path basedir = project.getBasedir().toPath();
    String coordinates =
        project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion();
    if (part) {
      new PartPush(buildLog(), goal.digests())
          .run(
              new PartPush.Request(
                  layoutDirectory,
                  image,
                  access(goal, target.registry()),
                  layout(),
                  audit,
                  coordinates,
                  ReproducibleTime.resolve(System.getenv(), outputTimestamp),
                  basedir));
      return;
    }
    ImagePush.Request request =
        new ImagePush.Request(
            layoutDirectory,
            image,
            tagList(),
            releaseTagList(),
            access(goal, target.registry()),
            composeFileToCheck(basedir),
            composeUpdate,
            layout().pushReport(),
            supplyChain(
                basedir, coordinates, ReproducibleTime.resolve(System.getenv(), outputTimestamp)),
            audit);
    new ImagePush(buildLog(), goal.digests()).run(request);
  }
}
