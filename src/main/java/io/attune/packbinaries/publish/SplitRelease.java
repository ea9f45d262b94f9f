package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.Crate;
import io.attune.packbinaries.audit.AuditReport;
import io.attune.packbinaries.audit.AuditedPlatform;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.registry.RegistryException;
import io.attune.packbinaries.supplychain.BaseImages;
import io.attune.packbinaries.supplychain.SourceRevision;
import io.attune.packbinaries.supplychain.SupplyChainAttachments;
import io.attune.packbinaries.supplychain.SupplyChainDocuments;
import io.attune.packbinaries.supplychain.SupplyChainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The fan-in of a split release ({@code index -Dpack.index.parts=…}): reads the parts that other
 * machines pushed ({@link ReleasePart}), checks that they name one commit and one release, one part
 * per platform, each in the registry by digest and of its platform; then, as a push does, builds
 * the index (the same bytes the image goal writes for the same images), publishes it by digest,
 * audits it, attaches the supply chain made from the parts' records, and writes the tags last.
 * Needs no cargo, no Docker and no project.
 */
public final class SplitRelease {

  /** How deep a directory given in pack.index.parts is searched for part.json files. */
  private static final int MAX_DEPTH = 8;

  /**
   * @param parts part.json files, or directories holding them at any depth
   * @param image the repository to write the index to, where the parts were pushed
   * @param configuredTags pack.image.tags; empty for the release's defaults
   * @param composeFile the distributable compose file to check, or null
   * @param report where image.json goes (audit-report.json beside it)
   * @param supplyChain what to attach; its coordinates, timestamp and source directory are replaced
   *     by the parts'. Null for nothing
   * @param audit whether to audit the index before it is signed and tagged
   * @param platforms the platforms the release ships ({@code linux/arm64}), each of which must have
   *     exactly one part and no other; empty to take the parts given
   */
  public record Request(
      List<String> parts,
      String image,
      List<String> configuredTags,
      RegistryAccess access,
      Path composeFile,
      Path report,
      SupplyChainRequest supplyChain,
      boolean audit,
      List<String> platforms) {}

  private final BuildLog log;

  public SplitRelease(BuildLog log) {
    this.log = log;
  }

  public PushResult run(Request request) throws PackFailure, IOException, InterruptedException {
    List<ReleasePart> parts = read(request.parts());
    ReleasePart first = checkOneRelease(parts);
    checkPlatforms(parts, request.platforms());
    ImageReference target = target(request.image(), first);
    List<String> tags =
        ImagePush.tags(ReleaseTags.toPush(request.configuredTags(), first.version()));
    List<String> releaseTags = ReleaseTags.ofRelease(request.configuredTags(), first.version());
    ImagePush.checkedComposeFile(request.composeFile(), request.access(), target, releaseTags);
    log.info("Tags to write: " + String.join(", ", tags));

    List<ReleasePart> byPlatform =
        parts.stream().sorted(Comparator.comparing(p -> p.platform().toString())).toList();
    byte[] indexBytes = indexBytes(byPlatform);
    Descriptor index =
        new Descriptor(
            first.indexMediaType(), "sha256:" + Sha256.of(indexBytes), indexBytes.length);

    SupplyChainDocuments documents = null;
    if (request.supplyChain() != null && request.supplyChain().attachesAnything()) {
      // The key is read first: a wrong passphrase fails before anything is sent.
      documents =
          SupplyChainDocuments.make(
              forParts(request.supplyChain(), first),
              release(target, index, byPlatform),
              BaseImages.read(
                  byPlatform.stream()
                      .map(p -> p.entryAnnotations().get(OciIndex.BASE_NAME))
                      .toList(),
                  request.access(),
                  log));
    }

    CredentialResolver.Resolution resolution = request.access().credentialsFor(target, log);
    PushResult result;
    try (RegistryClient client =
        request.access().client(target.registry(), target.repository(), resolution.credentials())) {
      Publisher publisher = Publisher.over(client, target, request.access(), resolution, log);
      Map<String, String> platforms = new LinkedHashMap<>();
      for (ReleasePart part : byPlatform) {
        checkInRegistry(part, client, publisher);
        platforms.put(part.platform().toString(), part.manifest().digest());
        log.info(
            "Part "
                + part.platform()
                + ": "
                + target.repositoryName()
                + "@"
                + part.manifest().digest()
                + " ("
                + part.file()
                + ")");
      }
      publisher.publishIndex(index.mediaType(), indexBytes, index.digest());
      log.info("Index " + target.repositoryName() + "@" + index.digest() + " published by digest");
      if (request.audit()) {
        audit(request, target.repositoryName() + "@" + index.digest(), byPlatform);
      }
      if (documents != null) {
        new SupplyChainAttachments(client, publisher.steps(), log).attach(documents);
      }
      publisher.tag(index.mediaType(), indexBytes, index.digest(), tags);
      result =
          new PushResult(target.repositoryName(), tags, index.digest(), platforms, 0, 0, 0, 0, 0);
    }
    PushReport.write(request.report(), result);
    log.info("Pushed " + result.pinnedReference());
    return result;
  }

