package io.attune.packbinaries.cargo;

import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.PropertyNames;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.concurrent.Futures;
import io.attune.packbinaries.concurrent.ParallelTasks;
import io.attune.packbinaries.io.AtomicFiles;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.platform.TargetTriple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * The build goal's work: for each target, either confirms the last result is current or runs the
 * toolchain, then puts each binary and its checksum in place atomically, lists them in
 * binaries.json and stages the host architecture's binaries.
 */
public final class BinaryBuilder {

  private final BuildRequest request;
  private final Toolchain toolchain;
  private final BuildLog log;
  private final ArtifactLayout layout;
  private final FileDigests digests;
  private List<String> binaries;
  private boolean prepared;

  /** What the sources' fingerprint leaves out: the outputs, and every pack's stage directory. */
  private final Set<Path> excluded = new LinkedHashSet<>();

  public BinaryBuilder(
      BuildRequest request, Toolchain toolchain, BuildLog log, FileDigests digests) {
    this.request = request;
    this.digests = digests;
    this.toolchain = toolchain;
    this.log = log;
    this.layout = new ArtifactLayout(request.outputDirectory());
    this.binaries = request.binaries();
    this.excluded.add(request.outputDirectory());
    if (request.stageDirectory() != null) {
      this.excluded.add(request.stageDirectory());
    }
  }

  /** Checks the parts of the request that need no toolchain. */
  public static void checkManifest(Path manifest) throws PackFailure {
    if (!Files.isRegularFile(manifest)) {
      throw new PackFailure(
          "No Cargo.toml at "
              + manifest
              + "; set "
              + PropertyNames.CARGO_MANIFEST
              + " (<cargoManifest>) to the Cargo.toml of your crate or"
              + " workspace");
    }
  }

  /** Builds every target of the request; returns what binaries.json lists. */
  public List<BuiltBinary> run(CommandTemplate template)
      throws PackFailure, IOException, InterruptedException {
    return runAll(List.of(this), template);
  }

  /**
   * Builds every target of each pack's request, one pack after the other under one lock (each its
   * own cargo workspace, toolchain, target directory and build states), then lists every pack's
   * binaries in one binaries.json and one build record, and stages each pack's. The requests share
   * the output directory, targets, command and builder.
   */
  public static List<BuiltBinary> runAll(List<BinaryBuilder> packs, CommandTemplate template)
      throws PackFailure, IOException, InterruptedException {
    BinaryBuilder first = packs.get(0);
    List<Path> stageDirectories = new ArrayList<>();
    for (BinaryBuilder pack : packs) {
      checkManifest(pack.request.manifest());
      if (pack.request.stageDirectory() != null) {
        stageDirectories.add(pack.request.stageDirectory());
      }
    }
    List<BuiltBinary> built = new ArrayList<>();
    Map<BinaryBuilder, List<BuiltBinary>> byPack = new LinkedHashMap<>();
    Map<String, List<String>> commands = new TreeMap<>();
    boolean builtAny = false;
    String toolchainIdentity = null;
    try (BuildLock lock = BuildLock.acquire(first.request.lockFile(), first.log)) {
      for (BinaryBuilder pack : packs) {
        // Another pack's staged binaries may lie inside this pack's workspace.
        pack.excluded.addAll(stageDirectories);
        PackOutcome outcome = pack.buildTargets(template);
        builtAny |= outcome.builtAny();
        toolchainIdentity = outcome.toolchainIdentity();
        built.addAll(outcome.built());
        byPack.put(pack, outcome.built());
        pack.commands(template, outcome.built())
            .forEach(
                (target, command) ->
                    commands.computeIfAbsent(target, t -> new ArrayList<>()).add(command));
      }
      BuiltBinaries.write(first.layout.builtBinaries(), built);
      Map<String, String> recorded = new TreeMap<>();
      commands.forEach((target, each) -> recorded.put(target, String.join("; ", each)));
      if (builtAny || !first.recordHas(toolchainIdentity, recorded)) {
        if (first.request.pack() == null) {
          BuildRecord.write(
              first.layout.buildRecord(), first.request.manifest(), toolchainIdentity, recorded);
        } else {
          BuildRecord.writePacks(
              first.layout.buildRecord(),
              packs.stream()
                  .map(
                      p ->
                          new BuildRecord.PackSource(
                              p.request.pack(), p.request.manifest(), p.request.cargoPackage()))
                  .toList(),
              toolchainIdentity,
              recorded);
        }
      }
      for (Map.Entry<BinaryBuilder, List<BuiltBinary>> pack : byPack.entrySet()) {
        pack.getKey().stage(pack.getValue());
      }
    }
    return built;
  }

