package io.attune.packbinaries.maven;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetSelection;
import io.attune.packbinaries.publish.DeployPreflight;
import io.attune.packbinaries.registry.CredentialsOverHttpRefused;
import io.attune.packbinaries.registry.RegistryConnections;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.DistributionManagement;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * What every goal shares: skipping, the output directory, how registries may be reached, the goal's
 * context (the digests of the goals' files, registry connections), and turning the core's
 * exceptions into Maven's two kinds of failure. The goals that build on this machine add the target
 * triples and the container engine ({@link AbstractPackMojo}); the goals that talk to a registry
 * its access ({@link AbstractRegistryMojo}), so each goal's page lists only what it uses.
 */
public abstract class AbstractGoalMojo extends AbstractMojo {

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  protected MojoExecution mojoExecution;

  /** Skips this goal. */
  @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
  protected boolean skip;

  /** Where binaries, reports and images are written. */
  @Parameter(
      property = PropertyNames.OUTPUT_DIRECTORY,
      defaultValue = "${project.build.directory}/pack-binaries")
  protected File outputDirectory;

  /**
   * Allows plain HTTP and unverified TLS (for test registries); loopback hosts may use HTTP anyway.
   */
  @Parameter(property = PropertyNames.ALLOW_INSECURE_REGISTRIES, defaultValue = "false")
  protected boolean allowInsecureRegistries;

  /**
   * Sends credentials (a password, or a token bought with one) over plain HTTP to a registry or
   * token server that is not this machine. Off by default, with {@code
   * pack.allowInsecureRegistries} too: only for a registry on a network you trust.
   */
  @Parameter(property = PropertyNames.SEND_CREDENTIALS_OVER_HTTP, defaultValue = "false")
  protected boolean sendCredentialsOverHttp;

  /** Maven's stand-in project where a goal runs without a POM. */
  @Parameter(defaultValue = "${project}", readonly = true)
  protected MavenProject project;

  @Parameter(defaultValue = "${project.version}", readonly = true)
  protected String projectVersion;

  /** Every file time in images and attestations (reproducible builds). */
  @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
  protected String outputTimestamp;

  /** A new plugin version may build different images: it rebuilds unchanged inputs. */
  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  protected String pluginVersion;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping (" + PropertyNames.SKIP + " is true)");
      return;
    }
    long started = System.nanoTime();
    try (GoalContext goal =
        new GoalContext(
            FileDigests.keptIn(layout().fileDigests(), getLog()::debug),
            new RegistryConnections())) {
      run(goal);
      // One line per goal in a fixed form, which make bench collects.
      getLog()
          .info(
              (mojoExecution == null ? "goal" : mojoExecution.getGoal())
                  + " took "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
    } catch (PackFailure e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("Interrupted", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // The user's to fix, with the switch it names, however deep a parallel step wrapped it.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CredentialsOverHttpRefused refused) {
          throw new MojoFailureException(refused.getMessage(), e);
        }
      }
      throw new MojoExecutionException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /**
   * The goal's work, with what it shares closed when it ends; throws {@link PackFailure} when the
   * user's input is wrong.
   */
  protected abstract void run(GoalContext goal) throws Exception;

  protected BuildLog buildLog() {
    return new MavenBuildLog(getLog());
  }

  protected ArtifactLayout layout() {
    return new ArtifactLayout(outputDirectoryPath());
  }

  /**
   * Maven's stand-in project, used when a goal runs where there is no POM, leaves {@code
   * ${project.basedir}} unexpanded in its build directory; it means the directory Maven runs in.
   */
  private Path outputDirectoryPath() {
    String path = outputDirectory.getPath();
    String basedir = "${project.basedir}";
    int at = path.indexOf(basedir);
    if (at >= 0 && session != null) {
      String rest = path.substring(at + basedir.length()).replaceFirst("^[/\\\\]+", "");
      return Path.of(session.getExecutionRootDirectory()).resolve(rest).normalize();
    }
    // A POM may write ${project.basedir}/../target: logs and state files get the plain path.
    return outputDirectory.toPath().toAbsolutePath().normalize();
  }

  /** A property given on the command line (or in MAVEN_OPTS), or null. */
  protected String userProperty(String name) {
    String value = session == null ? null : session.getUserProperties().getProperty(name);
    if (value == null) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  protected static List<String> splitList(String text) {
    return TargetSelection.split(text);
  }

  /**
   * Fails {@code mvn deploy} before anything is built when it would fail after building: this
   * project binds push but configures no image (on the command line, in the plugin's or the push
   * execution's configuration, or as a project property), or maven-deploy-plugin has nowhere to
   * deploy to.
   */
  protected void deployPreflight(MavenProject project) throws PackFailure {
    if (session == null || project == null) {
      return;
    }
    Map<String, String> properties = new HashMap<>();
    project.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
    session.getUserProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
    boolean bindsPush = false;
    // Every packaging's lifecycle binds it; the effective POM lists it with those executions.
    boolean deployPluginBound = true;
    String image = properties.get(PropertyNames.IMAGE);
    for (Plugin plugin : project.getBuildPlugins()) {
      if ("maven-deploy-plugin".equals(plugin.getArtifactId())) {
        deployPluginBound =
            plugin.getExecutions().stream().anyMatch(e -> !"none".equals(e.getPhase()));
        String skip = configured(plugin.getConfiguration(), "skip");
        if (skip != null && session.getUserProperties().get(DeployPreflight.DEPLOY_SKIP) == null) {
          properties.put(DeployPreflight.DEPLOY_SKIP, skip);
        }
      }
      if (!"pack-binaries-maven-plugin".equals(plugin.getArtifactId())) {
        continue;
      }
      image = image != null ? image : configured(plugin.getConfiguration(), "image");
      for (PluginExecution execution : plugin.getExecutions()) {
        if (execution.getGoals().contains("push")) {
          bindsPush = true;
          image = image != null ? image : configured(execution.getConfiguration(), "image");
        }
      }
    }
    DistributionManagement distribution = project.getDistributionManagement();
    DeployPreflight.check(
        new DeployPreflight.Project(
            session.getGoals(),
            bindsPush,
            deployPluginBound,
            image,
            project.getVersion(),
            distribution != null && distribution.getRepository() != null,
            distribution != null && distribution.getSnapshotRepository() != null,
            properties));
  }

  private static String configured(Object configuration, String name) {
    if (configuration instanceof Xpp3Dom dom && dom.getChild(name) != null) {
      return dom.getChild(name).getValue();
    }
    return null;
  }
}
