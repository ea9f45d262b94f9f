package io.attune.packbinaries.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.ArtifactLayout;
import io.attune.packbinaries.artifacts.BuiltBinaries;
import io.attune.packbinaries.artifacts.BuiltBinary;
import io.attune.packbinaries.elf.VerifiedBinary;
import io.attune.packbinaries.io.FileDigests;
import io.attune.packbinaries.io.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only binaries the verify report passed, unchanged since, reach the image. */
class VerifiedBinariesTest {

  @TempDir Path temp;
  private ArtifactLayout layout;
  private final List<BuiltBinary> built = new ArrayList<>();
  private final List<VerifiedBinary> report = new ArrayList<>();

  @BeforeEach
  void layout() {
    layout = new ArtifactLayout(temp.resolve("target/pack-binaries"));
  }

  @Test
  void passedBinariesAreAccepted() throws Exception {
    add("x86_64-unknown-linux-musl", "sensor-a", "pass");
    add("aarch64-unknown-linux-musl", "sensor-a", "pass");
    write();

    List<ImageBinary> accepted = VerifiedBinaries.select(layout, FileDigests.inMemory());

    assertThat(accepted)
        .extracting(b -> b.target().name() + "/" + b.name())
        .containsExactlyInAnyOrder(
            "x86_64-unknown-linux-musl/sensor-a", "aarch64-unknown-linux-musl/sensor-a");
  }

  @Test
  void aFailedBinaryFailsTheGoalNamingItAndItsReasons() throws Exception {
    add("x86_64-unknown-linux-musl", "good-sensor", "pass");
    add("aarch64-unknown-linux-gnu", "dynamic-sensor", "fail");
    write();

    assertThatThrownBy(() -> VerifiedBinaries.select(layout, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("dynamic-sensor (aarch64-unknown-linux-gnu")
        .hasMessageContaining("verification failed: has a PT_INTERP")
        .hasMessageNotContaining("good-sensor");
  }

  @Test
  void aBinaryMissingFromTheReportIsRefused() throws Exception {
    add("x86_64-unknown-linux-musl", "sensor-a", "pass");
    write();
    report.clear();
    TestBinaries.writeReport(layout, report);

    assertThatThrownBy(() -> VerifiedBinaries.select(layout, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("sensor-a")
        .hasMessageContaining("not in the verification report; run pack-binaries:verify");
  }

  @Test
  void aBinaryChangedAfterVerificationIsRefused() throws Exception {
    Path file = add("x86_64-unknown-linux-musl", "sensor-a", "pass");
    write();
    Files.writeString(file, "rebuilt after verify");

    assertThatThrownBy(() -> VerifiedBinaries.select(layout, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("changed since it was verified");
  }

  @Test
  void noReportMeansVerifyDidNotRun() throws Exception {
    add("x86_64-unknown-linux-musl", "sensor-a", "pass");
    BuiltBinaries.write(layout.builtBinaries(), built);

    assertThatThrownBy(() -> VerifiedBinaries.select(layout, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("Run pack-binaries:verify before pack-binaries:image");
  }

  @Test
  void noBuildMeansNothingToPackage() {
    assertThatThrownBy(() -> VerifiedBinaries.select(layout, FileDigests.inMemory()))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("No binaries to package");
  }

  private Path add(String target, String name, String verdict) throws Exception {
    Path file = layout.root().resolve(target).resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "binary " + target + " " + name);
    String sha256 = Sha256.of(file);
    built.add(new BuiltBinary(target, name, target + "/" + name, sha256, Files.size(file), true));
    report.add(TestBinaries.verdict(file, target, sha256, verdict, "has a PT_INTERP (dynamic)"));
    return file;
  }

  private void write() throws Exception {
    BuiltBinaries.write(layout.builtBinaries(), built);
    TestBinaries.writeReport(layout, report);
  }
}
