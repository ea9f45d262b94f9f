package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.PackName;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.JsonFields;
import io.attune.packbinaries.io.JsonFiles;
import io.attune.packbinaries.io.PlainPaths;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.supplychain.SourceRevision;
import io.attune.packbinaries.supplychain.SupplyChainDocuments.ReleaseBinary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code part.json}: what one machine of a split release pushed ({@code push
 * -Dpack.push.part=true}: its platform's image by digest, audited, with no index and no tag), and
 * all the fan-in ({@code index -Dpack.index.parts=…}) needs to build the same index and supply
 * chain a single-machine release of the same commit would. Schema {@value #SCHEMA}; every field is
 * required (null where noted), no other field is allowed:
 *
 * <pre>
 * schema        "{@value #SCHEMA}"
 * repository    host/path the image was pushed to
 * platform      os/architecture[/variant], as the index lists it
 * manifest      {mediaType, digest, size} of the platform's manifest
 * index         {mediaType, annotations, entryAnnotations}: the index's media type and its
 *               annotations, and this platform's entry's annotations, as the image goal wrote them
 * commit        the git commit the sources were at (40 or 64 hex digits)
 * dirty         whether the work tree differed from it; null when unknown
 * coordinates   groupId:artifactId:version of the Maven project
 * timestamp     the SBOM's time (ISO-8601), from SOURCE_DATE_EPOCH or project.build.outputTimestamp
 * binaries      [{name, target, sha256, size, pack?}]: the image's binaries as verify passed them
 *               (pack only for a build of several packs)
 * build         {builder, commands, crates, packs?}: build-record.json's content
 * </pre>
 *
 * <p>A part is a file from another machine: it is read with a size budget, strictly, and a
 * malformed one fails naming the file and the field.
 */
public record ReleasePart(
    Path file,
    String repository,
    Platform platform,
    Descriptor manifest,
    String indexMediaType,
    Map<String, String> indexAnnotations,
    Map<String, String> entryAnnotations,
    SourceRevision source,
    String coordinates,
    Instant timestamp,
    List<ReleaseBinary> binaries,
    BuildRecord build) {

  public static final String SCHEMA = "io.attune.pack-binaries.part.v1";
  public static final String FILE_NAME = "part.json";

  /** Ours are a few KB; a Cargo.lock of thousands of crates stays far below. */
  static final long MAX_BYTES = 4L * 1024 * 1024;

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ReleasePart {
    indexAnnotations = Map.copyOf(indexAnnotations);
    entryAnnotations = Map.copyOf(entryAnnotations);
    binaries = List.copyOf(binaries);
  }

  /** The project version, the last part of the coordinates. */
  public String version() {
    return coordinates.substring(coordinates.lastIndexOf(':') + 1);
  }

  /** Writes the record atomically: a reader sees a whole part or none. */
  public void write(Path to) throws IOException {
    ObjectNode root = Json.object();
    root.put("schema", SCHEMA);
    root.put("repository", repository);
    root.put("platform", platform.toString());
    ObjectNode descriptor = root.putObject("manifest");
    descriptor.put("mediaType", manifest.mediaType());
    descriptor.put("digest", manifest.digest());
    descriptor.put("size", manifest.size());
    ObjectNode index = root.putObject("index");
    index.put("mediaType", indexMediaType);
    JsonFiles.putTexts(index, "annotations", new TreeMap<>(indexAnnotations));
    JsonFiles.putTexts(index, "entryAnnotations", new TreeMap<>(entryAnnotations));
    root.put("commit", source.commit());
    if (source.dirty() == null) {
      root.putNull("dirty");
    } else {
      root.put("dirty", source.dirty());
    }
    root.put("coordinates", coordinates);
    root.put("timestamp", timestamp.toString());
    ArrayNode entries = root.putArray("binaries");
    for (ReleaseBinary binary : binaries) {
      ObjectNode entry = entries.addObject();
      entry.put("name", binary.name());
      entry.put("target", binary.target());
      entry.put("sha256", binary.sha256());
      entry.put("size", binary.size());
      if (binary.pack() != null) {
        entry.put("pack", binary.pack());
      }
    }
    root.set("build", build.toJson());
    JsonFiles.write(to, root);
  }

  /**
   * The part in {@code file}.
   *
   * @throws PackFailure naming the file and the field, when it is not a part this plugin wrote
   */
  public static ReleasePart read(Path file) throws PackFailure {
    try {
      return parse(file, readBounded(file));
    } catch (IOException | RuntimeException e) {
      throw new PackFailure(
          file
              + " is not a part record ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); give "
              + PropertyNames.INDEX_PARTS
              + " the part.json files that push -D"
              + PropertyNames.PUSH_PART
              + "=true wrote",
          e);
    }
  }

  private static byte[] readBounded(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException("it is larger than " + MAX_BYTES + " bytes");
      }
      return bytes;
    }
  }

  static ReleasePart parse(Path file, byte[] bytes) throws IOException {
    JsonNode tree = Json.parseWhole(bytes);
    JsonFields root = JsonFields.of(tree);
    root.only(
        "schema",
        "repository",
        "platform",
        "manifest",
        "index",
        "commit",
        "dirty",
        "coordinates",
        "timestamp",
        "binaries",
        "build");
    String schema = required(root, "schema");
    if (!SCHEMA.equals(schema)) {
      throw new IOException("schema is \"" + schema + "\", this plugin reads \"" + SCHEMA + "\"");
    }
    String repository = required(root, "repository");
    ImageReference reference = parseReference(repository);
    if (reference.tag() != null || reference.digest() != null) {
      throw new IOException("repository names a tag or digest");
    }
    Platform platform = platform(required(root, "platform"));
    JsonFields manifest = object(tree, "manifest");
    manifest.only("mediaType", "digest", "size");
    String mediaType = required(manifest, "mediaType", "manifest.mediaType");
    if (!MediaTypes.IMAGES.contains(mediaType)) {
      throw new IOException("manifest.mediaType is not an image manifest's media type");
    }
    String digest = required(manifest, "digest", "manifest.digest");
    if (!Digest.isValid(digest) || !digest.startsWith("sha256:")) {
      throw new IOException("manifest.digest is not a sha256 digest");
    }
    long size = positive(manifest, "size", "manifest.size");
    JsonFields index = object(tree, "index");
    index.only("mediaType", "annotations", "entryAnnotations");
    String indexMediaType = required(index, "mediaType", "index.mediaType");
    if (!MediaTypes.INDEXES.contains(indexMediaType)) {
      throw new IOException("index.mediaType is not an image index's media type");
    }
    Map<String, String> annotations = index.required("annotations", index.textMap("annotations"));
    Map<String, String> entryAnnotations =
        index.required("entryAnnotations", index.textMap("entryAnnotations"));
    String commit = required(root, "commit");
    if (!COMMIT.matcher(commit).matches()) {
      throw new IOException("commit is not a git commit id (40 or 64 lowercase hex digits)");
    }
    if (!tree.has("dirty")) {
      throw new IOException("the top level has no dirty (true, false or null)");
    }
    Boolean dirty = tree.get("dirty").isNull() ? null : root.flag("dirty");
    String coordinates = required(root, "coordinates");
    if (coordinates.split(":", -1).length < 3
        || coordinates.endsWith(":")
        || coordinates.startsWith(":")) {
      throw new IOException("coordinates is not groupId:artifactId:version");
    }
    Instant timestamp;
    try {
      timestamp = Instant.parse(required(root, "timestamp"));
    } catch (DateTimeParseException e) {
      throw new IOException("timestamp is not an ISO-8601 instant");
    }
    List<ReleaseBinary> binaries = new ArrayList<>();
    for (JsonFields binary : root.required("binaries", root.objects("binaries"))) {
      binary.only("name", "target", "sha256", "size", "pack");
      String target = required(binary, "target", "binaries[].target");
      if (TargetTriple.find(target).isEmpty()) {
        throw new IOException("binaries[].target " + target + " is not a known target triple");
      }
      String sha256 = required(binary, "sha256", "binaries[].sha256");
      if (!SHA256.matcher(sha256).matches()) {
        throw new IOException("binaries[].sha256 is not 64 lowercase hex digits");
      }
      binaries.add(
          new ReleaseBinary(
              binary.text("name", PlainPaths::isFileName, "a file name"),
              target,
              sha256,
              positive(binary, "size", "binaries[].size"),
              binary.text("pack", PackName::isValid, "a pack name")));
      if (binaries.get(binaries.size() - 1).name() == null) {
        throw new IOException("binaries[] has no name");
      }
    }
    if (binaries.isEmpty()) {
      throw new IOException("binaries is empty: a part ships at least one binary");
    }
    BuildRecord record;
    try {
      record = BuildRecord.fromJson(object(tree, "build"), true);
    } catch (IOException e) {
      throw new IOException("build: " + e.getMessage(), e);
    }
    return new ReleasePart(
        file,
        repository,
        platform,
        new Descriptor(mediaType, digest, size),
        indexMediaType,
        annotations,
        entryAnnotations,
        new SourceRevision(commit, dirty),
        coordinates,
        timestamp,
        binaries,
        record);
  }

  private static ImageReference parseReference(String repository) throws IOException {
    try {
      return ImageReference.parse(repository);
    } catch (PackFailure e) {
      throw new IOException("repository is not an image repository: " + e.getMessage(), e);
    }
  }

  private static Platform platform(String text) throws IOException {
    try {
      Platform platform = Platform.parse(text);
      if (!text.equals(platform.toString())) {
        throw new IllegalArgumentException("not in os/architecture[/variant] form");
      }
      return platform;
    } catch (IllegalArgumentException e) {
      throw new IOException("platform is not os/architecture[/variant]", e);
    }
  }

  private static JsonFields object(JsonNode tree, String field) throws IOException {
    JsonNode node = tree.get(field);
    if (node == null || node.isNull()) {
      throw new IOException("the top level has no " + field);
    }
    return JsonFields.of(node, field);
  }

  private static String required(JsonFields fields, String field) throws IOException {
    return required(fields, field, field);
  }

  private static String required(JsonFields fields, String field, String path) throws IOException {
    String value = fields.text(field);
    if (value == null || value.isBlank()) {
      throw new IOException(path + " is missing or empty");
    }
    return value;
  }

  private static long positive(JsonFields fields, String field, String path) throws IOException {
    long value = fields.number(field);
    if (value <= 0) {
      throw new IOException(path + " is missing or not a positive whole number");
    }
    return value;
  }
}
