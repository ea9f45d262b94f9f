package io.attune.packbinaries.supplychain;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.Crate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.parsers.JsonParser;

/**
 * One platform's CycloneDX SBOM, made with the CycloneDX library: the image as the subject, each
 * binary with its sha256 and target triple, the crates compiled into it with {@code pkg:cargo}
 * purls and the lock's checksums, and the base image as {@code pkg:oci} with its digest. Nothing in
 * it depends on the clock: its time is the build's reproducible timestamp and its serial number is
 * derived from the image's digest.
 */
public final class SbomDocument {

  public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
  static final Version VERSION = Version.VERSION_16;

  /**
   * A binary of the image and the crates built into it.
   *
   * @param pack its pack, for a build of several packs; else null
   */
  public record Binary(
      String name, String target, String sha256, long size, List<Crate> crates, String pack) {

    /** A binary of a build of one workspace. */
    public Binary(String name, String target, String sha256, long size, List<Crate> crates) {
      this(name, target, sha256, size, crates, null);
    }
  }

  /**
   * @param repository {@code host/path} of the pushed image
   * @param platform {@code linux/arm64}
   * @param manifestDigest the platform manifest's digest, the SBOM's subject
   * @param baseName the base image reference, or null
   * @param baseDigest the base image's manifest digest for this platform, or null when unknown
   */
  public record Subject(
      String repository,
      String platform,
      String manifestDigest,
      String version,
      String baseName,
      String baseDigest) {}

  private SbomDocument() {}

  public static byte[] write(
      Subject subject, List<Binary> binaries, String pluginVersion, Instant timestamp)
      throws PackFailure {
    Bom bom = new Bom();
    bom.setSerialNumber(
        "urn:uuid:"
            + UUID.nameUUIDFromBytes(
                (subject.repository() + "@" + subject.manifestDigest())
                    .getBytes(StandardCharsets.UTF_8)));
    bom.setMetadata(metadata(subject, pluginVersion, timestamp));
    // Components by bom-ref, so a crate in two binaries is listed once.
    Map<String, Component> components = new LinkedHashMap<>();
    List<Dependency> dependencies = new ArrayList<>();
    for (Binary binary : binaries) {
      Component file = binaryComponent(binary);
      components.put(file.getBomRef(), file);
      Dependency dependency = new Dependency(file.getBomRef());
      for (Crate crate : binary.crates()) {
        Component library = crateComponent(crate);
        components.putIfAbsent(library.getBomRef(), library);
        dependency.addDependency(new Dependency(library.getBomRef()));
      }
      dependencies.add(dependency);
    }
    if (subject.baseName() != null) {
      Component base = baseComponent(subject);
      components.put(base.getBomRef(), base);
    }
    bom.setComponents(new ArrayList<>(components.values()));
    bom.setDependencies(dependencies);
    // Not schema-validated here: loading the schema costs more than a push's own work. The library
    // writes what its model holds; the tests validate what it writes (see validate).
    try {
      return BomGeneratorFactory.createJson(VERSION, bom)
          .toJsonString(true)
          .getBytes(StandardCharsets.UTF_8);
    } catch (GeneratorException e) {
      throw new IllegalStateException("CycloneDX could not write the SBOM it was given", e);
    }
  }

  /**
   * Checks {@code json} against the CycloneDX JSON schema with the library's validator: for an SBOM
   * read from elsewhere, and in the tests of what {@link #write} makes.
   */
  public static void validate(byte[] json) throws PackFailure {
    List<ParseException> problems;
    try {
      problems = new JsonParser().validate(json, VERSION);
    } catch (IOException e) {
      throw new PackFailure("The SBOM is not JSON: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new PackFailure(
          "The SBOM does not validate against the CycloneDX "
              + VERSION.getVersionString()
              + " schema: "
              + problems.get(0).getMessage());
    }
  }

  private static Metadata metadata(Subject subject, String pluginVersion, Instant timestamp) {
    Metadata metadata = new Metadata();
    metadata.setTimestamp(Date.from(timestamp));
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setGroup("io.attune");
    tool.setName("pack-binaries-maven-plugin");
    tool.setVersion(pluginVersion);
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(tool));
    metadata.setToolChoice(tools);
    Component image = new Component();
    image.setType(Component.Type.CONTAINER);
    image.setBomRef(subject.repository() + "@" + subject.manifestDigest());
    image.setName(subject.repository());
    image.setVersion(subject.version());
    image.setPurl(ociPurl(subject.repository(), subject.manifestDigest()));
    image.setHashes(List.of(sha256(subject.manifestDigest())));
    image.setProperties(List.of(new Property("oci:platform", subject.platform())));
    metadata.setComponent(image);
    return metadata;
  }

  private static Component binaryComponent(Binary binary) {
    Component file = new Component();
    file.setType(Component.Type.APPLICATION);
    // Two packs may ship a binary of one name: its pack keeps the reference unique.
    file.setBomRef(
        "binary:"
            + binary.target()
            + "/"
            + (binary.pack() == null ? "" : binary.pack() + "/")
            + binary.name());
    file.setName(binary.name());
    file.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, binary.sha256())));
    List<Property> properties = new ArrayList<>();
    properties.add(new Property("rust:target", binary.target()));
    properties.add(new Property("file:size", Long.toString(binary.size())));
    if (binary.pack() != null) {
      properties.add(new Property("attune:pack", binary.pack()));
    }
    file.setProperties(properties);
    return file;
  }

  private static Component crateComponent(Crate crate) {
    Component library = new Component();
    library.setType(crate.local() ? Component.Type.APPLICATION : Component.Type.LIBRARY);
    library.setBomRef(crate.purl());
    library.setName(crate.name());
    library.setVersion(crate.version());
    library.setPurl(crate.purl());
    if (crate.checksum() != null) {
      library.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, crate.checksum())));
    }
    if (crate.source() != null) {
      library.setProperties(List.of(new Property("cargo:source", crate.source())));
    }
    return library;
  }

  private static Component baseComponent(Subject subject) {
    Component base = new Component();
    base.setType(Component.Type.CONTAINER);
    base.setBomRef("base:" + subject.baseName());
    base.setName(subject.baseName());
    if (subject.baseDigest() != null) {
      String repository = subject.baseName().replaceFirst("[:@][^/]*$", "");
      base.setPurl(ociPurl(repository, subject.baseDigest()));
      base.setHashes(List.of(sha256(subject.baseDigest())));
    }
    base.setProperties(List.of(new Property("oci:role", "base image")));
    return base;
  }

  private static Hash sha256(String digest) {
    return new Hash(Hash.Algorithm.SHA_256, digest.substring(digest.indexOf(':') + 1));
  }

  /**
   * {@code pkg:oci/<last path segment>@sha256%3A<hex>?repository_url=<host/path>}, as the purl
   * spec's oci type writes an image.
   */
  static String ociPurl(String repository, String digest) {
    String name = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase();
    return "pkg:oci/"
        + name
        + "@"
        + digest.replace(":", "%3A")
        + "?repository_url="
        + repository.toLowerCase();
  }
}