  /**
   * The index over {@code parts} (sorted by platform), as the image goal writes it for the same
   * images: each entry with its annotations, the index with the release's.
   */
  static byte[] indexBytes(List<ReleasePart> parts) {
    List<OciIndex.Entry> entries = new ArrayList<>();
    for (ReleasePart part : parts) {
      entries.add(new OciIndex.Entry(part.manifest(), part.platform(), part.entryAnnotations()));
    }
    ManifestFormat format =
        MediaTypes.OCI_INDEX.equals(parts.get(0).indexMediaType())
            ? ManifestFormat.OCI
            : ManifestFormat.DOCKER;
    return OciIndex.index(format, entries, parts.get(0).indexAnnotations());
  }

  /** The parts the list names: files, and every part.json under the directories, in order. */
  static List<ReleasePart> read(List<String> entries) throws PackFailure, IOException {
    Set<Path> files = new LinkedHashSet<>();
    for (String entry : entries) {
      Path path = Path.of(entry.trim());
      if (Files.isDirectory(path)) {
        try (Stream<Path> found = Files.walk(path, MAX_DEPTH)) {
          List<Path> inside =
              found
                  .filter(f -> f.getFileName().toString().equals(ReleasePart.FILE_NAME))
                  .filter(Files::isRegularFile)
                  .sorted()
                  .toList();
          if (inside.isEmpty()) {
            throw new PackFailure(
                PropertyNames.INDEX_PARTS
                    + " names the directory "
                    + path
                    + ", which holds no "
                    + ReleasePart.FILE_NAME
                    + "; download the parts' artifacts into it first");
          }
          inside.forEach(f -> files.add(f.normalize()));
        }
      } else if (Files.isRegularFile(path)) {
        files.add(path.normalize());
      } else {
        throw new PackFailure(
            PropertyNames.INDEX_PARTS
                + " names "
                + path
                + ", which does not exist; give the part.json files (or their directories) that"
                + " push -D"
                + PropertyNames.PUSH_PART
                + "=true wrote on each machine");
      }
    }
    if (files.isEmpty()) {
      throw new PackFailure(
          "No part given; set " + PropertyNames.INDEX_PARTS + "=DIR_OR_FILE,… to the parts");
    }
    List<ReleasePart> parts = new ArrayList<>();
    for (Path file : files) {
      parts.add(ReleasePart.read(file));
    }
    return parts;
  }

  /**
   * One part per platform, one commit, one release (repository, project, time, index format and
   * annotations); returns the first part, which the others agree with.
   */
  static ReleasePart checkOneRelease(List<ReleasePart> parts) throws PackFailure {
    Map<Platform, ReleasePart> platforms = new LinkedHashMap<>();
    for (ReleasePart part : parts) {
      ReleasePart other = platforms.putIfAbsent(part.platform(), part);
      if (other != null) {
        throw new PackFailure(
            "Two parts for "
                + part.platform()
                + ": "
                + other.file()
                + " and "
                + part.file()
                + "; an index holds one image per platform. Keep one of them (each runner of the"
                + " matrix builds its own platform)");
      }
    }
    ReleasePart first = parts.get(0);
    for (ReleasePart part : parts.subList(1, parts.size())) {
      if (!part.source().commit().equals(first.source().commit())) {
        throw new PackFailure(
            "The part "
                + part.file()
                + " ("
                + part.platform()
                + ") was built from commit "
                + part.source().commit()
                + ", but "
                + first.file()
                + " from "
                + first.source().commit()
                + "; all parts of a release come from one commit. Build that part again from "
                + first.source().commit()
                + ", or leave it out");
      }
      same(first, part, "repository", ReleasePart::repository);
      same(first, part, "coordinates", ReleasePart::coordinates);
      same(first, part, "timestamp", ReleasePart::timestamp);
      same(first, part, "index.mediaType", ReleasePart::indexMediaType);
      same(first, part, "index.annotations", p -> new TreeMap<>(p.indexAnnotations()));
    }
    return first;
  }

