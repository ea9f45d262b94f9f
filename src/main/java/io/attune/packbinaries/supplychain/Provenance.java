package io.attune.packbinaries.supplychain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.io.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SLSA provenance v1 in-toto Statement of a push: its subjects are the index and each
 * platform's manifest; it records the cargo commands and targets, the builder image, the source's
 * git commit and dirty flag, the plugin version, the Maven coordinates and those of the
 * invocation's properties {@link RecordedProperties} allows, commands with every value that could
 * carry a credential redacted and environments by their names only. It holds no clock time, so the
 * same inputs give the same bytes.
 */
public final class Provenance {

  public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  public static final String BUILD_TYPE = "urn:attune:pack-binaries-maven-plugin:init-image:v1";

  /**
   * @param repository {@code host/path}
   * @param platforms platform to manifest digest
   * @param coordinates {@code groupId:artifactId:version} of the Maven project
   * @param properties the invocation's {@code pack.*} properties
   * @param baseImage the base image reference, or null
   * @param baseDigest its digest, or null
   */
  public record Inputs(
      String repository,
      String indexDigest,
      Map<String, String> platforms,
      BuildRecord build,
      SourceRevision source,
      String pluginVersion,
      String coordinates,
      Map<String, String> properties,
      String baseImage,
      String baseDigest) {}

  private Provenance() {}

  public static byte[] statement(Inputs inputs) {
    ObjectNode statement = Json.object();
    statement.put("_type", "https://in-toto.io/Statement/v1");
    ArrayNode subjects = statement.putArray("subject");
    subject(subjects, inputs.repository(), inputs.indexDigest());
    for (Map.Entry<String, String> platform : new TreeMap<>(inputs.platforms()).entrySet()) {
      subject(subjects, inputs.repository() + " " + platform.getKey(), platform.getValue());
    }
    statement.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = statement.putObject("predicate");
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ObjectNode external = definition.putObject("externalParameters");
    ArrayNode targets = external.putArray("targets");
    inputs.build().commands().keySet().forEach(targets::add);
    ObjectNode commands = external.putObject("cargoCommands");
    inputs
        .build()
        .commands()
        .forEach((target, command) -> commands.put(target, RecordedProperties.command(command)));
    external.put("maven", inputs.coordinates());
    ObjectNode properties = external.putObject("properties");
    RecordedProperties.of(inputs.properties()).forEach(properties::put);
    definition.putObject("internalParameters").put("builder", inputs.build().builder());
    ArrayNode dependencies = definition.putArray("resolvedDependencies");
    ObjectNode source = dependencies.addObject();
    source.put("name", "source");
    if (!SourceRevision.UNKNOWN.equals(inputs.source().commit())) {
      source.putObject("digest").put("gitCommit", inputs.source().commit());
    } else {
      source.put("uri", "git:unknown");
    }
    ObjectNode sourceNotes = source.putObject("annotations");
    sourceNotes.put("commit", inputs.source().commit());
    if (inputs.source().dirty() == null) {
      sourceNotes.put("dirty", "unknown");
    } else {
      sourceNotes.put("dirty", inputs.source().dirty());
    }
    inputs
        .build()
        .builderImageId()
        .ifPresent(
            id -> {
              ObjectNode builder = dependencies.addObject();
              builder.put("name", "builder image " + inputs.build().builderImage().orElse(""));
              builder.put("uri", "pkg:docker/" + inputs.build().builderImage().orElse(""));
              builder.putObject("digest").put("sha256", hex(id));
            });
    if (inputs.baseImage() != null && inputs.baseDigest() != null) {
      ObjectNode base = dependencies.addObject();
      base.put("name", "base image " + inputs.baseImage());
      base.put("uri", "pkg:oci/" + inputs.baseImage());
      base.putObject("digest").put("sha256", hex(inputs.baseDigest()));
    }
    ObjectNode run = predicate.putObject("runDetails");
    ObjectNode builder = run.putObject("builder");
    builder.put("id", "urn:attune:pack-binaries-maven-plugin:" + inputs.pluginVersion());
    builder.putObject("version").put("pack-binaries-maven-plugin", inputs.pluginVersion());
    // No startedOn/finishedOn and no invocation id: a rebuild gives the same statement.
    run.putObject("metadata");
    return Json.compact(statement);
  }

  private static void subject(ArrayNode subjects, String name, String digest) {
    ObjectNode subject = subjects.addObject();
    subject.put("name", name);
    subject.putObject("digest").put("sha256", hex(digest));
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }
}
