package io.attune.packbinaries.image;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.io.Directories;
import io.attune.packbinaries.oci.Digest;
import io.attune.packbinaries.oci.ManifestFormat;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.oci.OciLayout;
import io.attune.packbinaries.platform.TargetTriple;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.FuzzMutations;
import io.attune.packbinaries.testing.ParserFuzz;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile jib tarballs, OCI and Docker: a JSON entry with damaged values (the manifest re-sealed
 * under its new digest so index.json still names it), an entry dropped or renamed, or the archive's
 * own bytes damaged. Each must import, or be refused with a PackFailure naming the tarball.
 */
class JibTarballFuzzTest {

  private static final int BASE_CASES = 60;
  private static final TargetTriple TARGET =
      TargetTriple.find("aarch64-unknown-linux-musl").orElseThrow();
  private static final byte[] CONFIG = bytes("{\"architecture\":\"arm64\"}");
  private static final byte[] LAYER = bytes("layer bytes");

  @TempDir Path temp;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String descriptor(String mediaType, byte[] content) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digest.sha256(content)
        + "\",\"size\":"
        + content.length
        + "}";
  }

  private static String blobName(byte[] content) {
    return "blobs/sha256/" + Digest.sha256(content).encoded();
  }

  private static Map<String, byte[]> oci(byte[] manifest) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("oci-layout", OciLayout.layoutContent());
    entries.put(blobName(CONFIG), CONFIG);
    entries.put(blobName(LAYER), LAYER);
    entries.put(blobName(manifest), manifest);
    entries.put(
        "index.json",
        bytes(
            "{\"schemaVersion\":2,\"manifests\":["
                + descriptor(MediaTypes.OCI_MANIFEST, manifest)
                + "]}"));
    return entries;
  }

  private static final byte[] MANIFEST =
      bytes(
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":"
              + descriptor(MediaTypes.OCI_CONFIG, CONFIG)
              + ",\"layers\":["
              + descriptor(MediaTypes.OCI_LAYER, LAYER)
              + "]}");

  private static Map<String, byte[]> docker() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("config.json", CONFIG);
    entries.put("abc.tar.gz", LAYER);
    entries.put(
        "manifest.json",
        bytes("[{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"abc.tar.gz\"]}]"));
    return entries;
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

  private void fuzz(long seed, Random random, int cases) throws Exception {
    ParserFuzz.run(
        "jib tarball",
        seed,
        random,
        cases,
        (r, i) -> {
          ManifestFormat format = r.nextBoolean() ? ManifestFormat.OCI : ManifestFormat.DOCKER;
          Path tarball = temp.resolve("case-" + i + ".tar");
          Path layoutRoot = temp.resolve("layout-" + i);
          Files.write(tarball, mutate(r, format));
          return () -> {
            try {
              JibTarball.importInto(tarball, OciLayout.createEmpty(layoutRoot), format, TARGET);
            } catch (PackFailure e) {
              ParserFuzz.requireNamed(e, tarball.toString());
            } finally {
              Files.delete(tarball);
              Directories.deleteRecursively(layoutRoot);
            }
          };
        });
  }

  private static byte[] mutate(Random random, ManifestFormat format) throws Exception {
    Map<String, byte[]> entries;
    if (format == ManifestFormat.OCI && random.nextBoolean()) {
      boolean json = random.nextBoolean();
      byte[] manifest =
          json ? FuzzMutations.json(random, MANIFEST) : FuzzMutations.bytes(random, MANIFEST);
      entries = oci(manifest);
    } else {
      entries = format == ManifestFormat.OCI ? oci(MANIFEST) : docker();
      List<String> names = new ArrayList<>(entries.keySet());
      String victim = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> entries.remove(victim);
        case 1 -> entries.put("../" + victim, entries.remove(victim));
        case 2 ->
            entries.put(
                victim,
                victim.endsWith(".json")
                    ? FuzzMutations.json(random, entries.get(victim))
                    : FuzzMutations.bytes(random, entries.get(victim)));
        default -> entries.put(victim, FuzzMutations.bytes(random, entries.get(victim)));
      }
    }
    byte[] tar = tar(entries);
    return random.nextInt(4) == 0 ? FuzzMutations.bytes(random, tar) : tar;
  }

  private static byte[] tar(Map<String, byte[]> entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
