package io.attune.packbinaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BuildTimestampTest {

  @Test
  void theTimestampIsCheckedWithAHelpfulMessage() throws Exception {
    assertThat(BuildTimestamp.parse(null)).isEqualTo(Instant.EPOCH);
    assertThat(BuildTimestamp.parse("1700000000")).isEqualTo(Instant.ofEpochSecond(1700000000));
    assertThat(BuildTimestamp.parse("2026-11-28T01:00:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    assertThatThrownBy(() -> BuildTimestamp.parse("yesterday"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("project.build.outputTimestamp");
  }
}
