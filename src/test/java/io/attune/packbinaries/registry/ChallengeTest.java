package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void readsABearerChallengeWithQuotedAndBareParameters() {
    Challenge challenge =
        Challenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=registry.example,"
                + "scope=\"repository:a/b:pull,push\", Error=\"say \\\"no\\\"\"");

    assertThat(challenge.is("bearer")).isTrue();
    assertThat(challenge.is("Basic")).isFalse();
    assertThat(challenge.parameter("realm")).isEqualTo("https://auth.example/token");
    assertThat(challenge.parameter("service")).isEqualTo("registry.example");
    assertThat(challenge.parameter("scope")).isEqualTo("repository:a/b:pull,push");
    assertThat(challenge.parameter("error")).isEqualTo("say \"no\"");
  }

  @Test
  void aLongQuotedValueIsReadInOnePassWithoutOverflowingTheStack() {
    // A regular expression overflowed the stack at about 3,000 characters
    // (RegistryAnswersFuzzTest).
    String realm = "é".repeat(200_000) + "\\\"" + "x".repeat(1000);
    Challenge challenge = Challenge.parse("Basic realm=\"" + realm + "\", service=r");

    assertThat(challenge.parameter("realm")).hasSize(201_001).endsWith("\"" + "x".repeat(1000));
    assertThat(challenge.parameter("service")).isEqualTo("r");
  }

  @Test
  void namesAreLettersDigitsUnderscoresAndDashesAndBareValuesEndAtSpaceCommaOrQuote() {
    Challenge challenge =
        Challenge.parse("Bearer A_Z-az09=v1 .x=v2,y=v3\"q\" =v4, z=,w=\tv5 :n=v6");

    assertThat(challenge.parameters())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("a_z-az09", "v1", "x", "v2", "y", "v3", "n", "v6"));
  }

  @Test
  void anUnclosedQuoteEndsTheParameters() {
    Challenge challenge = Challenge.parse("Bearer service=r,realm=\"https://a/token, scope=x");
    assertThat(challenge.parameters()).containsOnlyKeys("service");
  }

  @Test
  void aBasicChallengeOrNoneAtAll() {
    assertThat(Challenge.parse("Basic realm=\"Registry Realm\"").is("Basic")).isTrue();
    assertThat(Challenge.parse(null).parameters()).isEmpty();
    assertThat(Challenge.parse("").is("Basic")).isFalse();
  }

  @Test
  void originsDifferInSchemeHostOrPortAndDefaultPortsAreExplicit() {
    assertThat(Origin.of(URI.create("https://R.example/v2/")))
        .isEqualTo(Origin.of(URI.create("https://r.example:443/other")));
    assertThat(Origin.of(URI.create("http://r.example/v2/")))
        .isEqualTo(Origin.of(URI.create("http://r.example:80/")))
        .isNotEqualTo(Origin.of(URI.create("https://r.example/v2/")));
    assertThat(Origin.of(URI.create("https://r.example:5443/")))
        .isNotEqualTo(Origin.of(URI.create("https://r.example/")))
        .isNotEqualTo(Origin.of(URI.create("https://s.example:5443/")));
  }
}
