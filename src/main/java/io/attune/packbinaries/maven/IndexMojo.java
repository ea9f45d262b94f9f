package io.attune.packbinaries.maven;

import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.publish.ImagePush;
import io.attune.packbinaries.publish.IndexBuilder;
import io.attune.packbinaries.publish.PushReport;
import io.attune.packbinaries.publish.PushResult;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.Retry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  protected void run() throws Exception {
    ImageReference target = ImagePush.target(image);
    List<IndexBuilder.Source> sources = new ArrayList<>();
    for (String text : images == null ? List.<String>of() : images) {
      for (String one : splitList(text)) {
        sources.add(IndexBuilder.Source.parse(one));
      }
    }
    CredentialResolver.Resolution resolution =
        new CredentialResolver(System.getenv(), buildLog())
            .resolve(target, settingsCredentials(target.registry()));
    IndexBuilder builder =
        new IndexBuilder(
            (registry, repository) ->
                new HttpRegistryClient(
                    registry, repository, resolution.credentials(), allowInsecureRegistries),
            Retry.standard(retries, buildLog()),
            buildLog());
    Path temp = Files.createTempDirectory("pack-binaries-index");
    try {
      PushResult result =
          builder.build(sources, target, tagList(), resolution.advice(target.registry()), temp);
      PushReport.write(layout().pushReport(), result);
      getLog().info("Pushed " + result.pinnedReference());
    } finally {
      // A failed copy leaves a downloaded blob behind; failing to clean it up must not hide
      // the failure.
      try {
        Directories.deleteRecursively(temp);
      } catch (IOException e) {
        getLog().debug("Could not delete " + temp + ": " + e);
      }
    }
  }
}
