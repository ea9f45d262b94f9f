package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.platform.TargetSelection;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.apache.maven.plugins.annotations.Parameter;
import org.codehaus.plexus.component.configurator.expression.ExpressionEvaluationException;
import org.codehaus.plexus.util.xml.Xpp3Dom;

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
            configuredTargets(),
            target)
        .targets();
  }

  /**
   * The POM's {@code <targets>}. A list parameter takes a command-line property over the POM's list
   * (Maven gives the configured element the property's expression as its value, which wins over its
   * children), so with {@code -Dpack.targets} on the command line {@link #targets} holds the
   * command line's value, and {@code -Dpack.targets=all} would find no list: the POM's list is then
   * read from this execution's configuration.
   */
  private List<String> configuredTargets() throws PackFailure {
    if (userProperty(PropertyNames.TARGETS) == null
        || mojoExecution == null
        || mojoExecution.getConfiguration() == null) {
      return targets;
    }
    Xpp3Dom list = mojoExecution.getConfiguration().getChild("targets");
    if (list == null) {
      return List.of();
    }
    PluginParameterExpressionEvaluator evaluator =
        new PluginParameterExpressionEvaluator(session, mojoExecution);
    List<String> configured = new ArrayList<>();
    for (Xpp3Dom child : list.getChildren()) {
      try {
        Object value = child.getValue() == null ? null : evaluator.evaluate(child.getValue());
        if (value != null) {
          configured.add(value.toString());
        }
      } catch (ExpressionEvaluationException e) {
        throw new PackFailure("<targets> entry '" + child.getValue() + "': " + e.getMessage());
      }
    }
    return configured;
  }
}
