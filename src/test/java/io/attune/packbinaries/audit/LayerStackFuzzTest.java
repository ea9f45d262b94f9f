package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.io.Sha256;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.TestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test of the audit's layer stacking against a real extractor: seeded stacks of
 * layers (hard links before and after their targets, symbolic links to files and of parents,
 * whiteouts, opaque directories, duplicates), each written as an OCI image layout and unpacked by
 * {@code umoci unpack --rootless}. The audit's path → sha256 map under {@code /pack-binaries/} must
 * equal the regular files umoci extracted there, or the audit must refuse the image. The audit's
 * own layer logic (LayerScanner feeding PlatformFiles, as ImageAudit feeds them) runs on the same
 * layer bytes.
 */
class LayerStackFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF = "t";

  /**
   * Names drawn from a few, so that entries collide: duplicates, links to what exists. Directories
   * and leaves mostly keep to their own names (a file where a later entry needs a directory fails
   * the extraction, which tells nothing); now and then they swap.
   */
  private static final List<String> DIRECTORIES =
      List.of("pack-binaries", "pack-binaries/a", "pack-binaries/d", "opt", "opt/x");

  private static final List<String> LEAVES =
      List.of(
          "pack-binaries/f",
          "pack-binaries/a/b",
          "pack-binaries/a/c",
          "pack-binaries/d/e",
          "opt/y",
          "opt/x/a");

  private static final List<String> LINK_TARGETS =
      List.of(
          "/pack-binaries/a",
          "../pack-binaries",
          "pack-binaries/d",
          "/opt",
          "x",
          "/opt/x",
          "b",
          "/",
          "..",
          "/opt/y");

  @TempDir Path temp;

  private record Outcome(String kind, String detail) {}

  @Test
  void theAuditAgreesWithUmociOrRefusesOnAFixedSeed() throws Exception {
    run(FuzzBudget.fixedRandom(), 200, FuzzBudget.FIXED_SEED);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void theAuditAgreesWithUmociOrRefusesOnAFreshSeed() throws Exception {
    long seed = FuzzBudget.seed();
    run(FuzzBudget.random(seed), FuzzBudget.cases(30), seed);
  }

  private void run(Random random, int cases, long seed) throws Exception {
    TestEnvironment.requireTool("umoci");
    Map<String, Integer> counts = new TreeMap<>();
    List<String> disagreements = new ArrayList<>();
    Duration slowest = Duration.ZERO;
    for (int i = 0; i < cases; i++) {
      long start = System.nanoTime();
      List<byte[]> layers = stack(random);
      Outcome outcome = compare(layers, i);
      counts.merge(outcome.kind(), 1, Integer::sum);
      if (Boolean.getBoolean("pack.fuzz.verbose")) {
        System.out.println(
            "case " + i + " " + outcome.kind() + ": " + outcome.detail().replace('\n', ' '));
      }
      if (outcome.kind().equals("disagree")) {
        disagreements.add("case " + i + ": " + outcome.detail());
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      slowest = took.compareTo(slowest) > 0 ? took : slowest;
    }
    System.out.println(
        FuzzBudget.summary("layer stacks vs umoci", cases, disagreements.size(), slowest, seed)
            + " "
            + counts);
    assertThat(disagreements).isEmpty();
    // The generator must reach the interesting places, not only refusals.
    assertThat(counts.getOrDefault("agree", 0)).isGreaterThan(cases / 6);
  }

  /** One to four layers of one to six entries each. */
  private static List<byte[]> stack(Random random) throws IOException {
    List<byte[]> layers = new ArrayList<>();
    List<String> files = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    for (int l = 0; l < count; l++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        int entries = 1 + random.nextInt(6);
        for (int e = 0; e < entries; e++) {
          entry(tar, random, files);
        }
      }
      layers.add(bytes.toByteArray());
    }
    return layers;
  }

  /** One entry; hard links mostly name a file written before (in this layer or below). */
  private static void entry(TarArchiveOutputStream tar, Random random, List<String> files)
      throws IOException {
    int kind = random.nextInt(20);
    boolean directoryName =
        (kind < 3 || kind >= 18 || (kind >= 15 && random.nextBoolean()))
            != (random.nextInt(15) == 0);
    List<String> names = directoryName ? DIRECTORIES : LEAVES;
    String path = names.get(random.nextInt(names.size()));
    TarArchiveEntry entry;
    byte[] content = new byte[0];
    switch (kind) {
      case 0, 1, 2 -> {
        entry = new TarArchiveEntry(path + "/", TarArchiveEntry.LF_DIR);
        entry.setMode(040755);
      }
      case 3, 4, 5, 6, 7, 8, 9 -> {
        entry = new TarArchiveEntry(path, TarArchiveEntry.LF_NORMAL);
        content = new byte[8 + random.nextInt(8)];
        random.nextBytes(content);
        content[0] = 0x7f;
        content[1] = 'E';
        content[2] = 'L';
        content[3] = 'F';
        entry.setSize(content.length);
        entry.setMode(0100755);
        files.add(path);
      }
      case 10, 11, 12 -> {
        entry = new TarArchiveEntry(path, TarArchiveEntry.LF_LINK);
        List<String> all =
            !files.isEmpty() && random.nextInt(20) > 0
                ? files
                : random.nextBoolean() ? LEAVES : DIRECTORIES;
        String target = all.get(random.nextInt(all.size()));
        if (target.equals(path) && random.nextInt(10) > 0) {
          // A link to itself never extracts; now and then is enough.
          target = all.get(random.nextInt(all.size()));
        }
        entry.setLinkName(target);
      }
      case 13, 14 -> {
        entry = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
        entry.setLinkName(LINK_TARGETS.get(random.nextInt(LINK_TARGETS.size())));
      }
      case 15, 16, 17 -> {
        int slash = path.lastIndexOf('/');
        String whiteout =
            slash < 0
                ? ".wh." + path
                : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        entry = new TarArchiveEntry(whiteout, TarArchiveEntry.LF_NORMAL);
        entry.setMode(0100644);
      }
      default -> {
        entry = new TarArchiveEntry(path + "/.wh..wh..opq", TarArchiveEntry.LF_NORMAL);
        entry.setMode(0100644);
      }
    }
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private Outcome compare(List<byte[]> layers, int n) throws Exception {
    Map<String, String> audit;
    String refusal = null;
    try {
      audit = audit(layers);
    } catch (PackFailure e) {
      audit = null;
      refusal = e.getMessage();
    }
    Path work = Files.createDirectories(temp.resolve("case-" + n));
    try {
      Path layout = layout(layers, work.resolve("layout"));
      Path bundle = work.resolve("bundle");
      Process umoci =
          new ProcessBuilder(
                  "umoci", "unpack", "--rootless", "--image", layout + ":" + REF, bundle.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(umoci.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!umoci.waitFor(60, TimeUnit.SECONDS)) {
        umoci.destroyForcibly();
        throw new IllegalStateException("umoci did not finish in 60 s");
      }
      if (umoci.exitValue() != 0) {
        // No host extracts this image; whatever the audit says, nothing runs.
        return new Outcome(
            audit == null ? "both refuse" : "umoci refuses", output + " " + describe(layers));
      }
      if (audit == null) {
        return new Outcome("audit refuses", refusal);
      }
      Map<String, String> extracted = extracted(bundle.resolve("rootfs"));
      if (audit.values().stream().anyMatch(v -> v == null)) {
        // An unreadable file (a hard link out of /pack-binaries/) fails the audit.
        return new Outcome("audit fails a file", audit.toString());
      }
      return audit.equals(extracted)
          ? new Outcome("agree", "")
          : new Outcome(
              "disagree",
              "audit " + audit + ", umoci " + extracted + ", layers " + describe(layers));
    } finally {
      makeWritable(work);
      Directories.deleteRecursively(work);
    }
  }

  /** The audit's own layer logic on these layers: path → sha256 of what it reads there. */
  private Map<String, String> audit(List<byte[]> layers) throws Exception {
    AuditLimits limits = AuditLimits.DEFAULT;
    Path scratch = Files.createDirectories(temp.resolve("scratch"));
    LayerScanner scanner = new LayerScanner(limits, scratch, new AuditBudget(limits));
    BinaryInspector inspector =
        new BinaryInspector(
            new Platform("linux", "amd64", null),
            TargetTriple.find("x86_64-unknown-linux-musl").orElseThrow(),
            Map.of());
    PlatformFiles files = new PlatformFiles(limits.maxEntries());
    for (int i = 0; i < layers.size(); i++) {
      String digest = "sha256:" + Sha256.of(layers.get(i));
      String where = "layer " + (i + 1);
      files.beginLayer(digest, where);
      scanner.scan(new ByteArrayInputStream(layers.get(i)), digest, where, inspector, files::apply);
    }
    Map<String, String> map = new TreeMap<>();
    files.binaries().forEach(b -> map.put(b.path(), b.sha256()));
    files.skipped().forEach((path, reason) -> map.put(path, "skipped: " + reason));
    return map;
  }

  /** Regular files under rootfs/pack-binaries as umoci left them; anything else is named. */
  private static Map<String, String> extracted(Path rootfs) throws IOException {
    Map<String, String> map = new TreeMap<>();
    Path root = rootfs.resolve("pack-binaries");
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return map;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      map.put("/pack-binaries", "not a directory");
      return map;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String path = "/" + rootfs.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          map.put(path, "symbolic link");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          map.put(path, Sha256.of(p));
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          map.put(path, "skipped: not a regular file");
        }
      }
    }
    return map;
  }

  /** The layers as an OCI image layout with one manifest, tagged {@link #REF}. */
  private static Path layout(List<byte[]> layers, Path directory) throws IOException {
    Path blobs = Files.createDirectories(directory.resolve("blobs/sha256"));
    Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ObjectNode manifest =
        JSON.createObjectNode()
            .put("schemaVersion", 2)
            .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layerArray = manifest.putArray("layers");
    for (byte[] layer : layers) {
      String digest = blob(blobs, layer);
      diffIds.add(digest);
      layerArray
          .addObject()
          .put("mediaType", "application/vnd.oci.image.layer.v1.tar")
          .put("digest", digest)
          .put("size", layer.length);
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    manifest
        .putObject("config")
        .put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", blob(blobs, configBytes))
        .put("size", configBytes.length);
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    index
        .putArray("manifests")
        .addObject()
        .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
        .put("digest", blob(blobs, manifestBytes))
        .put("size", manifestBytes.length)
        .putObject("annotations")
        .put("org.opencontainers.image.ref.name", REF);
    Files.write(directory.resolve("index.json"), JSON.writeValueAsBytes(index));
    return directory;
  }

  private static String blob(Path blobs, byte[] content) throws IOException {
    String hex = Sha256.of(content);
    Files.write(blobs.resolve(hex), content);
    return "sha256:" + hex;
  }

  private static String describe(List<byte[]> layers) throws IOException {
    List<String> described = new ArrayList<>();
    for (byte[] layer : layers) {
      List<String> entries = new ArrayList<>();
      try (var tar =
          new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
              new ByteArrayInputStream(layer))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          String type =
              entry.isDirectory()
                  ? "dir"
                  : entry.isLink()
                      ? "link->" + entry.getLinkName()
                      : entry.isSymbolicLink()
                          ? "symlink->" + entry.getLinkName()
                          : "file:" + Sha256.of(tar.readAllBytes()).substring(0, 8);
          entries.add(entry.getName() + " " + type);
        }
      }
      described.add(entries.toString());
    }
    return described.toString();
  }

  private static void makeWritable(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> all = Files.walk(directory)) {
      all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> p.toFile().setWritable(true, true));
    }
  }
}
