package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseTagsTest {

  @Test
  void aReleaseWritesItsVersionAndLatest() {
    assertThat(ReleaseTags.toPush(List.of(), "1.2.0")).containsExactly("1.2.0", "latest");
    assertThat(ReleaseTags.toPush(null, "1.2.0-it")).containsExactly("1.2.0-it", "latest");
  }

  @Test
  void aSnapshotWritesOnlyItsVersionNeverLatest() {
    assertThat(ReleaseTags.toPush(List.of(), "1.3.0-SNAPSHOT")).containsExactly("1.3.0-SNAPSHOT");
    // What its release will write: the compose check holds the compose file to this.
    assertThat(ReleaseTags.ofRelease(List.of(), "1.3.0-SNAPSHOT"))
        .containsExactly("1.3.0", "latest");
  }

  @Test
  void configuredTagsReplaceTheDefaults() {
    assertThat(ReleaseTags.toPush(List.of("edge"), "1.2.0")).containsExactly("edge");
    assertThat(ReleaseTags.toPush(List.of("1.3.0-SNAPSHOT", "latest"), "1.3.0-SNAPSHOT"))
        .containsExactly("1.3.0-SNAPSHOT", "latest");
    assertThat(ReleaseTags.ofRelease(List.of("edge"), "1.3.0-SNAPSHOT")).containsExactly("edge");
  }
}