  /**
   * What one pack's build gave.
   *
   * @param builtAny whether a target was built (rather than found up to date)
   * @param toolchainIdentity the toolchain's identity, as the fingerprints hold it
   */
  private record PackOutcome(List<BuiltBinary> built, boolean builtAny, String toolchainIdentity) {}

  /**
   * Builds every target of this request that is not up to date: all of them at once, each in its
   * own cargo target directory.
   */
  private PackOutcome buildTargets(CommandTemplate template)
      throws PackFailure, IOException, InterruptedException {
    Map<TargetTriple, List<BuiltBinary>> byTarget = new LinkedHashMap<>();
    Map<TargetTriple, List<String>> toBuild = new LinkedHashMap<>();
    try (Toolchain builds = toolchain;
        ParallelTasks background = new ParallelTasks("pack-binaries-builder-identity", 1)) {
      // The engine is slow to name the builder image; the states are read and the sources hashed
      // meanwhile. Nothing is built before it has answered (it may pull the image).
      Future<String> identity = background.start(toolchain::identity);
      for (TargetTriple target : request.targets()) {
        List<String> command =
            template.render(
                target,
                request.profile(),
                request.cargoPackage(),
                request.binaries(),
                request.features(),
                false);
        Optional<BuildState> state = BuildState.read(stateFile(target));
        if (state.isPresent()
            && state
                .get()
                .isCurrent(
                    fingerprint(state.get().inputs(), identity, command),
                    layout,
                    target,
                    digests)) {
          for (BuiltBinary binary : state.get().binaries()) {
            log.info(
                binary.qualifiedName()
                    + " for "
                    + target
                    + " is up to date (sources, Cargo.lock, builder image and parameters"
                    + " unchanged); "
                    + toolchain.skippedWork());
          }
          byTarget.put(target, state.get().binaries());
        } else {
          byTarget.put(target, null);
          toBuild.put(target, command);
        }
      }
      if (!toBuild.isEmpty()) {
        Futures.get(identity);
        Map<TargetTriple, List<BuiltBinary>> produced = build(List.copyOf(toBuild.keySet()));
        for (Map.Entry<TargetTriple, List<String>> target : toBuild.entrySet()) {
          List<BuiltBinary> binaries = produced.get(target.getKey());
          // Taken after the build: cargo may have written Cargo.lock, and its dep-info now names
          // exactly the files these binaries came from.
          List<String> inputs = inputsOf(target.getKey(), binaries);
          new BuildState(fingerprint(inputs, identity, target.getValue()), inputs, binaries)
              .write(stateFile(target.getKey()));
          byTarget.put(target.getKey(), binaries);
        }
      }
      List<BuiltBinary> built = new ArrayList<>();
      byTarget.values().forEach(built::addAll);
      return new PackOutcome(built, !toBuild.isEmpty(), Futures.get(identity));
    }
  }

  private Path stateFile(TargetTriple target) {
    return BuildState.file(request.stateDirectory(), target);
  }

