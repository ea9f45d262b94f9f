package io.attune.packbinaries.maven;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.cargo.BuildRequest;
import io.attune.packbinaries.cargo.BuilderEnvironment;
import io.attune.packbinaries.cargo.CommandTemplate;
import io.attune.packbinaries.cargo.PackBuilds;
import io.attune.packbinaries.cargo.PackSources;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Cross-compiles the Cargo workspace's binaries for each target triple, in a builder container by
 * default, into {@code target/pack-binaries/<triple>/<binary>} with a sha256 beside each. Skips a
 * target whose sources, Cargo.lock, builder image and parameters are unchanged.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractPackMojo {

  /** The Cargo.toml of the crate or workspace to build. */
  @Parameter(
      property = PropertyNames.CARGO_MANIFEST,
      defaultValue = "${project.basedir}/Cargo.toml")
  private File cargoManifest;

  /** The binaries to take (comma separated on the command line); default: every bin target. */
  @Parameter(property = PropertyNames.BINARIES)
  private List<String> binaries;

  /** Cargo features to enable. */
  @Parameter(property = PropertyNames.CARGO_FEATURES)
  private List<String> cargoFeatures;

  /** The cargo profile; any other than release needs {profile} in the builder command. */
  @Parameter(property = PropertyNames.CARGO_PROFILE, defaultValue = BuildRequest.DEFAULT_PROFILE)
  private String cargoProfile;

  /** {@code container} (only Docker or Podman needed) or {@code host} (cargo on the PATH). */
  @Parameter(property = PropertyNames.TOOLCHAIN, defaultValue = "container")
  private String toolchain;

  /** The image cargo runs in, pinned to a version. */
  @Parameter(
      property = PropertyNames.BUILDER_IMAGE,
      defaultValue = "ghcr.io/rust-cross/cargo-zigbuild:0.20.1")
  private String builderImage;

  /**
   * The build command; placeholders {target}, {profile}, {binaries}, {features}, {offline}, e.g.
   * {@code cargo build --release --target {target}} for an image with a cross toolchain.
   */
  @Parameter(property = PropertyNames.BUILDER_COMMAND, defaultValue = CommandTemplate.DEFAULT)
  private String builderCommand;

  /**
   * Extra environment for cargo, as {@code NAME=value} entries (comma separated on the command
   * line); {@code SQLX_OFFLINE=true} is set unless given here.
   */
  @Parameter(property = PropertyNames.BUILDER_ENVIRONMENT)
  private List<String> builderEnvironment;

  /** Where the binaries for this machine's CPU are copied after the build, if set. */
  @Parameter(property = PropertyNames.STAGE_DIRECTORY)
  private File stageDirectory;

  /**
   * Several packs in one release, each {@code <pack>} with a {@code <name>}, its {@code
   * <cargoManifest>} and optionally {@code <cargoPackage>} (cargo's {@code -p}), {@code <binaries>}
   * and {@code <stageDirectory>}; each binary goes to {@code /pack-binaries/<name>/sensors/}. When
   * set, {@code cargoManifest}, {@code binaries} and {@code stageDirectory} above are not used.
   */
  @Parameter private List<Pack> packs;

  @Override
  protected void run(GoalContext goal) throws Exception {
    // Before compiling anything: a deploy that would fail later would waste the whole build.
    deployPreflight(project);
    List<BuildRequest> requests = new ArrayList<>();
    if (packs == null || packs.isEmpty()) {
      requests.add(
          request(
              cargoManifest,
              list(binaries),
              stageDirectory == null ? null : stageDirectory.toPath(),
              null,
              null));
    } else {
      if (!list(binaries).isEmpty() || stageDirectory != null) {
        throw new PackFailure(
            "<packs> is set, so "
                + PropertyNames.BINARIES
                + " and "
                + PropertyNames.STAGE_DIRECTORY
                + " would not say which pack they mean; give each <pack> its own <binaries> or"
                + " <stageDirectory> instead");
      }
      List<PackSources.Source> sources = new ArrayList<>();
      for (Pack pack : packs) {
        sources.add(
            new PackSources.Source(
                pack.name,
                pack.cargoManifest == null ? null : pack.cargoManifest.toPath(),
                pack.cargoPackage,
                list(pack.binaries),
                pack.stageDirectory == null ? null : pack.stageDirectory.toPath()));
      }
      for (PackSources.Source pack : PackSources.check(sources)) {
        requests.add(
            request(
                pack.manifest().toFile(),
                pack.binaries(),
                pack.stageDirectory(),
                pack.name(),
                pack.cargoPackage()));
      }
    }
    PackBuilds.run(requests, toolchain, containerEngine, buildLog(), goal.digests());
  }

  private BuildRequest request(
      File manifest, List<String> binaryNames, Path stage, String pack, String cargoPackage)
      throws PackFailure {
    return new BuildRequest(
        manifest.toPath(),
        selectedTargets(),
        binaryNames,
        list(cargoFeatures),
        cargoProfile == null || cargoProfile.isBlank()
            ? BuildRequest.DEFAULT_PROFILE
            : cargoProfile.trim(),
        builderCommand,
        builderImage,
        environment(),
        session != null && session.isOffline(),
        layout().root(),
        stage,
        pack,
        cargoPackage);
  }

  private Map<String, String> environment() throws PackFailure {
    return BuilderEnvironment.parse(list(builderEnvironment));
  }

  private static List<String> list(List<String> values) {
    List<String> result = new ArrayList<>();
    if (values != null) {
      values.stream().flatMap(v -> splitList(v).stream()).forEach(result::add);
    }
    return result;
  }
}
