package io.attune.packbinaries.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.elf.VerifyReport;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.oci.LayoutReader;
import io.attune.packbinaries.registry.CredentialResolver;
import io.attune.packbinaries.registry.ImageReference;
import io.attune.packbinaries.registry.RegistryAccess;
import io.attune.packbinaries.registry.RegistryClient;
import io.attune.packbinaries.supplychain.SourceRevision;
import io.attune.packbinaries.supplychain.SupplyChainDocuments;
import io.attune.packbinaries.supplychain.SupplyChainDocuments.ReleaseBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The push goal's work for one machine of a split release ({@code -Dpack.push.part=true}): the
 * layout's platform image by digest (no index, no tag), audited, then {@code part.json} written
 * (see {@link ReleasePart}) for the fan-in, which lists the parts in one index elsewhere.
 */
public final class PartPush {

  /**
   * @param layoutDirectory the image goal's OCI layout, of one platform
   * @param image the repository, without tag or digest
   * @param artifacts where the build and verify goals left their records, and part.json goes
   * @param audit whether to audit the pushed image before the part is recorded
   * @param coordinates the Maven project's {@code groupId:artifactId:version}
   * @param timestamp the SBOM's time the fan-in uses
   * @param sourceDirectory where git is asked for the commit
   */
  public record Request(
      Path layoutDirectory,
      String image,
      RegistryAccess access,
      ArtifactLayout artifacts,
      boolean audit,
      String coordinates,
      Instant timestamp,
      Path sourceDirectory) {}

  private final BuildLog log;
  private final FileDigests digests;

  public PartPush(BuildLog log, FileDigests digests) {
    this.log = log;
    this.digests = digests;
  }

  public ReleasePart run(Request request) throws PackFailure, IOException, InterruptedException {
    ImageReference target = ImagePush.target(request.image());
    Path partFile = request.artifacts().part();
    // A part that stops half-way must not leave the previous run's record for the fan-in.
    Files.deleteIfExists(partFile);
    LayoutReader.Layout layout =
        LayoutReader.hashingBlobsWhenSent(digests).read(request.layoutDirectory());
    if (layout.images().size() != 1) {
      throw new PackFailure(
          "A part of a split release is one platform's image, but the layout holds "
              + layout.images().size()
              + " ("
              + String.join(
                  ", ", layout.images().stream().map(i -> i.platform().toString()).toList())
              + "); build one target per machine (-D"
              + PropertyNames.TARGET
              + "=…), or push without "
              + PropertyNames.PUSH_PART);
    }
    LayoutReader.Image image = layout.images().get(0);
    SourceRevision source = SourceRevision.of(request.sourceDirectory());
    if (SourceRevision.UNKNOWN.equals(source.commit())) {
      throw new PackFailure(
          "A part must record the commit it was built from, and git found none in "
              + request.sourceDirectory()
              + "; build the part in a git checkout (the fan-in checks that all parts name one"
              + " commit)");
    }
    BuildRecord build =
        BuildRecord.read(request.artifacts().buildRecord())
            .orElseThrow(
                () ->
                    new PackFailure(
                        "No build record ("
                            + request.artifacts().buildRecord()
                            + ") for the part's SBOM; run the build goal first (mvn deploy runs"
                            + " build, verify, image and push)"));
    String platform = image.platform().toString();
    List<ReleaseBinary> binaries =
        SupplyChainDocuments.binaries(
            VerifyReport.read(request.artifacts().verifyReport()).binaries(), platform);
    if (binaries.isEmpty()) {
      throw new PackFailure(
          "The verify report "
              + request.artifacts().verifyReport()
              + " passes no binary of "
              + platform
              + "; run the verify goal before pushing a part");
    }
    JsonNode index = Json.parse(layout.indexBytes());
    ReleasePart part =
        new ReleasePart(
            partFile,
            target.repositoryName(),
            image.platform(),
            image.manifest(),
            layout.index().mediaType(),
            texts(index.path("annotations")),
            entryAnnotations(index, image.manifest().digest()),
            source,
            request.coordinates(),
            request.timestamp(),
            binaries,
            build);
    CredentialResolver.Resolution resolution = request.access().credentialsFor(target, log);
    try (RegistryClient client =
        request.access().client(target.registry(), target.repository(), resolution.credentials())) {
      Publisher publisher = Publisher.over(client, target, request.access(), resolution, log);
      log.info(
          "Pushing the part "
              + platform
              + " to "
              + target.repositoryName()
              + " by digest (no index, no tag)"
              + resolution.found().map(c -> " as " + c).orElse(" anonymously"));
      publisher.publishImages(layout);
    }
    String reference = target.repositoryName() + "@" + image.manifest().digest();
    if (request.audit()) {
      new ImageAudit(log)
          .run(
              new ImageAudit.Request(
                  reference, request.access(), request.artifacts().auditReport()));
    } else {
      log.warn(
          PropertyNames.PUSH_AUDIT
              + "=false: the part is not audited here; the fan-in audits the index");
    }
    part.write(partFile);
    log.info("Pushed the part " + platform + ": " + reference + "; record " + partFile);
    return part;
  }

  /** The annotations of the layout index's entry for {@code digest}. */
  private static Map<String, String> entryAnnotations(JsonNode index, String digest) {
    for (JsonNode entry : index.path("manifests")) {
      if (digest.equals(entry.path("digest").asText())) {
        return texts(entry.path("annotations"));
      }
    }
    return Map.of();
  }

  private static Map<String, String> texts(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> i = object.fields(); i.hasNext(); ) {
      Map.Entry<String, JsonNode> field = i.next();
      values.put(field.getKey(), field.getValue().asText());
    }
    return values;
  }
}
