package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.audit.ImageAudit;
import io.attune.packbinaries.elf.Arguments;
import io.attune.packbinaries.elf.SmokeRun;
import io.attune.packbinaries.elf.VerifyRun;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.registry.ImageReference;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Proves each binary static and of its target's architecture from its ELF headers: no dynamic
 * linker, no shared library, the right machine, class and byte order. Without a project it checks
 * one file: {@code -Dpack.binary=FILE -Dpack.target=TRIPLE}. Writes {@code verify-report.json},
 * also when a binary fails.
 *
 * <p>Run on its own with {@code -Dpack.image=REGISTRY/REPOSITORY[:TAG|@DIGEST]}, it audits a
 * published image instead: every platform's binaries under {@code /pack-binaries/}, read back from
 * the registry, into {@code audit-report.json}.
 */
@Mojo(
    name = "verify",
    defaultPhase = LifecyclePhase.PACKAGE,
    requiresProject = false,
    threadSafe = true)
public class VerifyMojo extends AbstractRegistryMojo {

  /** One file to verify instead of what the build goal listed in binaries.json. */
  @Parameter(property = PropertyNames.BINARY)
  private File binary;

  /**
   * With {@code pack.image}: a PEM public key ({@code cosign.pub}, as the push writes it); the
   * audit then fails unless a cosign signature of the image verifies with it.
   */
  @Parameter(property = PropertyNames.VERIFY_PUBLIC_KEY)
  private File publicKey;

  /** Also run each passing binary once (natively, or through qemu-user for another machine). */
  @Parameter(property = PropertyNames.VERIFY_RUN, defaultValue = "false")
  private boolean run;

  /** The arguments of the smoke run, split like a shell would; quotes group. */
  @Parameter(property = PropertyNames.VERIFY_RUN_ARGS, defaultValue = "--version")
  private String runArguments;

  /** How long the smoke run may take, in seconds, before it counts as failed. */
  @Parameter(property = PropertyNames.VERIFY_RUN_TIMEOUT, defaultValue = "60")
  private int runTimeoutSeconds;

  @Override
  protected void run(GoalContext goal) throws Exception {
    if (auditsImage()) {
      auditImage(goal);
      return;
    }
    List<String> arguments;
    try {
      arguments = Arguments.split(runArguments);
    } catch (IllegalArgumentException e) {
      throw new PackFailure(
          PropertyNames.VERIFY_RUN_ARGS + " has an " + e.getMessage() + "; close the quote.");
    }
    Optional<SmokeRun> smokeRun =
        run
            ? Optional.of(new SmokeRun(buildLog(), Duration.ofSeconds(runTimeoutSeconds)))
            : Optional.empty();
    VerifyRun verify = new VerifyRun(buildLog(), layout(), smokeRun, arguments, goal.digests());
    if (binary != null) {
      verify.verifyFile(binary.toPath(), singleTarget());
    } else {
      verify.verifyBuilt(selectedTargets());
    }
  }

  /**
   * Only a run from the command line audits: in a build, {@code pack.image} names where the push
   * goal will publish, and the verify goal bound to {@code package} checks the binaries built.
   */
  private boolean auditsImage() {
    boolean fromCommandLine =
        mojoExecution == null || mojoExecution.getExecutionId().startsWith("default-cli");
    return fromCommandLine && image != null && !image.isBlank();
  }

  private void auditImage(GoalContext goal) throws Exception {
    if (binary != null) {
      throw new PackFailure(
          PropertyNames.BINARY
              + " and "
              + PropertyNames.IMAGE
              + " are both set; verify checks a file or audits an image: give one of them.");
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

  private TargetTriple singleTarget() throws PackFailure {
    List<TargetTriple> selected = selectedTargets();
    if (selected.size() != 1) {
      throw new PackFailure(
          PropertyNames.BINARY
              + " checks one file against one target, but "
              + selected.size()
              + " are selected; name it with -D"
              + PropertyNames.TARGET
              + "=TRIPLE.");
    }
    return selected.get(0);
  }
}
