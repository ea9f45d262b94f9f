package io.attune.packbinaries.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Json} against the ObjectMapper it replaces, which stays the reference here: the same tree
 * from the same bytes (or both refuse them), and the same bytes from the same tree, compact, pretty
 * and as the mappers the goals used to configure wrote them. Digests and signatures are taken over
 * these bytes, and the state files must read and write as before.
 */
class JsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<ObjectMapper> COMPACT_WRITERS =
      List.of(MAPPER, new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS));
  private static final ObjectMapper INDENTING =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final List<String> DOCUMENTS =
      List.of(
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
              + "\"manifests\":[{\"digest\":\"sha256:ab\",\"size\":1234,\"platform\":"
              + "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}],"
              + "\"annotations\":{\"z\":\"last\",\"a\":\"first\"}}",
          "[1, -0, 2147483647, 2147483648, -9223372036854775808, 9223372036854775808,"
              + " 123456789012345678901234567890, 1.5, -2.5e-3, 1e400, 0.1, 6.02E23]",
          "{\"text\":\"tab\\t quote\\\" slash\\/ back\\\\ nl\\n \\u0001 \\u2028 é 🦀 \\ud83e\\udd80\"}",
          "{\"dup\":1,\"dup\":{\"x\":[true,false,null]},\"empty\":{},\"none\":[]}",
          "  \"just a string\"  ",
          "null",
          "true",
          "-12",
          "{\"a\":1} trailing",
          "[" + "[".repeat(300) + "]".repeat(300) + "]",
          "",
          "   ",
          "{\"unterminated\":",
          "{'single':'quotes'}",
          "[1,]",
          "{\"a\" 1}",
          "NaN");

  @Test
  void readsWhatObjectMapperReadsAndWritesWhatItWrites() throws Exception {
    for (String document : DOCUMENTS) {
      sameAsObjectMapper(document.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theWholeDocumentOrNothing() throws Exception {
    assertThat(Json.parseWhole("{\"a\":[1]}\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(MAPPER.readTree("{\"a\":[1]}"));
    assertThatThrownBy(() -> Json.parseWhole("{\"a\":1} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("follows");
    assertThatThrownBy(() -> Json.parseWhole(" \n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessage("it is empty");
  }

  @Test
  void hostileBytesGetObjectMappersVerdict() throws Exception {
    fuzz(FuzzBudget.FIXED_SEED, FuzzBudget.fixedRandom(), 400);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileBytesLongRun() throws Exception {
    long seed = FuzzBudget.seed();
    fuzz(seed, FuzzBudget.random(seed), FuzzBudget.cases(400));
  }

  private void fuzz(long seed, Random random, int cases) throws Exception {
    ParserFuzz.run(
        "JSON trees",
        seed,
        random,
        cases,
        (rng, index) -> {
          byte[] sample =
              DOCUMENTS.get(rng.nextInt(DOCUMENTS.size())).getBytes(StandardCharsets.UTF_8);
          byte[] bytes = FuzzMutations.bytes(rng, sample);
          return () -> sameAsObjectMapper(bytes);
        });
  }

  /** Both read the bytes to equal trees, or both refuse them; the trees print alike. */
  private static void sameAsObjectMapper(byte[] bytes) throws IOException {
    JsonNode expected;
    try {
      expected = MAPPER.readTree(bytes);
    } catch (IOException refused) {
      assertThatThrownBy(() -> Json.parse(bytes))
          .as("ObjectMapper refused %s", new String(bytes, StandardCharsets.UTF_8))
          .isInstanceOf(IOException.class);
      return;
    }
    JsonNode actual = Json.parse(bytes);
    assertThat(actual).isEqualTo(expected);
    if (expected.isMissingNode()) {
      return;
    }
    for (ObjectMapper writer : COMPACT_WRITERS) {
      assertThat(Json.compact(actual)).isEqualTo(writer.writeValueAsBytes(expected));
    }
    assertThat(Json.pretty(actual))
        .isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(expected))
        .isEqualTo(INDENTING.writeValueAsBytes(expected));
  }

  private static JsonNode strict(String text) throws IOException {
    return Json.parseStrict(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theStrictParseRefusesKeysEqualButForCaseAtAnyDepth() throws IOException {
    assertThat(strict("{\"layers\":[1],\"config\":{\"a\":1,\"b\":2}}").path("layers").size())
        .isEqualTo(1);
    assertThatThrownBy(() -> strict("{\"layers\":[\"a\"],\"LAYERS\":[\"b\"]}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "the keys 'layers' and 'LAYERS' of one object differ only in case, and Go's JSON"
                + " decoder (registries, containerd) reads them as one");
    assertThatThrownBy(() -> strict("{\"m\":[{\"digest\":1,\"Digest\":2}]}"))
        .hasMessageContaining("'digest' and 'Digest'");
    // Go folds the Kelvin sign to k and the long s to s.
    assertThatThrownBy(() -> strict("{\"kind\":1,\"\u212aind\":2}"))
        .hasMessageContaining("differ only in case");
    assertThatThrownBy(() -> strict("{\"layers\":1,\"layer\u017f\":2}"))
        .hasMessageContaining("differ only in case");
    assertThatThrownBy(() -> strict("{\"size\":1,\"size\":2}"))
        .hasMessageContaining("the key 'size' appears twice in one object");
    assertThatThrownBy(() -> strict("{} {}")).hasMessageContaining("something follows");
    // The lenient parse is unchanged: the last value of a repeated key, as ObjectMapper reads it.
    assertThat(Json.parse("{\"size\":1,\"size\":2}").path("size").asInt()).isEqualTo(2);
  }
}
