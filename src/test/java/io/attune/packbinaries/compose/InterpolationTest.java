package io.attune.packbinaries.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Compose's interpolation rules, case by case, as `docker compose config` resolves them. */
class InterpolationTest {

  private static final Map<String, String> ENV =
      Map.of("SET", "x", "EMPTY", "", "REG", "r.example:5000", "lower_1", "l");

  private static String resolve(String template) throws PackFailure {
    return Interpolation.resolve(template, ENV, "c.yaml", "services.s.image");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "plain/text:1.0|plain/text:1.0",
        "$$|$",
        "$$SET|$SET",
        "$$$SET|$x",
        "${SET}|x",
        "$SET|x",
        "$SET.y|x.y",
        "$lower_1|l",
        "${UNSET}|",
        "$UNSET/a|/a",
        "${UNSET:-d}|d",
        "${EMPTY:-d}|d",
        "${SET:-d}|x",
        "${EMPTY-d}|",
        "${UNSET-d}|d",
        "${SET-d}|x",
        "${SET:+y}|y",
        "${EMPTY:+y}|",
        "${UNSET:+y}|",
        "${EMPTY+y}|y",
        "${UNSET+y}|",
        "${SET+y}|y",
        "${EMPTY?m}|",
        "${SET:?m}|x",
        "${U:-${REG}}|r.example:5000",
        "${U:-${V:-${REG}/x}}:1|r.example:5000/x:1",
        "${REG:+${SET}-y}|x-y",
        "${UNSET:-a:b}|a:b",
        "${UNSET:-}|",
        "${SET:-a}b}|xb}",
        "${UNSET:-$$}|$",
        "${REG}/attune/init:${VERSION:-latest}|r.example:5000/attune/init:latest",
        "}|}",
        "{$SET}|{x}",
        "${_X:-d}|d",
        "$_|",
        "$SET\u00e9|x\u00e9",
        "${U:-a}${U:-b}|ab",
      })
  void resolvesAsCompose(String template, String expected) throws Exception {
    assertThat(resolve(template)).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "${REG",
        "${}",
        "$",
        "a$",
        "$1",
        "${1}",
        "$-x",
        "${REG X}",
        "${REG:}",
        "${REG:x}",
        "${REG!}",
        "${-d}",
        "${:-d}",
        "${U:-${}}",
        "${U:-${REG}",
        "$\u00e9",
        "${\u00e9}",
      })
  void malformedTemplatesAreRefusedWithComposesMessage(String template) {
    assertThatThrownBy(() -> resolve(template))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "c.yaml: invalid interpolation format for services.s.image: \""
                + template
                + "\". You may need to escape any $ with another $.");
  }

  @Test
  void requiredVariablesFailWithTheirMessage() {
    assertThatThrownBy(() -> resolve("${UNSET?set UNSET}"))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "c.yaml: services.s.image: required variable UNSET is missing a value: set UNSET");
    assertThatThrownBy(() -> resolve("${EMPTY:?must not be empty}"))
        .hasMessage(
            "c.yaml: services.s.image: required variable EMPTY is missing a value:"
                + " must not be empty");
    assertThatThrownBy(() -> resolve("${UNSET:?need ${SET}}"))
        .hasMessageEndingWith("required variable UNSET is missing a value: need x");
    assertThatThrownBy(() -> resolve("${UNSET?}"))
        .hasMessageEndingWith("required variable UNSET is missing a value: ");
  }

  @Test
  void nestingIsBoundedAndALongTemplateIsShownShortened() throws Exception {
    String deep = "${U:-".repeat(Interpolation.MAX_NESTING) + "end" + "}".repeat(32);
    assertThat(resolve(deep)).isEqualTo("end");
    String tooDeep = "${U:-".repeat(Interpolation.MAX_NESTING + 2) + "}".repeat(34);
    assertThatThrownBy(() -> resolve(tooDeep))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("invalid interpolation format");
    String huge = "${U:-".repeat(5000) + "}".repeat(5000);
    assertThatThrownBy(() -> resolve(huge))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("\"" + huge.substring(0, 200) + "…\"");
  }

  @Test
  void anUnsetVariableIsNotAnEmptyOne() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("V", "");
    assertThat(Interpolation.resolve("${V-unset}${W-unset}", env, "f", "k")).isEqualTo("unset");
  }

  @Test
  void aTemplateOfExactly200CharactersIsShownWhole() {
    String template = "${" + "x".repeat(198);
    assertThatThrownBy(() -> resolve(template))
        .hasMessage(
            "c.yaml: invalid interpolation format for services.s.image: \""
                + template
                + "\". You may need to escape any $ with another $.");
  }
}
