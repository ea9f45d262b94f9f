package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.TargetSelection;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the goals that work on this machine's build share (build, verify, image): the target triples
 * and the container engine, besides what every goal shares.
 */
public abstract class AbstractPackMojo extends AbstractGoalMojo {

  /** The one target triple to build for, e.g. {@code aarch64-unknown-linux-musl}. */
  @Parameter(property = PropertyNames.TARGET)
  protected String target;

  /**
   * The project's target triples. On the command line, {@code -Dpack.targets=a,b} picks some and
   * {@code -Dpack.targets=all} picks every one configured here.
   */
  @Parameter(property = PropertyNames.TARGETS)
  protected List<String> targets;

  /**
   * {@code docker} or {@code podman}: the CLI that runs the builder and loads images. The image
   * goal's former element name {@code <engine>} still works.
   */
  @Parameter(property = PropertyNames.CONTAINER_ENGINE, alias = "engine", defaultValue = "docker")
  protected String containerEngine;

  /** The targets this run is for: see {@link TargetSelection} for who wins. */
  protected List<TargetTriple> selectedTargets() throws PackFailure {
    return new TargetSelection(
            userProperty(PropertyNames.TARGET),
            userProperty(PropertyNames.TARGETS),
            targets,
            target)
        .targets();
  }
}