  /**
   * Every platform the release ships has its part, and no part is of another platform: a runner
   * whose job failed, or whose artifact was not downloaded, must not leave its hosts without an
   * image. Without {@code wanted}, the parts given are the release.
   */
  static void checkPlatforms(List<ReleasePart> parts, List<String> wanted) throws PackFailure {
    if (wanted == null || wanted.isEmpty()) {
      return;
    }
    List<Platform> required = new ArrayList<>();
    for (String text : wanted) {
      try {
        required.add(Platform.parse(text));
      } catch (IllegalArgumentException e) {
        throw new PackFailure(PropertyNames.INDEX_PLATFORMS + ": " + e.getMessage(), e);
      }
    }
    for (Platform platform : required) {
      if (parts.stream().noneMatch(p -> samePlatform(platform, p.platform()))) {
        throw new PackFailure(
            "No part for "
                + platform
                + " among "
                + String.join(", ", parts.stream().map(p -> p.file().toString()).toList())
                + "; "
                + PropertyNames.INDEX_PLATFORMS
                + " says the release ships it. Its runner's part.json is missing: did its job"
                + " fail, or its artifact not reach this job? Push that part (push -D"
                + PropertyNames.PUSH_PART
                + "=true on its machine) and run the fan-in again");
      }
    }
    for (ReleasePart part : parts) {
      if (required.stream().noneMatch(p -> samePlatform(p, part.platform()))) {
        throw new PackFailure(
            "The part "
                + part.file()
                + " is for "
                + part.platform()
                + ", which "
                + PropertyNames.INDEX_PLATFORMS
                + "="
                + String.join(",", wanted)
                + " does not list; leave it out, or add its platform");
      }
    }
  }

  private static void same(
      ReleasePart first, ReleasePart part, String field, Function<ReleasePart, Object> value)
      throws PackFailure {
    if (!Objects.equals(value.apply(first), value.apply(part))) {
      throw new PackFailure(
          "The part "
              + part.file()
              + " has "
              + field
              + " "
              + value.apply(part)
              + ", but "
              + first.file()
              + " has "
              + value.apply(first)
              + "; the parts of one release are built by the same project with the same"
              + " settings");
    }
  }

  /** pack.image, which must be the parts' repository. */
  private static ImageReference target(String image, ReleasePart first) throws PackFailure {
    ImageReference parts = ImagePush.target(first.repository());
    ImageReference target = ImagePush.target(image);
    if (!target.repositoryName().equals(parts.repositoryName())) {
      throw new PackFailure(
          PropertyNames.IMAGE
              + "="
              + image
              + ", but the parts were pushed to "
              + parts.repositoryName()
              + " ("
              + first.file()
              + "); the index lists the parts by digest in their own repository. Set "
              + PropertyNames.IMAGE
              + "="
              + parts.repositoryName()
              + ", or push the parts there");
    }
    return target;
  }

  /** The request the parts stand for: their project's coordinates and time, no source to ask. */
  private static SupplyChainRequest forParts(SupplyChainRequest given, ReleasePart first) {
    return new SupplyChainRequest(
        given.sbom(),
        given.signingKey(),
        given.passphrase(),
        given.artifacts(),
        null,
        given.pluginVersion(),
        first.coordinates(),
        given.properties(),
        first.timestamp());
  }

  /** What the supply chain describes, from the parts' records instead of a local layout. */
  static SupplyChainDocuments.Release release(
      ImageReference target, Descriptor index, List<ReleasePart> parts) {
    List<SupplyChainDocuments.Image> images = new ArrayList<>();
    Map<String, String> commands = new TreeMap<>();
    Set<Crate> crates = new LinkedHashSet<>();
    Set<String> builders = new LinkedHashSet<>();
    Boolean dirty = false;
    for (ReleasePart part : parts) {
      images.add(
          new SupplyChainDocuments.Image(
              part.platform().toString(),
              part.manifest(),
              part.entryAnnotations().get(OciIndex.BASE_NAME),
              part.binaries()));
      commands.putAll(part.build().commands());
      crates.addAll(part.build().crates());
      builders.add(part.build().builder());
      Boolean partDirty = part.source().dirty();
      dirty = dirty == null || partDirty == null ? null : dirty || partDirty;
    }
    // One builder when the machines agree (a single-machine release records one); otherwise
    // each platform's, which names no single builder image.
    String builder =
        builders.size() == 1
            ? builders.iterator().next()
            : String.join(
                "; ", parts.stream().map(p -> p.platform() + ": " + p.build().builder()).toList());
    return new SupplyChainDocuments.Release(
        target.repositoryName(),
        index,
        images,
        new BuildRecord(builder, commands, List.copyOf(crates)),
        new SourceRevision(parts.get(0).source().commit(), dirty));
  }

