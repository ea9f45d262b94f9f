package io.attune.packbinaries.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeFileTest {

  private static final String SERVICE = ComposeFile.INIT_SERVICE;
  private static final String PINNED =
      "registry.example.com/attune/pack-binaries-init@sha256:" + "ab".repeat(32);

  @TempDir Path temp;

  /** The project's own distributable compose file, as users pull it. */
  private Path distributable() throws Exception {
    Path source = Path.of("docker/distributable/docker-compose.yaml");
    Path copy = temp.resolve("docker-compose.yaml");
    Files.copy(source, copy);
    return copy;
  }

  private Path file(String text) throws Exception {
    return Files.writeString(temp.resolve("compose.yaml"), text);
  }

  private static ComposeFile read(Path path) throws Exception {
    return ComposeFile.read(path, SERVICE);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path path) {
    return assertThatThrownBy(() -> read(path))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith(path.toString());
  }

  @Test
  void resolvesTheDistributableImageWithComposeInterpolation() throws Exception {
    Path path = distributable();
    ComposeFile compose = read(path);

    assertThat(compose.image(Map.of("ATTUNE_REGISTRY", "registry.example.com")))
        .isEqualTo("registry.example.com/attune/pack-binaries-init:latest");
    assertThat(
            compose.image(
                Map.of("ATTUNE_REGISTRY", "r.example.com:5000", "ATTUNE_VERSION", "1.2.0")))
        .isEqualTo("r.example.com:5000/attune/pack-binaries-init:1.2.0");
    assertThat(compose.repository(Map.of("ATTUNE_REGISTRY", "r.example.com:5000")))
        .isEqualTo("r.example.com:5000/attune/pack-binaries-init");
    assertThatThrownBy(() -> compose.image(Map.of()))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            path
                + ": services.init-pack-binaries.image: required variable ATTUNE_REGISTRY is"
                + " missing a value: set ATTUNE_REGISTRY to the registry host that serves the"
                + " Attune images");
    assertThat(compose.path()).isEqualTo(path);
  }

  @Test
  void theRepositoryOfAReferenceDropsTagAndDigest() {
    assertThat(ComposeFile.repositoryOf("h:5000/a/b:1@sha256:x")).isEqualTo("h:5000/a/b");
    assertThat(ComposeFile.repositoryOf("h:5000/a/b")).isEqualTo("h:5000/a/b");
    assertThat(ComposeFile.repositoryOf("h/a/b:1")).isEqualTo("h/a/b");
  }

  @Test
  void refusesAPushToARepositoryTheComposeFileDoesNotPull() throws Exception {
    ComposeFile compose = read(distributable());
    Map<String, String> env = Map.of("ATTUNE_REGISTRY", "registry.example.com");

    compose.requireRepository("registry.example.com/attune/pack-binaries-init", env);
    assertThatThrownBy(() -> compose.requireRepository("registry.example.com/attune/other", env))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pulls registry.example.com/attune/pack-binaries-init:latest")
        .hasMessageContaining("not the repository being pushed, registry.example.com/attune/other")
        .hasMessageContaining("-Dpack.image=registry.example.com/attune/pack-binaries-init");
  }

  @Test
  void writesTheDigestPinnedReferenceAndKeepsTheRestOfTheFile() throws Exception {
    Path file = distributable();
    String before = Files.readString(file);
    String oldImage = read(file).rawImage();

    read(file).writeImage(PINNED);

    assertThat(read(file).rawImage()).isEqualTo(PINNED);
    assertThat(Files.readString(file)).isEqualTo(before.replace(oldImage, PINNED));
  }

  @Test
  void aFileWithoutTheServiceSaysWhatIsMissing() throws Exception {
    Path file = file("services:\n  other:\n    image: x\n");
    assertRefused(file).hasMessageContaining("has no services.init-pack-binaries.image");
    assertRefused(file("services:\n  init-pack-binaries:\n    image: [a]\n"))
        .hasMessageContaining("has no services.init-pack-binaries.image");
    assertRefused(file("")).hasMessageContaining("is empty");
    assertRefused(file("just text")).hasMessageContaining("has no services");
  }

  @Test
  void anEmptyImageIsRefusedAsEmpty() throws Exception {
    // The last, anchor and tag but no text, was found by make fuzz: the pin found no token for it.
    for (String value : new String[] {"", " ''", " \"\"", " &i !!str ", " !!str", " &i"}) {
      assertRefused(file("services:\n  init-pack-binaries:\n    image:" + value + "\n"))
          .hasMessageContaining(
              ": services.init-pack-binaries.image is empty; write the image the service pulls");
    }
  }

  @Test
  void anImageThatComesToNothingSaysSoRatherThanNamingAnEmptyRepository() throws Exception {
    Path file = file("services:\n  init-pack-binaries:\n    image: ${IMAGE}${TAG}\n");
    ComposeFile compose = read(file);

    assertThat(compose.image(Map.of("TAG", ":1", "IMAGE", "r/a"))).isEqualTo("r/a:1");
    assertThatThrownBy(() -> compose.requireRepository("r/a", Map.of("TAG", "")))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            file
                + ": services.init-pack-binaries.image (${IMAGE}${TAG}) comes to nothing with the"
                + " variables it names unset or empty; give them defaults (${NAME:-default}) or"
                + " write the image");
  }

  // --- Hostile and malformed files: one PackFailure naming the file (and line) each. ---

  @Test
  void twoThousandNestedBracketsAreRefusedWithoutAStackOverflow() throws Exception {
    Path file = file("services:\n  x: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
    assertRefused(file)
        .hasMessage(file + ":2: nested more than 64 levels deep; no compose file needs that");
    Path mappings = file("a: " + "{a: ".repeat(2000) + "}".repeat(2000));
    assertRefused(mappings).hasMessageContaining("nested more than 64 levels deep");
  }

  @Test
  void invalidUtf8NamesTheLine() throws Exception {
    Path file = temp.resolve("latin1.yaml");
    Files.write(
        file,
        "services:\n  init-pack-binaries:\n    image: caf\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    assertRefused(file)
        .hasMessage(
            file + ":3: not UTF-8 text (invalid byte at offset 46); save the file as UTF-8");
  }

  @Test
  void aYamlSyntaxErrorNamesFileLineAndColumn() throws Exception {
    Path file = file("services:\n  init-pack-binaries:\n    image: \"unterminated\n");
    assertRefused(file)
        .hasMessageStartingWith(file + ":4:1: not valid YAML: ")
        .hasMessageEndingWith("; fix the file");
    Path tabs = file("services:\n\t init: x\n");
    assertRefused(tabs).hasMessageStartingWith(tabs + ":2:").hasMessageContaining("not valid YAML");
    Path undefined = file("services:\n  init-pack-binaries:\n    image: *nowhere\n");
    assertRefused(undefined).hasMessageContaining(":3:").hasMessageContaining("nowhere");
    Path twoDocuments = file("a: 1\n---\nb: 2\n");
    assertRefused(twoDocuments).hasMessageContaining("not valid YAML");
  }

  @Test
  void aFileLargerThanAnyComposeFile() throws Exception {
    Path file = file("# " + "x".repeat(ComposeYaml.MAX_BYTES) + "\n");
    assertRefused(file).hasMessageContaining("is larger than 1048576 bytes");
  }

  @Test
  void anAliasBombIsRefused() throws Exception {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      yaml.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    assertRefused(file(yaml.toString())).hasMessageContaining("not valid YAML");
  }

  @Test
  void aDuplicateKeyIsRefusedAsComposeRefusesIt() throws Exception {
    Path file =
        file(
            "services:\n  init-pack-binaries:\n    image: first\n    platform: linux/amd64\n"
                + "    image: second\n");
    assertRefused(file)
        .hasMessage(
            file + ":5: mapping key \"image\" already defined at line 3; remove one of them");
    Path elsewhere =
        file("volumes:\n  a: {}\n  a: {}\nservices:\n  init-pack-binaries:\n    image: x\n");
    assertRefused(elsewhere)
        .hasMessageContaining(":3: mapping key \"a\" already defined at line 2");
  }

  @Test
  void aMergeKeyThatCarriesTheImageIsReadAsComposeReadsIt() throws Exception {
    Path file =
        file(
            "x-base: &base\n  image: ${REG}/attune/init:1\n  restart: 'no'\n"
                + "x-other: &other\n  image: other/image:2\n"
                + "services:\n  init-pack-binaries:\n    <<: *base\n    restart: always\n"
                + "  two:\n    <<: [*other, *base]\n"
                + "  three:\n    <<: *base\n    image: own/image:3\n");
    assertThat(read(file).image(Map.of("REG", "r.example"))).isEqualTo("r.example/attune/init:1");
    assertThat(ComposeFile.read(file, "two").rawImage()).isEqualTo("other/image:2");
    assertThat(ComposeFile.read(file, "three").rawImage()).isEqualTo("own/image:3");
  }

  @Test
  void aMergeOfSomethingOtherThanMappingsIsRefused() throws Exception {
    Path file = file("services:\n  init-pack-binaries:\n    <<: [a, b]\n");
    assertRefused(file)
        .hasMessageContaining(":3: map merge requires map or sequence of maps as the value");
  }

  @Test
  void aRecursiveMergeIsRefused() throws Exception {
    Path file = file("services:\n  init-pack-binaries: &s\n    <<: *s\n");
    assertRefused(file)
        .hasMessage(
            file + ":2: merge keys nested too deep (a << that reaches itself); remove the loop");
    Path outer = file("services: &s\n  init-pack-binaries:\n    <<: *s\n");
    assertRefused(outer).hasMessageContaining("has no services.init-pack-binaries.image");
  }

  // --- pack.compose.update keeps the file: anchors, aliases, comments, key order. ---

  @Test
  void pinningAnAliasSharedByTwoServicesKeepsTheAnchorForTheOther() throws Exception {
    String before =
        "# shared image\nx-img: &img REPO:1.0  # the anchor\n"
            + "services:\n"
            + "  init-pack-binaries:\n    image: *img # pinned by the push\n    restart: 'no'\n"
            + "  sidecar:\n    image: *img\n";
    Path file = file(before);

    read(file).writeImage(PINNED);

    assertThat(Files.readString(file))
        .isEqualTo(before.replace("image: *img # pinned", "image: " + PINNED + " # pinned"));
    assertThat(read(file).rawImage()).isEqualTo(PINNED);
    assertThat(ComposeFile.read(file, "sidecar").rawImage()).isEqualTo("REPO:1.0");
  }

  @Test
  void pinningAnAnchoredScalarKeepsItsAnchorAndTag() throws Exception {
    String before =
        "services:\n  init-pack-binaries:\n    image: &img !!str REPO:1.0\n"
            + "  sidecar:\n    image: *img\n";
    Path file = file(before);

    read(file).writeImage(PINNED);

    assertThat(Files.readString(file))
        .isEqualTo(before.replace("!!str REPO:1.0", "!!str " + PINNED));
    assertThat(ComposeFile.read(file, "sidecar").rawImage()).isEqualTo(PINNED);
  }

  @Test
  void pinningKeepsTheValuesQuoting() throws Exception {
    String doubleQuoted = "services:\n  init-pack-binaries:\n    image: \"REPO:1\"\n";
    Path file = file(doubleQuoted);
    read(file).writeImage(PINNED);
    assertThat(file).content().isEqualTo(doubleQuoted.replace("REPO:1", PINNED));

    String singleQuoted = "services: {init-pack-binaries: {image: 'REPO:1', x: 1}}\n";
    file = file(singleQuoted);
    read(file).writeImage(PINNED);
    assertThat(file).content().isEqualTo(singleQuoted.replace("REPO:1", PINNED));

    String literal = "services:\n  init-pack-binaries:\n    image: |\n      REPO:1\n    x: 1\n";
    file = file(literal);
    read(file).writeImage(PINNED);
    assertThat(file)
        .content()
        .isEqualTo("services:\n  init-pack-binaries:\n    image: \"" + PINNED + "\"\n    x: 1\n");
  }

  @Test
  void pinningAnImageFromAMergeKeyAddsTheServicesOwnLine() throws Exception {
    String before =
        "x-base: &base\n  image: REPO:1.0\n"
            + "services:\n  init-pack-binaries:\n    <<: *base\n    restart: 'no'\n"
            + "  other:\n    <<: *base\n";
    Path file = file(before);

    read(file).writeImage(PINNED);

    assertThat(Files.readString(file))
        .isEqualTo(
            before.replace(
                "    <<: *base\n    restart",
                "    image: " + PINNED + "\n    <<: *base\n    restart"));
    assertThat(read(file).rawImage()).isEqualTo(PINNED);
    assertThat(ComposeFile.read(file, "other").rawImage()).isEqualTo("REPO:1.0");
  }

  @Test
  void aServiceThatIsItselfAnAliasIsNotPinnedBehindTheOthersBack() throws Exception {
    String before =
        "x-svc: &svc\n  image: REPO:1.0\nservices:\n  init-pack-binaries: *svc\n  other: *svc\n";
    Path file = file(before);
    assertThatThrownBy(() -> read(file).writeImage(PINNED))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("services.init-pack-binaries gets its image from elsewhere");
    assertThat(file).content().isEqualTo(before);
  }

  @Test
  void pinningCountsCharactersBeyondTheBasicPlaneAndKeepsCrLf() throws Exception {
    String before =
        "# \uD83D\uDE80 launch \u00e9t\u00e9\r\nservices:\r\n  init-pack-binaries:\r\n"
            + "    image: REPO:1   # \uD83D\uDC33\r\n";
    Path file = file(before);

    read(file).writeImage(PINNED);

    assertThat(file).content().isEqualTo(before.replace("REPO:1", PINNED));
  }

  @Test
  void aReferenceThatWouldBreakTheFileIsNotWritten() throws Exception {
    String before = "services:\n  init-pack-binaries:\n    image: REPO:1\n";
    Path file = file(before);
    assertThatThrownBy(() -> read(file).writeImage("a: b"))
        .isInstanceOf(PackFailure.class)
        .hasMessageStartingWith(file.toString());
    assertThat(file).content().isEqualTo(before);
  }

  // --- Boundaries and shapes the mutation run asked about. ---

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @Test
  void nestingUpToTheLimitAndManySiblingsAreRead() throws Exception {
    String image = "services:\n  init-pack-binaries:\n    image: REPO:1\n";
    // The root mapping is one level: 63 more make exactly MAX_DEPTH.
    assertThat(read(file(image + "x: " + nested(ComposeYaml.MAX_DEPTH - 1) + "\n")).rawImage())
        .isEqualTo("REPO:1");
    assertRefused(file(image + "x: " + nested(ComposeYaml.MAX_DEPTH) + "\n"))
        .hasMessageContaining("nested more than 64 levels deep");
    assertThat(read(file(image + "x: [" + "[[a]], ".repeat(200) + "b]\n")).rawImage())
        .isEqualTo("REPO:1");
  }

  @Test
  void aFileOfExactlyTheSizeLimitIsRead() throws Exception {
    String image = "services:\n  init-pack-binaries:\n    image: REPO:1\n";
    String padding = "#" + "x".repeat(ComposeYaml.MAX_BYTES - image.length() - 2) + "\n";
    Path file = file(padding + image);
    assertThat(Files.size(file)).isEqualTo(ComposeYaml.MAX_BYTES);
    assertThat(read(file).rawImage()).isEqualTo("REPO:1");
  }

  @Test
  void yamlErrorsGiveTheParsersContextWhenItHasOne() throws Exception {
    Path quoted = file("services:\n  init-pack-binaries:\n    image: \"unterminated\n");
    assertRefused(quoted)
        .hasMessage(
            quoted
                + ":4:1: not valid YAML: while scanning a quoted scalar, found unexpected end of"
                + " stream; fix the file");
    Path alias = file("services:\n  init-pack-binaries:\n    image: *nowhere\n");
    assertRefused(alias)
        .hasMessage(alias + ":3:12: not valid YAML: found undefined alias nowhere; fix the file");
  }

  @Test
  void duplicateKeysAreFoundInsideSequencesAndComplexKeys() throws Exception {
    String image = "services:\n  init-pack-binaries:\n    image: REPO:1\n";
    assertRefused(file(image + "x:\n  - {a: 1, a: 2}\n"))
        .hasMessageContaining(":5: mapping key \"a\" already defined at line 5");
    String longKey = "k".repeat(81);
    assertRefused(file(image + longKey + ": 1\n" + longKey + ": 2\n"))
        .hasMessageContaining("mapping key \"" + "k".repeat(80) + "…\" already defined");
    String key80 = "k".repeat(80);
    assertRefused(file(image + key80 + ": 1\n" + key80 + ": 2\n"))
        .hasMessageContaining("mapping key \"" + key80 + "\" already defined");
  }

  @Test
  void complexKeysAreRefusedAndMappingsInSequencesKeptWhenPinning() throws Exception {
    assertRefused(file("? [top]\n: 1\nservices:\n  init-pack-binaries:\n    image: REPO:1\n"))
        .hasMessageContaining("Non scalar key");
    Path file =
        file(
            "services:\n  init-pack-binaries:\n    ports: [{target: 80}, [1, {a: b}]]\n"
                + "    image: REPO:1\n  image: {x: [1]}\n");
    assertThat(read(file).rawImage()).isEqualTo("REPO:1");
    String before = Files.readString(file);

    read(file).writeImage(PINNED);

    assertThat(file).content().isEqualTo(before.replace("REPO:1", PINNED));
  }

  @Test
  void mergeSourcesAreSearchedInOrderAndOnlyPlainLtLtMerges() throws Exception {
    Path file =
        file(
            "x-none: &none\n  restart: 'no'\nx-base: &base\n  image: base/image:1\n"
                + "services:\n  init-pack-binaries:\n    <<: [*none, *base]\n"
                + "  quoted:\n    \"<<\": *base\n  scalar:\n    <<: just-text\n");
    assertThat(read(file).rawImage()).isEqualTo("base/image:1");
    assertThatThrownBy(() -> ComposeFile.read(file, "quoted"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("has no services.quoted.image");
    assertThatThrownBy(() -> ComposeFile.read(file, "scalar"))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(":11: map merge requires map or sequence of maps as the value");
  }

  @Test
  void mergeChainsUpToTheLimit() throws Exception {
    StringBuilder yaml = new StringBuilder("x-m0: &m0\n  image: chained:1\n");
    for (int i = 1; i <= ComposeYaml.MAX_MERGES + 1; i++) {
      yaml.append("x-m").append(i).append(": &m").append(i).append("\n  <<: *m").append(i - 1);
      yaml.append("\n");
    }
    String chains = yaml.toString();
    int last = ComposeYaml.MAX_MERGES;
    Path atLimit =
        file(chains + "services:\n  init-pack-binaries:\n    <<: *m" + (last - 1) + "\n");
    assertThat(read(atLimit).rawImage()).isEqualTo("chained:1");
    Path beyond = file(chains + "services:\n  init-pack-binaries:\n    <<: *m" + last + "\n");
    assertRefused(beyond).hasMessageContaining("merge keys nested too deep");
  }

  @Test
  void invalidUtf8OnTheFirstLine() throws Exception {
    Path file = temp.resolve("first.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, '\n', 'b', ':', ' ', '1', '\n'});
    assertRefused(file)
        .hasMessage(file + ":1: not UTF-8 text (invalid byte at offset 3); save the file as UTF-8");
  }

  @Test
  void aRepositoryWithoutSlashOrColonIsItself() {
    assertThat(ComposeFile.repositoryOf("busybox")).isEqualTo("busybox");
    assertThat(ComposeFile.repositoryOf("busybox:1")).isEqualTo("busybox");
  }

  @Test
  void aReferenceThatReadsBackDifferentlyIsNotWritten() throws Exception {
    String before = "services:\n  init-pack-binaries:\n    image: REPO:1\n";
    Path file = file(before);
    assertThatThrownBy(() -> read(file).writeImage("REPO:2 #comment"))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            file
                + ": pinning services.init-pack-binaries.image in place did not give REPO:2"
                + " #comment; write that image: line by hand");
    assertThat(file).content().isEqualTo(before);
  }

  @Test
  void aFlowStyleServiceWithAMergedImageIsNotEditedBlindly() throws Exception {
    String before = "x-b: &b {image: R:1}\nservices: {init-pack-binaries: {<<: *b}}\n";
    Path file = file(before);
    assertThatThrownBy(() -> read(file).writeImage(PINNED))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("gets its image from elsewhere");
    assertThat(file).content().isEqualTo(before);
  }
}
