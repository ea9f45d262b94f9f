package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attune.packbinaries.BuildLog;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.ElfMachine;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.process.ProcessRunner;
import io.attune.packbinaries.testing.RecordingLog;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts on real binaries: cargo builds from the builder image (a static-pie x86-64 and a
 * static aarch64 executable), the host's dynamic /bin/ls and its libc.so.6, a gcc object file, a
 * musl-gcc static program, a truncated copy and a shell script.
 */
class RealBinariesTest {

  private static final TargetTriple X86_64_GNU =
      TargetTriple.find("x86_64-unknown-linux-gnu").orElseThrow();
  private static final TargetTriple X86_64_MUSL =
      TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow();
  private static final TargetTriple AARCH64_GNU =
      TargetTriple.find("aarch64-unknown-linux-gnu").orElseThrow();
  private static final Path LS = Path.of("/bin/ls");
  private static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

  private static Path crate;

  @TempDir Path dir;

  /** The hello crate built once for both targets, inside the builder image, without network. */
  static synchronized Path cargoBuilt(TargetTriple target) throws Exception {
    TestEnvironment.requireDocker();
    if (crate == null) {
      Path workspace = Files.createTempDirectory("verify-hello");
      Files.createDirectories(workspace.resolve("src"));
      Files.writeString(
          workspace.resolve("Cargo.toml"),
          "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
              + "[profile.release]\nstrip = true\n");
      Files.writeString(
          workspace.resolve("src/main.rs"),
          "fn main() {\n    println!(\"hello from {}\", std::env::consts::ARCH);\n}\n");
      Object uid = Files.getAttribute(workspace, "unix:uid");
      Object gid = Files.getAttribute(workspace, "unix:gid");
      String build =
          "cargo build --release --offline --target "
              + X86_64_GNU.name()
              + " && cargo build --release --offline --target "
              + AARCH64_GNU.name();
      ProcessRunner.Result result =
          new ProcessRunner(line -> {})
              .withTimeout(Duration.ofMinutes(5))
              .run(
                  List.of(
                      "docker",
                      "run",
                      "--rm",
                      "--network",
                      "none",
                      "--user",
                      uid + ":" + gid,
                      "-v",
                      workspace + ":/workspace",
                      "-w",
                      "/workspace",
                      "-e",
                      "CARGO_HOME=/tmp/cargo",
                      TestEnvironment.builderImage(),
                      "sh",
                      "-c",
                      build));
      assertThat(result.succeeded())
          .as("cargo build in the builder image:\n%s", result.tailText())
          .isTrue();
      crate = workspace;
    }
    return crate.resolve("target").resolve(target.name()).resolve("release").resolve("hello");
  }