  /** The part's manifest is in the registry, as recorded, and its config is of its platform. */
  private void checkInRegistry(ReleasePart part, RegistryClient client, Publisher publisher)
      throws PackFailure, IOException, InterruptedException {
    String digest = part.manifest().digest();
    RegistryClient.Manifest manifest;
    try {
      manifest =
          publisher
              .steps()
              .run(
                  "Reading the part " + part.platform() + " " + part.repository() + "@" + digest,
                  () -> client.manifest(digest));
    } catch (IOException e) {
      if (e.getCause() instanceof RegistryException missing && missing.status() == 404) {
        throw new PackFailure(
            "The part "
                + part.file()
                + " ("
                + part.platform()
                + ") names an image the registry does not hold: "
                + part.repository()
                + "@"
                + digest
                + ". Push that part again (push -D"
                + PropertyNames.PUSH_PART
                + "=true on its machine), or leave it out",
            e);
      }
      throw e;
    }
    if (!manifest.mediaType().equals(part.manifest().mediaType())
        || manifest.content().length != part.manifest().size()
        || !digest.equals("sha256:" + Sha256.of(manifest.content()))) {
      throw new PackFailure(
          "The part "
              + part.file()
              + " records "
              + part.manifest()
              + ", but the registry serves a "
              + manifest.mediaType()
              + " of "
              + manifest.content().length
              + " bytes under that digest; the part record is damaged, push that part again");
    }
    JsonNode parsed = Json.parse(manifest.content());
    String configDigest = parsed.path("config").path("digest").asText();
    if (!Digest.isValid(configDigest)) {
      throw new PackFailure(
          "The part "
              + part.file()
              + " names "
              + part.repository()
              + "@"
              + digest
              + ", whose manifest names no valid config digest; it is not an image this plugin"
              + " pushed");
    }
    JsonNode config =
        Json.parse(
            publisher
                .steps()
                .run(
                    "Reading the config of the part " + part.platform(),
                    () -> client.blob(configDigest)));
    Platform actual =
        new Platform(
            config.path("os").asText(),
            config.path("architecture").asText(),
            config.path("variant").asText(null));
    if (!samePlatform(part.platform(), actual)) {
      throw new PackFailure(
          "The part "
              + part.file()
              + " claims "
              + part.platform()
              + ", but its image "
              + part.repository()
              + "@"
              + digest
              + " is "
              + actual
              + " by its config; rebuild that part on (or for) "
              + part.platform());
    }
  }

  /** A variant the image does not state (arm64's v8) is not a mismatch. */
  private static boolean samePlatform(Platform claimed, Platform actual) {
    return claimed.os().equals(actual.os())
        && claimed.architecture().equals(actual.architecture())
        && (claimed.variant() == null
            || actual.variant() == null
            || claimed.variant().equals(actual.variant()));
  }

  /** The push's audit of the index; a failure names the parts whose platforms failed. */
  private void audit(Request request, String reference, List<ReleasePart> parts)
      throws PackFailure, IOException, InterruptedException {
    Path reportFile = request.report().resolveSibling(AuditReport.FILE_NAME);
    try {
      new ImageAudit(log).run(new ImageAudit.Request(reference, request.access(), reportFile));
    } catch (PackFailure failure) {
      List<String> failing = new ArrayList<>();
      if (Files.isRegularFile(reportFile)) {
        for (AuditedPlatform platform : AuditReport.read(reportFile).platforms()) {
          if (!platform.passed()) {
            parts.stream()
                .filter(p -> p.manifest().digest().equals(platform.manifest()))
                .forEach(p -> failing.add(p.file() + " (" + p.platform() + ")"));
          }
        }
      }
      if (failing.isEmpty()) {
        throw failure;
      }
      throw new PackFailure(
          "The part"
              + (failing.size() == 1 ? " " : "s ")
              + String.join(", ", failing)
              + " failed the audit, so the index is neither signed nor tagged. "
              + failure.getMessage(),
          failure);
    }
  }
}
