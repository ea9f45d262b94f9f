package io.attune.packbinaries.compose;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The distributable compose file, read with a YAML parser: the {@code image} of one service, with
 * compose's {@code ${VAR}} interpolation, and an in-place edit of that one value that keeps every
 * other byte of the file (comments included).
 */
public final class ComposeFile {

  public static final String INIT_SERVICE = "init-pack-binaries";

  // ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}; $$ is a literal $.
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  private final Path path;
  private final String text;
  private final String service;
  private final ScalarNode image;

  private ComposeFile(Path path, String text, String service, ScalarNode image) {
    this.path = path;
    this.text = text;
    this.service = service;
    this.image = image;
  }

  public static ComposeFile read(Path path, String service) throws PackFailure, IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    Node root;
    try {
      root =
          new Compose(LoadSettings.builder().setLabel(path.toString()).build())
              .composeString(text)
              .orElseThrow(
                  () ->
                      new PackFailure(path + " is empty; it should define the service " + service));
    } catch (YamlEngineException e) {
      throw new PackFailure(path + " is not valid YAML: " + e.getMessage(), e);
    }
    Node image = child(child(child(root, "services"), service), "image");
    if (!(image instanceof ScalarNode scalar)) {
      throw new PackFailure(
          path
              + " has no services."
              + service
              + ".image; the init image must be pulled"
              + " from the registry the push goes to (image: REGISTRY/attune/pack-binaries-init:TAG)");
    }
    return new ComposeFile(path, text, service, scalar);
  }

  private static Node child(Node node, String key) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return tuple.getValueNode();
        }
      }
    }
    return null;
  }

  /** The image exactly as written, e.g. {@code ${ATTUNE_REGISTRY:?…}/attune/x:${V:-latest}}. */
  public String rawImage() {
    return image.getValue();
  }

  /** The image as compose would resolve it with {@code environment}. */
  public String image(Map<String, String> environment) throws PackFailure {
    return interpolate(rawImage(), environment);
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
          path
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
              + "pack.image="
              + repositoryOf(resolved)
              + "), or change its image: line");
    }
  }

  /**
   * Writes {@code reference} as the service's image, replacing only that value's text; the rest of
   * the file is kept byte for byte. The file is replaced atomically.
   */
  public void writeImage(String reference) throws IOException {
    int start = image.getStartMark().orElseThrow().getIndex();
    int end = image.getEndMark().orElseThrow().getIndex();
    int from = text.offsetByCodePoints(0, start);
    int to = text.offsetByCodePoints(0, end);
    String updated = text.substring(0, from) + reference + text.substring(to);
    AtomicFiles.writeString(path, updated);
  }

  public Path path() {
    return path;
  }

  static String interpolate(String value, Map<String, String> environment) throws PackFailure {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(result, Matcher.quoteReplacement(substitute(matcher, environment)));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static String substitute(Matcher matcher, Map<String, String> environment)
      throws PackFailure {
    if (matcher.group().equals("$$")) {
      return "$";
    }
    String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(4);
    String operator = matcher.group(2);
    String argument = matcher.group(3) == null ? "" : matcher.group(3);
    String value = environment.get(name);
    boolean unsetOrEmpty = value == null || value.isEmpty();
    boolean missing = operator != null && operator.startsWith(":") ? unsetOrEmpty : value == null;
    if (operator == null || !missing) {
      return Optional.ofNullable(value).orElse("");
    }
    if (operator.endsWith("-")) {
      return argument;
    }
    throw new PackFailure("The compose image needs " + name + ": " + argument);
  }
}
