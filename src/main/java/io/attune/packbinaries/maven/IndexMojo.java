package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.publish.SplitRelease;
import io.attune.packbinaries.registry.ImageReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds and pushes one OCI image index over per-architecture images that other jobs pushed (a CI
 * matrix with one native runner per architecture). With {@code pack.index.parts}, the fan-in of a
 * split release: the parts' records checked (one commit, one image per platform, each in the
 * registry and of its platform), the index the single-machine release would build, audited, the
 * supply chain attached as push attaches it, the compose file checked, and the tags written last.
 * With {@code pack.index.images}, an index over digests given by hand.
 */
@Mojo(name = "index", requiresProject = false, threadSafe = true)
public class IndexMojo extends AbstractPublishMojo {

  /**
   * The per-architecture images, {@code REPOSITORY@sha256:…} or {@code REPOSITORY:TAG}, each
   * optionally with the platform it must be: {@code …@sha256:…=linux/arm64}.
   */
  @Parameter(property = PropertyNames.INDEX_IMAGES)
  protected List<String> images;

  /**
   * A split release's parts: the {@code part.json} files that {@code push -Dpack.push.part=true}
   * wrote on each machine, or directories holding them (searched at any depth), comma-separated.
   */
  @Parameter(property = PropertyNames.INDEX_PARTS)
  protected List<String> parts;

  /**
   * With {@code pack.index.parts}: the platforms the release ships, comma-separated ({@code
   * linux/amd64,linux/arm64}); each must have one part and no part may be of another, so a runner
   * whose part went missing fails the release instead of leaving its hosts without an image.
   */
  @Parameter(property = PropertyNames.INDEX_PLATFORMS)
  protected List<String> platforms;

  @Override
  protected void run(GoalContext goal) throws Exception {
    List<String> partList = split(parts);
    List<String> sources = split(images);
    if (!partList.isEmpty()) {
      if (!sources.isEmpty()) {
        throw new PackFailure(
            "Both "
                + PropertyNames.INDEX_PARTS
                + " and "
                + PropertyNames.INDEX_IMAGES
                + " are set; give the parts of a split release, or the images by hand, not both");
      }
      String registry = ImagePush.target(image).registry();
      SplitRelease.Request request =
          new SplitRelease.Request(
              partList,
              image,
              configuredTagList(),
              access(goal, registry),
              composeFileToCheck(Path.of(session.getExecutionRootDirectory())),
              layout().pushReport(),
              // Coordinates and time come from the parts.
              supplyChain(null, null, Instant.EPOCH),
              audit,
              split(platforms));
      new SplitRelease(buildLog()).run(request);
      return;
    }
    ImageReference target = ImagePush.target(image);
    IndexBuilder.Request request =
        new IndexBuilder.Request(
            image, sources, tagList(), access(goal, target.registry()), layout().pushReport());
    IndexBuilder.run(request, buildLog());
  }

  private static List<String> split(List<String> values) {
    List<String> split = new ArrayList<>();
    for (String text : values == null ? List.<String>of() : values) {
      split.addAll(splitList(text));
    }
    return split;
  }
}