  @AfterAll
  static synchronized void removeCrate() throws IOException {
    if (crate != null) {
      try (var files = Files.walk(crate)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
      crate = null;
    }
  }

  private static void assumeX86_64Host() {
    assumeTrue(
        SmokeRun.hostMachine(System.getProperty("os.arch")).equals(Optional.of(ElfMachine.X86_64)),
        "the host's own binaries are x86-64 only on an x86-64 host");
  }

  @Test
  void passesCargosStaticPieWithTheGlibcWarning() throws Exception {
    VerifiedBinary result =
        BinaryVerifier.verify(cargoBuilt(X86_64_GNU), X86_64_GNU, FileDigests.inMemory());

    assertThat(result.reasons()).isEmpty();
    assertThat(result.verdict()).isEqualTo("pass");
    assertThat(result.elf().type()).isEqualTo("DYN");
    assertThat(result.elf().staticPie()).isTrue();
    assertThat(result.elf().machine()).isEqualTo("x86-64");
    assertThat(result.elf().interpreter()).isNull();
    assertThat(result.elf().needed()).isEmpty();
    assertThat(result.elf().stripped()).isTrue();
    assertThat(result.elf().buildId()).matches("[0-9a-f]{40}");
    assertThat(result.warnings())
        .singleElement()
        .asString()
        .contains("statically linked with glibc");
  }

  @Test
  void passesCargosStaticAarch64ExecutableAndRejectsItForX86_64() throws Exception {
    Path hello = cargoBuilt(AARCH64_GNU);
    VerifiedBinary result = BinaryVerifier.verify(hello, AARCH64_GNU, FileDigests.inMemory());
    assertThat(result.reasons()).isEmpty();
    assertThat(result.elf().type()).isEqualTo("EXEC");
    assertThat(result.elf().machine()).isEqualTo("aarch64");
    assertThat(result.elf().staticPie()).isFalse();

    assertThat(BinaryVerifier.verify(hello, X86_64_MUSL, FileDigests.inMemory()).reasons())
        .containsExactly(
            "hello is an aarch64 binary, but target x86_64-unknown-linux-musl needs x86-64. Build"
                + " it with --target x86_64-unknown-linux-musl, or verify it against an aarch64"
                + " target (-Dpack.target=aarch64-unknown-linux-musl).");
  }

  @Test
  void smokeRunsTheAarch64BinaryThroughQemu() throws Exception {
    assumeX86_64Host();
    Path hello = cargoBuilt(AARCH64_GNU);
    TestEnvironment.requireQemuAarch64();
    Optional<SmokeRun.Result> result =
        new SmokeRun(BuildLog.SILENT, Duration.ofSeconds(60))
            .run(hello, ElfMachine.AARCH64, List.of());

    assertThat(result).isPresent();
    assertThat(result.get().succeeded()).isTrue();
    assertThat(result.get().how()).contains("qemu-aarch64");
    assertThat(result.get().firstLines()).containsExactly("hello from aarch64");
  }

  @Test
  void smokeRunSkipsWithAWarningWhenNoEmulatorIsThere() throws Exception {
    Path hello = cargoBuilt(AARCH64_GNU);
    RecordingLog log = new RecordingLog();
    SmokeRun noQemu =
        new SmokeRun(
            log,
            Duration.ofSeconds(60),
            Optional.of(ElfMachine.X86_64),
            program -> Optional.empty(),
            dir);

    assertThat(noQemu.run(hello, ElfMachine.AARCH64, List.of())).isEmpty();
    assertThat(log.lines)
        .containsExactly(
            "[WARN] Smoke run of hello skipped: it is aarch64 and this host is x86-64, and neither"
                + " qemu-aarch64-static nor a binfmt_misc entry qemu-aarch64 is there. Install"
                + " qemu-user-static to run it.");
  }

  @Test
  void failsTheHostsDynamicLs() throws Exception {
    assumeX86_64Host();
    VerifiedBinary result = BinaryVerifier.verify(LS, X86_64_MUSL, FileDigests.inMemory());

    assertThat(result.verdict()).isEqualTo("fail");
    assertThat(result.elf().interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
    assertThat(result.elf().needed()).contains("libc.so.6");
    assertThat(result.reasons())
        .singleElement()
        .asString()
        .startsWith("ls is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2, needs ")
        .contains("libc.so.6")
        .endsWith(
            "); it would fail in a container without glibc. Build it with cargo zigbuild"
                + " --target x86_64-unknown-linux-musl.");
  }

  @Test
  void failsTheHostsLibcAsASharedLibrary() throws Exception {
    assumeX86_64Host();
    assumeTrue(Files.exists(LIBC), "Debian's multiarch libc path");
    assertThat(BinaryVerifier.verify(LIBC, X86_64_GNU, FileDigests.inMemory()).reasons())
        .singleElement()
        .asString()
        .startsWith("libc.so.6 is a shared library (ET_DYN without DF_1_PIE, soname libc.so.6)");
  }

  @Test
  void failsAnObjectFileFromGcc() throws Exception {
    assumeX86_64Host();
    TestEnvironment.requireTool("gcc");
    Path object = compile("gcc", "-c", "-o", "sensor.o");

    assertThat(BinaryVerifier.verify(object, X86_64_GNU, FileDigests.inMemory()).reasons())
        .singleElement()
        .asString()
        .startsWith("sensor.o is a relocatable object file (ET_REL");
  }

  @Test
  void passesAMuslStaticProgramWithoutWarningAndRunsIt() throws Exception {
    assumeX86_64Host();
    TestEnvironment.requireTool("musl-gcc");
    Path program = compile("musl-gcc", "-static", "-o", "musl-hello");

    VerifiedBinary result = BinaryVerifier.verify(program, X86_64_MUSL, FileDigests.inMemory());
    assertThat(result.reasons()).isEmpty();
    assertThat(result.warnings()).isEmpty();

    Optional<SmokeRun.Result> ran =
        new SmokeRun(BuildLog.SILENT, Duration.ofSeconds(30))
            .run(program, ElfMachine.X86_64, List.of("--version"));
    assertThat(ran.orElseThrow().how()).isEqualTo("natively");
    assertThat(ran.orElseThrow().firstLines()).containsExactly("hello 1.0 (--version)");
  }

  @Test
  void aFailedSmokeRunFailsTheBinaryWithItsExitCodeAndOutput() throws Exception {
    assumeX86_64Host();
    TestEnvironment.requireTool("musl-gcc");
    Path program = compile("musl-gcc", "-static", "-o", "crasher");
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("out"));
    VerifyRun run =
        new VerifyRun(
            BuildLog.SILENT,
            layout,
            Optional.of(new SmokeRun(BuildLog.SILENT, Duration.ofSeconds(30))),
            List.of("--crash"),
            FileDigests.inMemory());

    assertThatThrownBy(() -> run.verifyFile(program, X86_64_MUSL))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith(
            "crasher failed its smoke run: `crasher --crash` exited with code 3 (natively); its"
                + " first lines:\n  hello 1.0 (--crash)\n  crashing on purpose");
    assertThat(VerifyReport.read(layout.verifyReport()).binaries().get(0).verdict())
        .isEqualTo("fail");
  }

  @Test
  void failsATruncatedCopy() throws Exception {
    Path whole = cargoBuilt(X86_64_GNU);
    Path cut = dir.resolve("hello-cut");
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));

