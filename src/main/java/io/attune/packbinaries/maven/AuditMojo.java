package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.registry.ImageReference;
import java.io.File;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Audits a published image, {@code -Dpack.image=REGISTRY/REPOSITORY[:TAG|@DIGEST]}: every
 * platform's files under {@code /pack-binaries/}, read back from the registry as a host would
 * extract them, must be static and of that platform's architecture; the SBOMs and provenance
 * attached to it are listed. Writes {@code audit-report.json}. Needs no project.
 */
@Mojo(name = "audit", requiresProject = false, threadSafe = true)
public class AuditMojo extends AbstractRegistryMojo {

  /**
   * A PEM public key ({@code cosign.pub}, as the push writes it): the audit then fails unless a
   * cosign signature of the image verifies with it, and an attestation it signed names the image.
   */
  @Parameter(property = PropertyNames.VERIFY_PUBLIC_KEY)
  private File publicKey;

  @Override
  protected void run(GoalContext goal) throws Exception {
    if (image == null || image.isBlank()) {
      throw new PackFailure(
          "No image to audit; name it: mvn pack-binaries:audit -D"
              + PropertyNames.IMAGE
              + "=REGISTRY/REPOSITORY:TAG (or @sha256:DIGEST)");
    }
    ImageReference reference = ImageReference.parse(image);
    new ImageAudit(buildLog())
        .run(
            new ImageAudit.Request(
                image,
                access(goal, reference.registry()),
                layout().auditReport(),
                true,
                publicKey == null ? null : publicKey.toPath()));
  }
}