  /**
   * Whether the build record already names this builder and these commands. When no target was
   * built, that is all that could differ: its crates come from Cargo.lock, which every target's
   * fingerprint covers, so the record stays as the last build wrote it and Cargo.lock is not read.
   */
  private boolean recordHas(String toolchainIdentity, Map<String, String> commands) {
    try {
      return BuildRecord.read(layout.buildRecord())
          .map(r -> toolchainIdentity.equals(r.builder()) && commands.equals(r.commands()))
          .orElse(false);
    } catch (IOException unreadable) {
      return false;
    }
  }

  /** The fingerprint over {@code inputs} (null: the whole workspace) as they are now. */
  private String fingerprint(
      List<String> inputs, Future<String> toolchainIdentity, List<String> command)
      throws PackFailure, IOException, InterruptedException {
    String sources =
        inputs == null
            ? Fingerprint.sources(request.workspace(), excludedFromSources())
            : Fingerprint.inputs(request.workspace(), excludedFromSources(), inputs);
    return Fingerprint.of(
        sources,
        Futures.get(toolchainIdentity),
        command,
        request.environment(),
        request.binaries());
  }

  /**
   * The workspace files cargo's dep-info lists for {@code produced}, or null (the whole workspace)
   * when a binary has no dep-info or a build script may read files it does not list.
   */
  private List<String> inputsOf(TargetTriple target, List<BuiltBinary> produced)
      throws IOException {
    List<Path> excluded = excludedFromSources();
    if (Fingerprint.hasBuildScript(request.workspace(), excluded)) {
      log.debug("A build script in the workspace: every file counts for the next build's check");
      return null;
    }
    List<Path> files = new ArrayList<>();
    for (BuiltBinary binary : produced) {
      Path depInfo = request.cargoOutputDirectory(target).resolve(binary.name() + ".d");
      Optional<List<Path>> listed = DepInfo.read(depInfo, request.workspace());
      if (listed.isEmpty()) {
        log.debug("No dep-info at " + depInfo + ": every file counts for the next build's check");
        return null;
      }
      files.addAll(listed.get());
    }
    return Fingerprint.withinWorkspace(request.workspace(), excluded, files);
  }

  /**
   * Each target's cargo command, for the push goal's provenance: as a build runs it, naming the
   * binaries, even when every target was up to date and cargo metadata never ran. A record that
   * differed between a build and the no-op run after it would make the push sign it again.
   */
  private Map<String, String> commands(CommandTemplate template, List<BuiltBinary> built) {
    List<String> names =
        binaries.isEmpty() ? built.stream().map(BuiltBinary::name).distinct().toList() : binaries;
    Map<String, String> commands = new TreeMap<>();
    for (TargetTriple target : request.targets()) {
      String command = String.join(" ", request.cargoCommand(template, target, names));
      commands.put(
          target.name(), request.pack() == null ? command : request.pack() + ": " + command);
    }
    return commands;
  }

  private List<Path> excludedFromSources() {
    return List.copyOf(excluded);
  }

  /** Runs the toolchain for {@code targets}, then puts each target's binaries in place. */
  private Map<TargetTriple, List<BuiltBinary>> build(List<TargetTriple> targets)
      throws PackFailure, IOException, InterruptedException {
    if (!prepared) {
      toolchain.prepareBuild();
      prepared = true;
    }
    if (binaries.isEmpty()) {
      binaries = toolchain.binTargets();
      log.info(
          "Binaries of "
              + request.manifest()
              + (request.cargoPackage() == null ? "" : " package " + request.cargoPackage())
              + (request.pack() == null ? "" : " (pack " + request.pack() + ")")
              + ": "
              + String.join(", ", binaries));
    }
    Map<TargetTriple, List<BuiltBinary>> produced = new LinkedHashMap<>();
    for (Map.Entry<TargetTriple, CargoRun> run : toolchain.build(targets, binaries).entrySet()) {
      produced.put(run.getKey(), collect(run.getKey(), run.getValue()));
    }
    return produced;
  }

