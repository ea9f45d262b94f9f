package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.platform.TargetTriple;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTemplateTest {

  private static final TargetTriple ARM =
      TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();

  @Test
  void defaultTemplateBuildsExactlyTheBinariesAsked() throws PackFailure {
    List<String> command =
        CommandTemplate.parse(null, "release")
            .render(ARM, "release", List.of("a", "b"), List.of(), false);

    assertThat(command)
        .containsExactly(
            "cargo",
            "zigbuild",
            "--release",
            "--target",
            "aarch64-unknown-linux-musl",
            "--bin",
            "a",
            "--bin",
            "b");
  }

  @Test
  void featuresAndOfflineAreAppendedUnlessPlaced() throws PackFailure {
    CommandTemplate appended =
        CommandTemplate.parse("cargo build --release --target {target}", "release");
    CommandTemplate placed =
        CommandTemplate.parse(
            "cargo {offline} build --target={target} {features} --release {binaries}", "release");

    assertThat(appended.render(ARM, "release", List.of("s"), List.of("x", "y"), true))
        .containsExactly(
            "cargo",
            "build",
            "--release",
            "--target",
            "aarch64-unknown-linux-musl",
            "--bin",
            "s",
            "--features",
            "x,y",
            "--offline");
    assertThat(placed.render(ARM, "release", List.of("s"), List.of("x"), true))
        .containsExactly(
            "cargo",
            "--offline",
            "build",
            "--target=aarch64-unknown-linux-musl",
            "--features",
            "x",
            "--release",
            "--bin",
            "s");
    assertThat(placed.render(ARM, "release", List.of("s"), List.of(), false))
        .containsExactly(
            "cargo", "build", "--target=aarch64-unknown-linux-musl", "--release", "--bin", "s");
  }

  @Test
  void profileIsSubstituted() throws PackFailure {
    assertThat(
            CommandTemplate.parse("cargo zigbuild --profile {profile} --target {target}", "dist")
                .render(ARM, "dist", List.of(), List.of(), false))
        .containsSequence("--profile", "dist");
  }

  @Test
  void aTemplateWithoutTargetIsRefusedWithAnExample() {
    assertThatThrownBy(() -> CommandTemplate.parse("cargo build --release", "release"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("has no {target}")
        .hasMessageContaining(CommandTemplate.DEFAULT);
  }

  @Test
  void anotherProfileNeedsTheProfilePlaceholder() {
    assertThatThrownBy(() -> CommandTemplate.parse(null, "dist"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pack.cargo.profile is 'dist'")
        .hasMessageContaining("--profile {profile}");
  }

  @Test
  void anUnknownPlaceholderIsNamed() {
    assertThatThrownBy(() -> CommandTemplate.parse("cargo build --target {triple}", "release"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("unknown placeholder {triple}")
        .hasMessageContaining("{target}");
  }

  @Test
  void shellLineQuotesOnlyWhatNeedsIt() {
    assertThat(CommandTemplate.shellLine(List.of("cargo", "--features", "a b", "it's", "")))
        .isEqualTo("cargo --features 'a b' 'it'\"'\"'s' ''");
  }

  @Test
  void aPacksCargoPackageIsAppendedBeforeTheBinariesUnlessPlaced() throws PackFailure {
    List<String> appended =
        CommandTemplate.parse("cargo build --release --target {target}", "release")
            .render(ARM, "release", "extra-sensor", List.of("sensor"), List.of(), false);
    List<String> placed =
        CommandTemplate.parse("cargo build {package} --release --target {target}", "release")
            .render(ARM, "release", "extra-sensor", List.of("sensor"), List.of(), false);
    List<String> none =
        CommandTemplate.parse("cargo build {package} --release --target {target}", "release")
            .render(ARM, "release", null, List.of("sensor"), List.of(), false);

    assertThat(String.join(" ", appended))
        .isEqualTo(
            "cargo build --release --target aarch64-unknown-linux-musl"
                + " --package extra-sensor --bin sensor");
    assertThat(String.join(" ", placed))
        .isEqualTo(
            "cargo build --package extra-sensor --release --target aarch64-unknown-linux-musl"
                + " --bin sensor");
    assertThat(String.join(" ", none))
        .isEqualTo("cargo build --release --target aarch64-unknown-linux-musl --bin sensor");
  }
}
