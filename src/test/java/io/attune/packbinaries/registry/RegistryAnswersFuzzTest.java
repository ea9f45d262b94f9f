package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.ParserFuzz;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a registry (or a proxy in front of it) says in headers, and the image references users
 * write, mutated: {@code WWW-Authenticate} challenges, {@code Location} headers, {@code
 * Retry-After} values and image references. Each must give a usable answer or a clear refusal (a
 * RegistryException or a PackFailure), never an unchecked exception, within a second; whatever is
 * accepted is checked for what the code after it relies on.
 */
class RegistryAnswersFuzzTest {

  private static final int BASE_CASES = 400;
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final URI POST = URI.create("https://r.example:5443/v2/a/b/blobs/uploads/");

  private static final String[] CHALLENGES = {
    "Bearer realm=\"https://auth.example/token\",service=\"r.example\",scope=\"repository:a/b:pull\"",
    "Basic realm=\"Registry Realm\"",
    "Bearer realm=\"http://127.0.0.1:5002/token\",service=registry,error=\"say \\\"no\\\"\"",
  };
  private static final String[] LOCATIONS = {
    "/v2/a/b/blobs/uploads/6c1b?_state=a%2Bb",
    "https://storage.example/up/1?sig=x&exp=1",
    "//cdn.example/v2/a",
    "1?_state=s",
    "http://[::1]:5000/v2/a/b/blobs/uploads/1",
  };
  private static final String[] RETRY_AFTERS = {
    "120",
    "Sun, 29 Nov 2026 12:01:00 GMT",
    "Sunday, 29-Nov-26 12:01:00 GMT",
    "Sun Nov 29 12:01:00 2026"
  };
  private static final String[] REFERENCES = {
    "registry.example.com/attune/pack-binaries-init:1.0",
    "127.0.0.1:5000/attune/pack-binaries-init@sha256:" + "ab".repeat(32),
    "localhost/a/b_c__d-e.f:v1.2-rc_3",
    "[::1]:5000/a/b",
    "r.example:5443/a/b:tag@sha512:" + "cd".repeat(64),
  };
  private static final String[] TOKENS = {
    "\"",
    "\\",
    ",",
    "=",
    " ",
    "\t",
    ":",
    "/",
    "//",
    "..",
    ".",
    "?",
    "#",
    "%",
    "%2F",
    "%zz",
    "@",
    "[",
    "]",
    "-",
    "_",
    "http:",
    "https:",
    "mailto:",
    "realm=",
    "scope=",
    "Bearer ",
    "Basic ",
    "GMT",
    "Mon, ",
    "99999999999999999999",
    "-1",
    "sha256:",
    "sha512:",
    "\u0000",
    "\u00e9",
    "\ud83d\ude00",
    "\r",
    "\n",
    "0",
    "9",
    "a",
    "Z",
  };

  @Test
  void fixedSeedCorpus() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), BASE_CASES);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void longRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(BASE_CASES));
  }

  private void fuzz(long seed, Random random, int cases) throws Exception {
    ParserFuzz.run(
        "registry answers",
        seed,
        random,
        cases,
        (r, i) -> {
          int kind = r.nextInt(4);
          String text =
              mutate(
                  r,
                  switch (kind) {
                    case 0 -> pick(r, CHALLENGES);
                    case 1 -> pick(r, LOCATIONS);
                    case 2 -> pick(r, RETRY_AFTERS);
                    default -> pick(r, REFERENCES);
                  });
          return () -> {
            switch (kind) {
              case 0 -> challenge(text);
              case 1 -> location(text);
              case 2 -> retryAfter(text);
              default -> reference(text);
            }
          };
        });
  }

  private static void challenge(String header) {
    Challenge challenge = Challenge.parse(header);
    assertThat(challenge.scheme()).isNotNull();
    challenge
        .parameters()
        .keySet()
        .forEach(name -> assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT)));
  }

  /** Followed only to an HTTP(S) URL with a host, which the HTTP client can request. */
  private static void location(String header) {
    URI resolved;
    try {
      resolved = Locations.resolve(POST, header);
    } catch (RegistryException refused) {
      assertThat(refused.getMessage()).contains("misconfigured");
      return;
    }
    assertThat(resolved.getScheme()).isIn("http", "https", "HTTP", "HTTPS", "Http", "Https");
    assertThat(resolved.getHost()).isNotNull();
    assertThat(URI.create(resolved.toString())).isEqualTo(resolved);
  }

  private static void retryAfter(String value) {
    Optional<Duration> wait = RetryAfterHeader.parse(value, NOW);
    wait.ifPresent(d -> assertThat(d).isBetween(Duration.ZERO, RetryAfterHeader.CAP));
  }

  /** An accepted reference names a registry the client can reach and reads back as itself. */
  private static void reference(String text) throws Exception {
    ImageReference reference = ImageReference.parse(text);
    URI registry = URI.create("https://" + reference.registry() + "/v2/");
    assertThat(registry.getHost()).as(text).isNotNull();
    assertThat(ImageReference.parse(reference.toString())).isEqualTo(reference);
  }

  private static String pick(Random random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  /** One to four edits: a token put in, a stretch cut out or repeated, a character replaced. */
  private static String mutate(Random random, String seed) {
    StringBuilder text = new StringBuilder(seed);
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(5)) {
        case 0, 1 -> text.insert(at, pick(random, TOKENS));
        case 2 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
        case 3 -> {
          // A long run of one token: parsers must stay linear.
          String token = pick(random, TOKENS);
          text.insert(at, token.repeat(1 + random.nextInt(random.nextInt(10) == 0 ? 5000 : 8)));
        }
        default -> {
          if (at < text.length()) {
            text.setCharAt(at, (char) random.nextInt(random.nextBoolean() ? 128 : 0x3000));
          }
        }
      }
    }
    return text.toString();
  }
}
