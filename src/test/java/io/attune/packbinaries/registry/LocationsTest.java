package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3986 section 5.4's examples, and the Location headers registries really send. */
class LocationsTest {

  private static final URI BASE = URI.create("http://a/b/c/d;p?q");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "g|http://a/b/c/g",
        "./g|http://a/b/c/g",
        "g/|http://a/b/c/g/",
        "/g|http://a/g",
        "//g|http://g",
        "?y|http://a/b/c/d;p?y",
        "g?y|http://a/b/c/g?y",
        "#s|http://a/b/c/d;p?q#s",
        "g#s|http://a/b/c/g#s",
        "g?y#s|http://a/b/c/g?y#s",
        ";x|http://a/b/c/;x",
        "g;x|http://a/b/c/g;x",
        "g;x?y#s|http://a/b/c/g;x?y#s",
        "''|http://a/b/c/d;p?q",
        ".|http://a/b/c/",
        "./|http://a/b/c/",
        "..|http://a/b/",
        "../|http://a/b/",
        "../g|http://a/b/g",
        "../..|http://a/",
        "../../|http://a/",
        "../../g|http://a/g",
        "../../../g|http://a/g",
        "../../../../g|http://a/g",
        "/./g|http://a/g",
        "/../g|http://a/g",
        "g.|http://a/b/c/g.",
        ".g|http://a/b/c/.g",
        "g..|http://a/b/c/g..",
        "..g|http://a/b/c/..g",
        "./../g|http://a/b/g",
        "./g/.|http://a/b/c/g/",
        "g/./h|http://a/b/c/g/h",
        "g/../h|http://a/b/c/h",
        "g;x=1/./y|http://a/b/c/g;x=1/y",
        "g;x=1/../y|http://a/b/c/y",
        "g?y/./x|http://a/b/c/g?y/./x",
        "g#s/../x|http://a/b/c/g#s/../x",
        "http://g/a/./b/../c|http://g/a/c",
      })
  void resolvesAsRfc3986Says(String reference, String expected) throws Exception {
    assertThat(Locations.resolve(BASE, reference)).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/v2/x/blobs/uploads/1?_state=a%2Bb|https://r:5443/v2/x/blobs/uploads/1?_state=a%2Bb",
        "http://storage:9000/up/1?sig=x|http://storage:9000/up/1?sig=x",
        "//cdn.example/v2/x|https://cdn.example/v2/x",
        "1?_state=s|https://r:5443/v2/x/blobs/uploads/1?_state=s",
      })
  void resolvesUploadLocationsAgainstThePost(String location, String expected) throws Exception {
    assertThat(Locations.resolve(URI.create("https://r:5443/v2/x/blobs/uploads/"), location))
        .hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://r/a b", // not a URI: a space
        "/v2/%zz", // not a URI: a broken escape
        "mailto:ops@r.example",
        "file:///etc/passwd",
        "ftp://r.example/x",
        "http:/..//evil.example/x", // no authority: would read back as another host
        "https://:5443/v2/",
      })
  void aLocationThatLeadsToNoHttpUrlIsARegistryFailureNamingIt(String location) {
    URI post = URI.create("https://r:5443/v2/x/blobs/uploads/");
    assertThatThrownBy(() -> Locations.resolve(post, location))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.isTransient()).as("retried").isFalse())
        .hasMessage(
            "The answer from https://r:5443/v2/x/blobs/uploads/ sent its client on to '"
                + location
                + "', which is no HTTP or HTTPS URL with a host: the registry, or a proxy in"
                + " front of it, is misconfigured");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Section 5.2.4's own examples, and each rule on its own.
        "/a/b/c/./../../g|/a/g",
        "mid/content=5/../6|mid/6",
        "../a|a",
        "./a|a",
        ".|''",
        "..|''",
        "/.|/",
        "/..|/",
        "a/./b|a/b",
        "/a/b/..|/a/",
      })
  void removesDotSegmentsAsSection524Says(String path, String expected) {
    assertThat(Locations.removeDotSegments(path)).isEqualTo(expected);
  }

  @Test
  void aBaseWithoutPathTakesTheReferenceAsItsFirstSegment() throws Exception {
    assertThat(Locations.resolve(URI.create("https://r:5443"), "v2/x/blobs/uploads/1"))
        .hasToString("https://r:5443/v2/x/blobs/uploads/1");
  }

  @Test
  void aBaseWithoutAuthorityLeadsToNoUrl() {
    assertThatThrownBy(() -> Locations.resolve(URI.create("http:/v2/x/"), "uploads/1"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("sent its client on to 'uploads/1'");
  }

  @Test
  void aLongLocationIsShownByItsFirst200Characters() {
    URI post = URI.create("https://r:5443/v2/x/blobs/uploads/");
    String exactly200 = "mailto:" + "a".repeat(193);
    assertThatThrownBy(() -> Locations.resolve(post, exactly200))
        .hasMessageContaining("'" + exactly200 + "'");
    assertThatThrownBy(() -> Locations.resolve(post, exactly200 + "bcd"))
        .hasMessageContaining("'" + exactly200 + "…'")
        .hasMessageNotContaining("bcd");
  }
}
