package io.attune.packbinaries.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile OCI layouts: a valid two-platform layout with one of its files damaged (bytes or JSON
 * values), and the files that point at it re-sealed with the new digest, so the damage reaches
 * every level of the reader. Each must be read, or refused with a PackFailure naming the layout.
 */
class LayoutReaderFuzzTest {

  private static final int BASE_CASES = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  /** The seed layout's files by relative path. */
  private final Map<String, byte[]> seed = new LinkedHashMap<>();

  private String indexBlob;
  private final List<String> manifests = new ArrayList<>();
  private final List<String> leaves = new ArrayList<>();

  @BeforeEach
  void writeSeed() throws Exception {
    Path root = temp.resolve("seed");
    OciLayout layout = OciLayout.createEmpty(root);
    List<PlatformManifest> images = new ArrayList<>();
    for (String triple : List.of("x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl")) {
      Descriptor config =
          layout.addBlob(MediaTypes.OCI_CONFIG, ("{\"t\":\"" + triple + "\"}").getBytes());
      Descriptor layer = layout.addBlob(MediaTypes.OCI_LAYER, ("layer of " + triple).getBytes());
      Descriptor manifest =
          layout.addBlob(MediaTypes.OCI_MANIFEST, OciIndex.dockerManifest(config, List.of(layer)));
      images.add(
          new PlatformManifest(
              TargetTriple.find(triple).orElseThrow(), manifest, config, List.of(layer)));
      manifests.add(relative(manifest.digest()));
      leaves.add(relative(config.digest()));
      leaves.add(relative(layer.digest()));
    }
    Descriptor index =
        layout.addBlob(
            MediaTypes.OCI_INDEX,
            OciIndex.ofImages(ManifestFormat.OCI, images, Map.of(), "r.example/busybox:1"));
    layout.writeIndex(OciIndex.layoutIndex(index, null, "1.0.0"));
    indexBlob = relative(index.digest());
    try (var files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        seed.put(root.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
  }

  private static String relative(String digest) {
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

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

  private void fuzz(long seedValue, Random random, int cases) throws Exception {
    ParserFuzz.run(
        "oci layout",
        seedValue,
        random,
        cases,
        (r, i) -> {
          Path root = temp.resolve("case-" + i);
          write(root, mutate(r));
          return () -> {
            try {
              new LayoutReader().read(root);
            } catch (PackFailure e) {
              ParserFuzz.requireNamed(e, root.toString());
            } finally {
              Directories.deleteRecursively(root);
            }
          };
        });
  }

  /** The seed with one file damaged and the files above it re-sealed to its new digest. */
  private Map<String, byte[]> mutate(Random random) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(seed);
    int level = random.nextInt(4);
    String victim =
        switch (level) {
          case 0 -> "index.json";
          case 1 -> indexBlob;
          case 2 -> manifests.get(random.nextInt(manifests.size()));
          default -> leaves.get(random.nextInt(leaves.size()));
        };
    byte[] damaged =
        level < 3 && random.nextBoolean()
            ? FuzzMutations.json(random, files.get(victim))
            : FuzzMutations.bytes(random, files.get(victim));
    if (level == 0 || random.nextInt(5) == 0) {
      files.put(victim, damaged);
      return files;
    }
    // Re-seal: the damaged file under its own digest, and each parent naming it, up to index.json.
    String sealed = seal(files, victim, damaged);
    if (level >= 2) {
      String parent = level == 3 ? manifestNaming(files, victim) : indexBlob;
      byte[] updated = renamed(files.get(parent), victim, sealed, damaged.length);
      String newParent = seal(files, parent, updated);
      if (level == 3) {
        byte[] index = renamed(files.get(indexBlob), parent, newParent, updated.length);
        sealed = seal(files, indexBlob, index);
        files.put("index.json", renamed(files.get("index.json"), indexBlob, sealed, index.length));
        return files;
      }
      victim = indexBlob;
      sealed = newParent;
      damaged = updated;
    }
    files.put("index.json", renamed(files.get("index.json"), victim, sealed, damaged.length));
    return files;
  }

  private String manifestNaming(Map<String, byte[]> files, String leaf) {
    String digest = "sha256:" + leaf.substring("blobs/sha256/".length());
    return manifests.stream()
        .filter(m -> new String(files.get(m)).contains(digest))
        .findFirst()
        .orElseThrow();
  }

  private static String seal(Map<String, byte[]> files, String old, byte[] content) {
    files.remove(old);
    String name = relative(Digest.sha256(content).toString());
    files.put(name, content);
    return name;
  }

  /** The JSON document with every descriptor of {@code from} pointing at {@code to} instead. */
  private static byte[] renamed(byte[] document, String from, String to, long size)
      throws Exception {
    String fromDigest = "sha256:" + from.substring("blobs/sha256/".length());
    String toDigest = "sha256:" + to.substring("blobs/sha256/".length());
    JsonNode root = JSON.readTree(document);
    redirect(root, fromDigest, toDigest, size);
    return JSON.writeValueAsBytes(root);
  }

  private static void redirect(JsonNode node, String from, String to, long size) {
    if (node instanceof ObjectNode object && from.equals(object.path("digest").asText())) {
      object.put("digest", to);
      object.put("size", size);
    }
    node.forEach(child -> redirect(child, from, to, size));
  }

  private static void write(Path root, Map<String, byte[]> files) throws Exception {
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.write(path, file.getValue());
    }
  }
}
