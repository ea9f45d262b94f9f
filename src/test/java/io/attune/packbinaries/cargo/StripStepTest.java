package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StripStepTest {

  private static final TargetTriple X86 =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();

  @TempDir Path dir;

  @Test
  void triesTheTargetsBinutilsFirst() {
    assertThat(StripStep.tools(TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow()))
        .containsExactly("aarch64-linux-gnu-strip", "llvm-strip", "strip");
    assertThat(
            StripStep.tools(TargetTriple.find("armv7-unknown-linux-musleabihf").orElseThrow())
                .get(0))
        .isEqualTo("arm-linux-gnueabihf-strip");
  }

  @Test
  void keepsTheBinaryUnstrippedWhenNoToolExists() throws Exception {
    // A PATH with the shell's basic tools and no strip program at all.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("mkdir", "rm", "cp", "chmod")) {
      Files.copy(
          ProcessRunner.onPath(tool).orElseThrow(),
          bin.resolve(tool),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path built = Files.createDirectories(dir.resolve("release"));
    Files.copy(Path.of("/bin/sh").toRealPath(), built.resolve("sensor"));

    List<StripStep.Outcome> outcomes = runSnippet(List.of("sensor", "absent"), built, bin);

    assertThat(outcomes)
        .containsExactly(
            new StripStep.Outcome("sensor", StripStep.Kind.UNSTRIPPED, null),
            new StripStep.Outcome("absent", StripStep.Kind.MISSING, null));
    Path kept = dir.resolve("out/sensor");
    assertThat(Files.mismatch(kept, built.resolve("sensor"))).isEqualTo(-1);
    assertThat(Files.isExecutable(kept)).isTrue();
  }

  @Test
  void stripsWithTheFirstToolThatUnderstandsTheBinary() throws Exception {
    TestEnvironment.requireTool("strip");
    Path built = Files.createDirectories(dir.resolve("release"));
    Files.copy(Path.of("/bin/sh").toRealPath(), built.resolve("sensor"));

    List<StripStep.Outcome> outcomes =
        runSnippet(List.of("sensor"), built, Path.of(System.getenv("PATH").split(":")[0]));

    assertThat(outcomes)
        .singleElement()
        .extracting(StripStep.Outcome::kind)
        .isEqualTo(StripStep.Kind.STRIPPED);
    assertThat(Files.isExecutable(dir.resolve("out/sensor"))).isTrue();
  }

  private List<StripStep.Outcome> runSnippet(List<String> binaries, Path from, Path pathDir)
      throws Exception {
    String script = StripStep.shellSnippet(X86, binaries, from, dir.resolve("out"));
    List<StripStep.Outcome> outcomes = new ArrayList<>();
    String path = pathDir.equals(dir.resolve("bin")) ? pathDir.toString() : System.getenv("PATH");
    ProcessRunner.Result result =
        new ProcessRunner(line -> StripStep.parseMarker(line).ifPresent(outcomes::add))
            .withEnvironment(Map.of("PATH", path))
            .run(List.of("/bin/sh", "-c", "set -e\n" + script));
    assertThat(result.succeeded()).as(result.tailText()).isTrue();
    return outcomes;
  }

  @Test
  void markersAreReadBackAndOtherLinesIgnored() {
    assertThat(StripStep.parseMarker("##pack-binaries## stripped s aarch64-linux-gnu-strip"))
        .contains(new StripStep.Outcome("s", StripStep.Kind.STRIPPED, "aarch64-linux-gnu-strip"));
    assertThat(StripStep.parseMarker("   Compiling s v0.1.0")).isEqualTo(Optional.empty());
  }
}