    assertThat(BinaryVerifier.verify(cut, X86_64_GNU, FileDigests.inMemory()).reasons())
        .singleElement()
        .asString()
        .startsWith("hello-cut is truncated or corrupt: its ")
        .contains("lie beyond the end of the file (" + bytes.length / 2 + " bytes)");
  }

  @Test
  void failsAShellScript() throws Exception {
    Path script = dir.resolve("sensor.sh");
    Files.writeString(script, "#!/bin/sh\nexec /opt/sensor \"$@\"\n");

    assertThat(BinaryVerifier.verify(script, X86_64_MUSL, FileDigests.inMemory()).reasons())
        .containsExactly(
            "sensor.sh is a script (#!/bin/sh), not a compiled binary; verify the binary that"
                + " cargo built.");
  }

  @Test
  void verifiesWhatTheBuildListedAndWritesTheReportInTheAgreedShape() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("pack-binaries"));
    List<BuiltBinary> built = new ArrayList<>();
    for (TargetTriple target : List.of(X86_64_GNU, AARCH64_GNU)) {
      Path destination = layout.binary(target, "hello");
      Files.createDirectories(destination.getParent());
      Files.copy(cargoBuilt(target), destination);
      built.add(
          new BuiltBinary(
              target.name(),
              "hello",
              target.name() + "/hello",
              Sha256.of(destination),
              Files.size(destination),
              true));
    }
    BuiltBinaries.write(layout.builtBinaries(), built);

    long start = System.nanoTime();
    VerifyReport report =
        new VerifyRun(BuildLog.SILENT, layout, Optional.empty(), List.of(), FileDigests.inMemory())
            .verifyBuilt(List.of(X86_64_GNU, AARCH64_GNU));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("verify of 2 cargo binaries (headers and sha256): " + millis + " ms");

    assertThat(report.passed()).isTrue();
    assertThat(report.passedWithDigest(built.get(1).sha256())).isPresent();
    JsonNode json = new ObjectMapper().readTree(layout.verifyReport().toFile());
    assertThat(json.get("binaries")).hasSize(2);
    JsonNode x86 = null;
    JsonNode arm = null;
    for (JsonNode entry : json.get("binaries")) {
      if (entry.get("target").asText().equals(X86_64_GNU.name())) {
        x86 = entry;
      } else {
        arm = entry;
      }
    }
    assertThat(x86).isNotNull();
    assertThat(arm).isNotNull();
    assertThat(fieldNames(x86))
        .containsExactlyInAnyOrder(
            "path",
            "target",
            "sha256",
            "size",
            "verdict",
            "reasons",
            "warnings",
            "elfType",
            "machine",
            "staticPie",
            "interpreter",
            "needed",
            "stripped",
            "buildId");
    assertThat(x86.get("path").asText()).isEqualTo(layout.binary(X86_64_GNU, "hello").toString());
    assertThat(x86.get("verdict").asText()).isEqualTo("pass");
    assertThat(x86.get("staticPie").asBoolean()).isTrue();
    assertThat(x86.get("interpreter").isNull()).isTrue();
    assertThat(arm.get("machine").asText()).isEqualTo("aarch64");
    assertThat(arm.get("elfType").asText()).isEqualTo("EXEC");
  }

  @Test
  void aBinaryChangedSinceTheBuildFailsAndOnlySelectedTargetsAreChecked() throws Exception {
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("pack-binaries"));
    Path destination = layout.binary(X86_64_GNU, "hello");
    Files.createDirectories(destination.getParent());
    Files.copy(cargoBuilt(X86_64_GNU), destination);
    BuiltBinaries.write(
        layout.builtBinaries(),
        List.of(
            new BuiltBinary(
                X86_64_GNU.name(),
                "hello",
                X86_64_GNU.name() + "/hello",
                "0".repeat(64),
                Files.size(destination),
                true),
            new BuiltBinary(
                AARCH64_GNU.name(),
                "hello",
                AARCH64_GNU.name() + "/missing",
                "0".repeat(64),
                1,
                true)));
    VerifyRun run =
        new VerifyRun(BuildLog.SILENT, layout, Optional.empty(), List.of(), FileDigests.inMemory());

    assertThatThrownBy(() -> run.verifyBuilt(List.of(X86_64_GNU)))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("hello changed after the build listed it (sha256 ")
        .hasMessageContaining("run the build goal again.\nThe report is in ");
    assertThat(VerifyReport.read(layout.verifyReport()).binaries()).hasSize(1);
  }

  @Test
  void failingBinariesAreAllNamedInOneMessage() throws Exception {
    assumeX86_64Host();
    ArtifactLayout layout = new ArtifactLayout(dir.resolve("pack-binaries"));
    List<BuiltBinary> built = new ArrayList<>();
    for (Path file : List.of(LS, cargoBuilt(AARCH64_GNU))) {
      Path destination = layout.binary(X86_64_GNU, file.getFileName().toString());
      Files.createDirectories(destination.getParent());
      Files.copy(file, destination);
      built.add(
          new BuiltBinary(
              X86_64_GNU.name(),
              file.getFileName().toString(),
              X86_64_GNU.name() + "/" + file.getFileName(),
              Sha256.of(destination),
              Files.size(destination),
              true));
    }
    BuiltBinaries.write(layout.builtBinaries(), built);
    VerifyRun run =
        new VerifyRun(BuildLog.SILENT, layout, Optional.empty(), List.of(), FileDigests.inMemory());

    assertThatThrownBy(() -> run.verifyBuilt(List.of(X86_64_GNU)))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith("2 of 2 binaries failed verification:\n- ")
        .hasMessageContaining("\n- hello is an aarch64 binary")
        .hasMessageContaining("- ls is dynamically linked");
  }

  private Path compile(String compiler, String... arguments) throws Exception {
    Path source = dir.resolve("hello.c");
    Files.writeString(
        source,
        "#include <stdio.h>\n#include <string.h>\n"
            + "int main(int argc, char **argv) {\n"
            + "  printf(\"hello 1.0 (%s)\\n\", argc > 1 ? argv[1] : \"\");\n"
            + "  if (argc > 1 && strcmp(argv[1], \"--crash\") == 0) {\n"
            + "    puts(\"crashing on purpose\");\n    return 3;\n  }\n"
            + "  return 0;\n}\n");
    List<String> command = new ArrayList<>(List.of(compiler));
    command.addAll(List.of(arguments));
    command.add(source.toString());
    ProcessRunner.Result result = new ProcessRunner(line -> {}).in(dir).run(command);
    assertThat(result.succeeded()).as("%s:\n%s", command, result.tailText()).isTrue();
    return dir.resolve(arguments[arguments.length - 1]);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
