package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        // The characters either side of each range of name characters end a name.
        "Bearer @a=1,[b=2,/c=3,:d=4,`e=5,{f=6,A@=7,Z[=8,0/=9,9:=10,é=11,~g=12|a=1 b=2 c=3 d=4 e=5 f=6 g=12",
        "Bearer AZaz09_-=v|azaz09_-=v",
        // Whatever ends the header early: a name, an '=', a backslash in an unclosed quote.
        "Bearer realm=x, trailing|realm=x",
        "Bearer realm=x, scope=|realm=x",
        "Bearer realm=x, scope=\"abc\\|realm=x",
        "Bearer realm=\"a\\\"b\\\\\"|realm=a\"b\\",
      })
  void readsExactlyTheParametersWritten(String header, String expected) {
    java.util.Map<String, String> wanted = new java.util.HashMap<>();
    for (String pair : expected.split(" ")) {
      String[] nameValue = pair.split("=", 2);
      wanted.put(nameValue[0], nameValue[1]);
    }
    assertThat(Challenge.parse(header).parameters()).isEqualTo(wanted);
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
