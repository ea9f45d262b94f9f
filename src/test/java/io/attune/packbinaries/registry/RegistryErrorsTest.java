package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The registry's error codes, which the push reads to tell a lost race from a real refusal. */
class RegistryErrorsTest {

  @Test
  void theCodesOfTheErrorsListAreRead() {
    String body =
        "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"provided digest did not match\"},"
            + "{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}";

    assertThat(RegistryErrors.codes(body))
        .containsExactly("DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN");
    assertThat(
            new RegistryException(400, "x", null, RegistryErrors.codes(body))
                .hasCode("MANIFEST_BLOB_UNKNOWN"))
        .isTrue();
  }

  @Test
  void aBodyThatIsNoErrorsListHasNoCodes() {
    assertThat(RegistryErrors.codes("<html>bad gateway</html>")).isEmpty();
    assertThat(RegistryErrors.codes("{\"errors\":\"none\"}")).isEmpty();
    assertThat(RegistryErrors.codes("{\"errors\":[{\"code\":\"not a code\\n\"}]}")).isEmpty();
  }

  @Test
  void atMostSixteenCodesAreKept() {
    StringBuilder body = new StringBuilder("{\"errors\":[");
    for (int i = 0; i < 100; i++) {
      body.append(i == 0 ? "" : ",").append("{\"code\":\"CODE_").append((char) ('A' + i % 26));
      body.append((char) ('A' + i / 26)).append("\"}");
    }
    body.append("]}");

    assertThat(RegistryErrors.codes(body.toString())).hasSize(16);
  }
}