  /** Puts the binaries of {@code target}'s run in place, with their checksums. */
  private List<BuiltBinary> collect(TargetTriple target, CargoRun run)
      throws PackFailure, IOException {
    List<BuiltBinary> produced = new ArrayList<>();
    for (String name : binaries) {
      StripStep.Outcome outcome =
          run.strip().stream()
              .filter(o -> o.binary().equals(name))
              .findFirst()
              .orElse(new StripStep.Outcome(name, StripStep.Kind.MISSING, null));
      Path stripped = request.strippedDirectory(target).resolve(name);
      if (outcome.kind() == StripStep.Kind.MISSING || !Files.isRegularFile(stripped)) {
        throw new PackFailure(
            "cargo succeeded for "
                + target
                + " but produced no binary "
                + request.qualified(name)
                + " (expected "
                + request.cargoOutputDirectory(target).resolve(name)
                + "); check "
                + PropertyNames.BINARIES
                + " against the crate's [[bin]] names and that"
                + " "
                + PropertyNames.BUILDER_COMMAND
                + " builds into CARGO_TARGET_DIR for --target {target}");
      }
      if (outcome.kind() == StripStep.Kind.UNSTRIPPED) {
        log.warn(
            "No strip tool handles "
                + target.machine().displayName()
                + " binaries ("
                + String.join(", ", StripStep.tools(target))
                + " all missing or unable); keeping "
                + name
                + " for "
                + target
                + " unstripped: it works, only larger");
      } else {
        log.debug("Stripped " + name + " for " + target + " with " + outcome.tool());
      }
      Path destination = layout.binary(request.pack(), target, name);
      // Hashed as it is copied; verify and the image take that digest without reading it again.
      String sha256 = AtomicFiles.copyHashed(stripped, destination);
      digests.wrote(destination, sha256);
      AtomicFiles.writeString(
          layout.checksum(request.pack(), target, name), BuildState.checksumLine(sha256, name));
      produced.add(
          new BuiltBinary(
              target.name(),
              name,
              request.outputDirectory().relativize(destination).toString().replace('\\', '/'),
              sha256,
              Files.size(destination),
              outcome.kind() == StripStep.Kind.STRIPPED,
              request.pack()));
      log.info(
          "Built "
              + destination
              + " ("
              + Files.size(destination)
              + " bytes, sha256 "
              + sha256
              + ")");
    }
    if (run.cargoSeconds() >= 0) {
      log.info(String.format(Locale.ROOT, "%s: cargo took %.1fs", target, run.cargoSeconds()));
    }
    return produced;
  }

  /** Copies the binaries the host's CPU runs into the stage directory, if one is configured. */
  private void stage(List<BuiltBinary> built) throws IOException {
    if (request.stageDirectory() == null) {
      return;
    }
    Optional<TargetTriple> host = TargetTriple.host();
    List<BuiltBinary> forHost =
        built.stream()
            .filter(
                b ->
                    host.isPresent()
                        && TargetTriple.find(b.target())
                            .map(t -> t.machine() == host.get().machine())
                            .orElse(false))
            // The host's own triple (musl) first, when it was built.
            .sorted(Comparator.comparing((BuiltBinary b) -> !b.target().equals(host.get().name())))
            .toList();
    if (forHost.isEmpty()) {
      log.info(
          "Nothing staged to "
              + request.stageDirectory()
              + ": no target built for this machine's CPU ("
              + System.getProperty("os.arch")
              + ")");
      return;
    }
    List<String> staged = new ArrayList<>();
    for (BuiltBinary binary : forHost) {
      if (staged.contains(binary.name())) {
        continue;
      }
      Path destination = request.stageDirectory().resolve(binary.name());
      AtomicFiles.copy(request.outputDirectory().resolve(binary.path()), destination);
      staged.add(binary.name());
      log.info("Staged " + binary.qualifiedName() + " (" + binary.target() + ") to " + destination);
    }
  }
}
