package io.attune.packbinaries.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile compose files: real ones (the distributable file, anchors, merge keys, flow style,
 * quoting) with YAML tokens inserted, lines repeated, deleted or swapped, and bytes damaged; and
 * random interpolation templates. Each file is read, resolved and pinned, or refused with a
 * PackFailure naming it; a pin that succeeds must read back as the pinned reference.
 */
class ComposeFileFuzzTest {

  private static final int BASE_CASES = 100;
  private static final String PINNED = "r.example:5000/attune/init@sha256:" + "cd".repeat(32);
  private static final Map<String, String> ENV =
      Map.of("ATTUNE_REGISTRY", "r.example:5000", "EMPTY", "", "V", "1.0");

  private static final List<String> SEEDS = new ArrayList<>();

  static {
    try {
      SEEDS.add(Files.readString(Path.of("docker/distributable/docker-compose.yaml")));
      SEEDS.add(Files.readString(Path.of("docker/docker-compose.yaml")));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    SEEDS.add(
        "# shared\nx-img: &img ${ATTUNE_REGISTRY}/attune/init:${V:-latest}\n"
            + "x-base: &base\n  image: *img\n  restart: 'no'\n"
            + "services:\n  init-pack-binaries:\n    <<: *base\n    volumes: [packs:/packs]\n"
            + "  other:\n    image: *img\n");
    SEEDS.add(
        "services: {init-pack-binaries: {image: \"${ATTUNE_REGISTRY:?set it}/a/b:${V+1}\","
            + " platform: 'linux/arm64'}}\n");
    SEEDS.add(
        "services:\n  init-pack-binaries:\n    image: &i !!str '${ATTUNE_REGISTRY}/x:1'\n"
            + "    command: |\n      echo $$HOME\n  b:\n    <<: [{image: a}, {image: b}]\n");
  }

  private static final String[] TOKENS = {
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: ",
    "<<: *a\n",
    "!!str ",
    "!!map ",
    "\"",
    "'",
    "|",
    ">",
    "\t",
    "\n",
    "#",
    "${",
    "$",
    "}",
    ":-",
    ":?",
    ":+",
    "$$",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "? ",
    "@",
    "`",
    "image: x\n",
    "    image: y\n",
    "\uFEFF",
    "\\",
  };

  @TempDir Path temp;

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
        "compose",
        seed,
        random,
        cases,
        (r, i) -> {
          Path file = temp.resolve("case-" + i + ".yaml");
          Files.write(file, mutate(r));
          long templateSeed = r.nextLong();
          return () -> {
            try {
              ComposeFile compose = ComposeFile.read(file, ComposeFile.INIT_SERVICE);
              compose.image(ENV);
              compose.writeImage(PINNED);
              assertThat(ComposeFile.read(file, ComposeFile.INIT_SERVICE).rawImage())
                  .isEqualTo(PINNED);
              template(new Random(templateSeed));
            } catch (PackFailure e) {
              ParserFuzz.requireNamed(e, file.toString());
            } finally {
              Files.delete(file);
            }
          };
        });
  }

  private static byte[] mutate(Random random) {
    String text = SEEDS.get(random.nextInt(SEEDS.size()));
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      int at = random.nextInt(lines.size());
      String line = lines.get(at);
      switch (random.nextInt(6)) {
        case 0 -> {
          int column = random.nextInt(line.length() + 1);
          String token = TOKENS[random.nextInt(TOKENS.length)];
          lines.set(at, line.substring(0, column) + token + line.substring(column));
        }
        case 1 -> lines.remove(at);
        case 2 -> lines.add(at, line);
        case 3 -> {
          int other = random.nextInt(lines.size());
          lines.set(at, lines.get(other));
          lines.set(other, line);
        }
        case 4 -> {
          String open = random.nextBoolean() ? "[" : "{a: ";
          int depth = random.nextInt(3000);
          lines.add(at, "x: " + open.repeat(depth));
        }
        default -> lines.set(at, line.replace("image", random.nextBoolean() ? "imag" : "<<"));
      }
      if (lines.isEmpty()) {
        lines.add("");
      }
    }
    byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    return random.nextInt(5) == 0 ? FuzzMutations.bytes(random, bytes) : bytes;
  }

  /** A random template from the characters interpolation cares about, resolved on its own. */
  private static void template(Random random) throws PackFailure {
    String alphabet = "${}:-+?$$AB_x1 /";
    StringBuilder template = new StringBuilder();
    for (int n = random.nextInt(40); n > 0; n--) {
      template.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    try {
      Interpolation.resolve(template.toString(), Map.of("A", "a", "B", ""), "t.yaml", "k");
    } catch (PackFailure e) {
      assertThat(e.getMessage()).startsWith("t.yaml: ");
    }
  }
}
