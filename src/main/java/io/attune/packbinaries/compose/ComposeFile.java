package io.attune.packbinaries.compose;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The distributable compose file, read with a YAML parser: the {@code image} of one service (merge
 * keys resolved), with Compose's interpolation, and an in-place edit of that one value that keeps
 * every other byte of the file: comments, anchors, aliases and key order.
 */
public final class ComposeFile {

  public static final String INIT_SERVICE = "init-pack-binaries";

  private final ComposeYaml yaml;
  private final String service;
  private final ScalarNode image;

  private ComposeFile(ComposeYaml yaml, String service, ScalarNode image) {
    this.yaml = yaml;
    this.service = service;
    this.image = image;
  }

  public static ComposeFile read(Path path, String service) throws PackFailure, IOException {
    return of(ComposeYaml.read(path), service);
  }

  static ComposeFile of(ComposeYaml yaml, String service) throws PackFailure {
    Node services = yaml.child(yaml.root(), "services");
    Node image = yaml.child(yaml.child(services, service), "image");
    if (!(image instanceof ScalarNode scalar)) {
      throw new PackFailure(
          yaml.path()
              + " has no services."
              + service
              + ".image; the init image must be pulled"
              + " from the registry the push goes to (image: REGISTRY/attune/pack-binaries-init:TAG)");
    }
    if (scalar.getValue().isEmpty()) {
      // Compose refuses it too; and an empty value may have no text of its own to pin in place.
      throw new PackFailure(
          yaml.path()
              + ": services."
              + service
              + ".image is empty; write the image the service pulls"
              + " (image: REGISTRY/attune/pack-binaries-init:TAG)");
    }
    return new ComposeFile(yaml, service, scalar);
  }

  /** The image exactly as written, e.g. {@code ${ATTUNE_REGISTRY:?…}/attune/x:${V:-latest}}. */
  public String rawImage() {
    return image.getValue();
  }

  /** The image as Compose would resolve it with {@code environment}. */
  public String image(Map<String, String> environment) throws PackFailure {
    String key = "services." + service + ".image";
    String resolved = Interpolation.resolve(rawImage(), environment, yaml.path().toString(), key);
    if (resolved.isEmpty()) {
      throw new PackFailure(
          yaml.path()
              + ": "
              + key
              + " ("
              + rawImage()
              + ") comes to nothing with the variables it names unset or empty; give them"
              + " defaults (${NAME:-default}) or write the image");
    }
    return resolved;
  }

  /** {@code host/path} of the resolved image, without tag or digest. */
  public String repository(Map<String, String> environment) throws PackFailure {
    return repositoryOf(image(environment));
  }

  static String repositoryOf(String reference) {
    String withoutDigest = reference.split("@", 2)[0];
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
  }

  /**
   * Fails unless the service pulls {@code pushedRepository}: a release nobody pulls is a mistake to
   * stop before it is published.
   */
  public void requireRepository(String pushedRepository, Map<String, String> environment)
      throws PackFailure {
    String resolved = image(environment);
    if (!repositoryOf(resolved).equals(pushedRepository)) {
      throw new PackFailure(
          yaml.path()
              + ": service "
              + service
              + " pulls "
              + resolved
              + " (written "
              + rawImage()
              + "), not the repository being pushed, "
              + pushedRepository
              + ". Push to the repository it pulls"
              + " (-D"
              + PropertyNames.IMAGE
              + "="
              + repositoryOf(resolved)
              + "), or change its image: line");
    }
  }

  /**
   * Writes {@code reference} as the service's image. Only that value's text changes (or, when the
   * image comes from a merge key, one {@code image:} line is added to the service), so comments,
   * anchors, aliases and key order stay; the result is parsed again before it replaces the file,
   * atomically.
   */
  public void writeImage(String reference) throws PackFailure, IOException {
    String updated = ImagePin.edit(yaml, service, reference);
    ComposeFile check = of(ComposeYaml.parse(yaml.path(), updated), service);
    if (!check.rawImage().equals(reference)) {
      throw new PackFailure(
          yaml.path()
              + ": pinning services."
              + service
              + ".image in place did not give "
              + reference
              + "; write that image: line by hand");
    }
    AtomicFiles.writeString(yaml.path(), updated);
  }

  public Path path() {
    return yaml.path();
  }
}
