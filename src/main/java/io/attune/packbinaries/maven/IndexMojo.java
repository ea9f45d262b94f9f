package io.attune.packbinaries.maven;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.registry.ImageReference;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds and pushes one OCI image index over per-architecture images that other jobs pushed (a CI
 * matrix with one native runner per architecture), after checking each one's platform.
 */
@Mojo(name = "index", requiresProject = false, threadSafe = true)
public class IndexMojo extends AbstractRegistryMojo {

  /**
   * The per-architecture images, {@code REPOSITORY@sha256:…} or {@code REPOSITORY:TAG}, each
   * optionally with the platform it must be: {@code …@sha256:…=linux/arm64}.
   */
  @Parameter(property = PropertyNames.INDEX_IMAGES)
  protected List<String> images;

  @Override
  protected void run(GoalContext goal) throws Exception {
    ImageReference target = ImagePush.target(image);
    List<String> sources = new ArrayList<>();
    for (String text : images == null ? List.<String>of() : images) {
      sources.addAll(splitList(text));
    }
    IndexBuilder.Request request =
        new IndexBuilder.Request(
            image, sources, tagList(), access(goal, target.registry()), layout().pushReport());
    IndexBuilder.run(request, buildLog());
  }
}
