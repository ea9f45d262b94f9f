package io.attune.packbinaries.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgumentsTest {

  @Test
  void splitsOnWhitespaceAndKeepsQuotedJsonWhole() {
    assertThat(
            Arguments.split(
                "--once  --triggers '[{\"id\":\"t\",\"type\":\"interval\",\"seconds\":1}]'"))
        .containsExactly(
            "--once", "--triggers", "[{\"id\":\"t\",\"type\":\"interval\",\"seconds\":1}]");
    assertThat(Arguments.split("--name \"two words\" a\\ b ''"))
        .containsExactly("--name", "two words", "a b", "");
    assertThat(Arguments.split("  ")).isEmpty();
    assertThat(Arguments.split(null)).isEmpty();
  }

  @Test
  void rejectsAnUnclosedQuote() {
    assertThatThrownBy(() -> Arguments.split("--triggers '[1]"))
        .hasMessage("unclosed ' in: --triggers '[1]");
  }

  @Test
  void anEscapedCharacterAloneIsAnArgument() {
    assertThat(Arguments.split("\\x")).containsExactly("x");
    assertThat(Arguments.split("\\  --once")).containsExactly(" ", "--once");
  }
}
