package io.attune.packbinaries.maven;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.platform.TargetSelection;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every goal shares: skipping, the target triples, the output directory, and turning the
 * core's exceptions into Maven's two kinds of failure.
 */
public abstract class AbstractPackMojo extends AbstractMojo {

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  protected MojoExecution mojoExecution;

  /** Skips this goal. */
  @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
  protected boolean skip;

  /** The one target triple to build for, e.g. {@code aarch64-unknown-linux-musl}. */
  @Parameter(property = PropertyNames.TARGET)
  protected String target;

  /**
   * The project's target triples. On the command line, {@code -Dpack.targets=a,b} picks some and
   * {@code -Dpack.targets=all} picks every one configured here.
   */
  @Parameter(property = PropertyNames.TARGETS)
  protected List<String> targets;

  /** Where binaries, reports and images are written. */
  @Parameter(
      property = PropertyNames.OUTPUT_DIRECTORY,
      defaultValue = "${project.build.directory}/pack-binaries")
  protected File outputDirectory;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping (" + PropertyNames.SKIP + " is true)");
      return;
    }
    long started = System.nanoTime();
    try {
      run();
      // One line per goal in a fixed form, which make bench collects.
      getLog()
          .info(
              (mojoExecution == null ? "goal" : mojoExecution.getGoal())
                  + " took "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
    } catch (PackFailure e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (TargetTriple.UnknownTargetException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("Interrupted", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new MojoExecutionException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /** The goal's work; throws {@link PackFailure} when the user's input is wrong. */
  protected abstract void run() throws Exception;

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
      return Path.of(session.getExecutionRootDirectory()).resolve(rest);
    }
    return outputDirectory.toPath();
  }

  /** The targets this run is for: see {@link TargetSelection} for who wins. */
  protected List<TargetTriple> selectedTargets() throws PackFailure {
    return new TargetSelection(
            userProperty(PropertyNames.TARGET),
            userProperty(PropertyNames.TARGETS),
            targets,
            target)
        .targets();
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
}
