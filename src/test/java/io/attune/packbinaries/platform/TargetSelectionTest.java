package io.attune.packbinaries.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetSelectionTest {

  private static final String ARM = "aarch64-unknown-linux-musl";
  private static final String X86 = "x86_64-unknown-linux-musl";
  private static final String ARM_GNU = "aarch64-unknown-linux-gnu";

  private static List<String> names(TargetSelection selection) throws PackFailure {
    return selection.targets().stream().map(TargetTriple::name).toList();
  }

  @Test
  void commandLineTargetWinsOverEverything() throws PackFailure {
    assertThat(names(new TargetSelection(ARM_GNU, X86, List.of(ARM), X86)))
        .containsExactly(ARM_GNU);
  }

  @Test
  void commandLineTargetsWinOverThePom() throws PackFailure {
    assertThat(names(new TargetSelection(null, ARM + ", " + X86, List.of(ARM_GNU), ARM_GNU)))
        .containsExactly(ARM, X86);
  }

  @Test
  void allMeansEveryTargetThePomLists() throws PackFailure {
    assertThat(names(new TargetSelection(null, " all ", List.of(X86 + "," + ARM), ARM_GNU)))
        .containsExactly(X86, ARM);
  }

  @Test
  void allWithoutPomTargetsSaysHowToNameThem() {
    assertThatThrownBy(() -> new TargetSelection(null, "all", null, X86).targets())
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("-Dpack.targets=all, but the project configures no <targets>")
        .hasMessageContaining("-Dpack.targets=" + TargetTriple.DEFAULT.name());
  }

  @Test
  void pomListWinsOverPomSingle() throws PackFailure {
    assertThat(names(new TargetSelection(null, null, List.of(ARM, "all"), X86)))
        .containsExactly(ARM);
  }

  @Test
  void pomSingleWhenNoList() throws PackFailure {
    assertThat(names(new TargetSelection(" ", "", List.of(), ARM))).containsExactly(ARM);
  }

  @Test
  void defaultWhenNothingIsSet() throws PackFailure {
    assertThat(names(new TargetSelection(null, null, null, null)))
        .containsExactly(TargetTriple.DEFAULT.name());
  }

  @Test
  void eachTargetOnceInTheOrderGiven() throws PackFailure {
    assertThat(names(new TargetSelection(null, ARM + "," + X86 + "," + ARM, null, null)))
        .containsExactly(ARM, X86);
  }

  @Test
  void splitDropsBlanks() {
    assertThat(TargetSelection.split(" a, ,b ,")).containsExactly("a", "b");
    assertThat(TargetSelection.split(null)).isEmpty();
  }
}
