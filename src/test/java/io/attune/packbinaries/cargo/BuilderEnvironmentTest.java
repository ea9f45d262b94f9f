package io.attune.packbinaries.cargo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderEnvironmentTest {

  @Test
  void sqlxOfflineByDefault() throws PackFailure {
    assertThat(BuilderEnvironment.parse(null)).containsExactly(entry("SQLX_OFFLINE", "true"));
  }

  @Test
  void entriesKeepTheirValueWithEqualsSignsAndOverrideTheDefault() throws PackFailure {
    assertThat(BuilderEnvironment.parse(List.of("SQLX_OFFLINE=false", " RUSTFLAGS =-C a=b", "E=")))
        .containsExactly(
            entry("SQLX_OFFLINE", "false"), entry("RUSTFLAGS", "-C a=b"), entry("E", ""));
  }

  @Test
  void anEntryWithoutNameSaysHowToWriteItAndHidesTheValue() {
    assertThatThrownBy(() -> BuilderEnvironment.parse(List.of("=s3cret")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pack.builder.environment entry '=…' is not NAME=value")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void anEntryWithoutEqualsSignIsRefused() {
    assertThatThrownBy(() -> BuilderEnvironment.parse(List.of("TOKEN")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'TOKEN' is not NAME=value");
  }

  @Test
  void aNameWithSpacesIsRefusedWithoutItsValue() {
    assertThatThrownBy(() -> BuilderEnvironment.parse(List.of("MY TOKEN=s3cret")))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("'MY TOKEN=…'")
        .hasMessageNotContaining("s3cret");
  }

  private static java.util.Map.Entry<String, String> entry(String key, String value) {
    return java.util.Map.entry(key, value);
  }
}
