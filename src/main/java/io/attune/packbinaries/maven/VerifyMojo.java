package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.elf.Arguments;
import io.attune.packbinaries.elf.SmokeRun;
import io.attune.packbinaries.elf.VerifyRun;
import io.attune.packbinaries.platform.TargetTriple;
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
 * also when a binary fails. It always checks files on this machine; {@code pack-binaries:audit}
 * checks a published image.
 */
@Mojo(
    name = "verify",
    defaultPhase = LifecyclePhase.PACKAGE,
    requiresProject = false,
    threadSafe = true)
public class VerifyMojo extends AbstractPackMojo {

  /** One file to verify instead of what the build goal listed in binaries.json. */
  @Parameter(property = PropertyNames.BINARY)
  private File binary;

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
    refuseImageWithoutProject();
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
   * {@code verify -Dpack.image=…} without a project once audited a published image; that is the
   * audit goal's job now, and verify says so rather than look for binaries that are not there.
   */
  private void refuseImageWithoutProject() throws PackFailure {
    String image = userProperty(PropertyNames.IMAGE);
    boolean noProject = project == null || project.getFile() == null;
    if (image != null && noProject && binary == null) {
      throw new PackFailure(
          "verify checks the binaries the build goal made (or -D"
              + PropertyNames.BINARY
              + "=FILE); to audit the published image "
              + image
              + ", run: mvn io.attune:pack-binaries-maven-plugin:audit -D"
              + PropertyNames.IMAGE
              + "="
              + image);
    }
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
