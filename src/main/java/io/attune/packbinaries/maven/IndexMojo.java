package io.attune.packbinaries.maven;

import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.HttpRegistryClient;
import io.attune.packbinaries.registry.ImagePush;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.IndexBuilder;
import io.attune.packbinaries.registry.PushReport;
import io.attune.packbinaries.registry.PushResult;
import io.attune.packbinaries.registry.Retry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Builds and pushes one OCI image index over per-architecture images that other jobs pushed (a
 * CI matrix with one native runner per architecture), after checking each one's platform.
 */
@Mojo(name = "index", requiresProject = false, threadSafe = true)
public class IndexMojo extends AbstractPackMojo {

  /** The repository the index goes to: {@code registry.example.com/attune/pack-binaries-init}. */
  @Parameter(property = PropertyNames.IMAGE)
  protected String image;

  /** The tags of the index, written last. */
  @Parameter(property = PropertyNames.IMAGE_TAGS, defaultValue = "${project.version}")
  protected List<String> tags;

  /**
   * The per-architecture images, {@code REPOSITORY@sha256:…} or {@code REPOSITORY:TAG}, each
   * optionally with the platform it must be: {@code …@sha256:…=linux/arm64}.
   */
  @Parameter(property = PropertyNames.INDEX_IMAGES)
  protected List<String> images;

  /** Allows plain HTTP and unverified TLS (for test registries). */
  @Parameter(property = PropertyNames.ALLOW_INSECURE_REGISTRIES, defaultValue = "false")
  protected boolean allowInsecureRegistries;

  /** Attempts per registry request on lost connections, 429 and 5xx. */
  @Parameter(property = PropertyNames.PUSH_RETRIES, defaultValue = "5")
  protected int retries;

  @Parameter(defaultValue = "${settings}", readonly = true, required = true)
  protected Settings settings;

  @Component protected SettingsDecrypter settingsDecrypter;

  @Override
  protected void run() throws Exception {
    ImageReference target = ImagePush.target(image);
    List<IndexBuilder.Source> sources = new ArrayList<>();
    for (String text : images == null ? List.<String>of() : images) {
      for (String one : splitList(text)) {
        sources.add(IndexBuilder.Source.parse(one));
      }
    }
    CredentialResolver.Resolution resolution = new CredentialResolver(System.getenv(), buildLog())
        .resolve(target, PushMojo.settingsCredentials(settings, settingsDecrypter, target.registry()));
    IndexBuilder builder = new IndexBuilder(
        (registry, repository) -> new HttpRegistryClient(registry, repository, resolution.credentials(), allowInsecureRegistries),
        Retry.standard(retries, buildLog()), buildLog());
    Path temp = Files.createTempDirectory("pack-binaries-index");
    try {
      List<String> tagList = tags == null ? List.of() : tags.stream().flatMap(t -> splitList(t).stream()).toList();
      PushResult result = builder.build(sources, target, tagList, resolution.advice(target.registry()), temp);
      PushReport.write(layout().pushReport(), result);
      getLog().info("Pushed " + result.pinnedReference());
    } finally {
      // A failed copy leaves a downloaded blob behind; a non-empty directory must not hide the failure.
      try (Stream<Path> files = Files.walk(temp)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
