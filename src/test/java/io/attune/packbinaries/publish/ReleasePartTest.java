package io.attune.packbinaries.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.BuildRecord;
import io.attune.packbinaries.artifacts.Crate;
import io.attune.packbinaries.oci.Descriptor;
import io.attune.packbinaries.oci.MediaTypes;
import io.attune.packbinaries.oci.OciIndex;
import io.attune.packbinaries.platform.Platform;
import io.attune.packbinaries.supplychain.SourceRevision;
import io.attune.packbinaries.supplychain.SupplyChainDocuments.ReleaseBinary;
import io.attune.packbinaries.testing.FuzzBudget;
import io.attune.packbinaries.testing.KeptFileFuzz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** part.json: written by one machine's push, read by the fan-in on another, strictly. */
class ReleasePartTest {

  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  /** A part as push -Dpack.push.part writes it. */
  static ReleasePart part(Path file, String platform, String triple, char hex, String commit) {
    return new ReleasePart(
        file,
        "127.0.0.1:5000/attune/pack-binaries-init",
        Platform.parse(platform),
        new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + String.valueOf(hex).repeat(64), 812),
        MediaTypes.OCI_INDEX,
        Map.of(
            "org.opencontainers.image.version", "1.2.0",
            "org.opencontainers.image.created", "2026-01-01T00:00:00Z"),
        Map.of(
            OciIndex.TARGET_ANNOTATION,
            triple,
            OciIndex.BASE_NAME,
            "127.0.0.1:5000/library/busybox:1.36"),
        new SourceRevision(commit, false),
        "io.attune:packs:1.2.0",
        Instant.parse("2026-01-01T00:00:00Z"),
        List.of(new ReleaseBinary("attune-core-timer-sensor", triple, "e".repeat(64), 4242, null)),
        new BuildRecord(
            "image attune/builder sha256:" + "b".repeat(64),
            Map.of(triple, "cargo build --release --target " + triple),
            List.of(
                new Crate("attune-core-timer-sensor", "0.1.0", null, null, List.of("libc")),
                new Crate(
                    "libc",
                    "0.2.1",
                    "registry+https://github.com/rust-lang/crates.io-index",
                    "c".repeat(64),
                    List.of()))));
  }

  private Path written() throws IOException {
    Path file = dir.resolve("part.json");
    part(file, "linux/arm64", "aarch64-unknown-linux-gnu", 'a', COMMIT).write(file);
    return file;
  }

  @Test
  void aPartReadsBackAsWritten() throws Exception {
    Path file = written();

    assertThat(ReleasePart.read(file))
        .isEqualTo(part(file, "linux/arm64", "aarch64-unknown-linux-gnu", 'a', COMMIT));
    assertThat(Files.readString(file)).contains("\"schema\" : \"" + ReleasePart.SCHEMA + "\"");
  }

  @Test
  void aPartOfSeveralPacksKeepsEachBinarysPackAndEachPacksCrates() throws Exception {
    Path file = dir.resolve("part.json");
    ReleasePart plain = part(file, "linux/amd64", "x86_64-unknown-linux-gnu", 'b', COMMIT);
    Crate extra = new Crate("extra-sensor", "0.1.0", null, null, List.of());
    ReleasePart packs =
        new ReleasePart(
            file,
            plain.repository(),
            plain.platform(),
            plain.manifest(),
            plain.indexMediaType(),
            plain.indexAnnotations(),
            plain.entryAnnotations(),
            plain.source(),
            plain.coordinates(),
            plain.timestamp(),
            List.of(
                new ReleaseBinary("sensor", "x86_64-unknown-linux-gnu", "e".repeat(64), 10, "core"),
                new ReleaseBinary(
                    "sensor", "x86_64-unknown-linux-gnu", "f".repeat(64), 11, "extra")),
            new BuildRecord(
                plain.build().builder(),
                plain.build().commands(),
                List.of(),
                List.of(
                    new BuildRecord.PackCrates("core", plain.build().crates()),
                    new BuildRecord.PackCrates("extra", List.of(extra)))));
    packs.write(file);

    assertThat(ReleasePart.read(file)).isEqualTo(packs);
    Files.writeString(file, Files.readString(file).replace("\"core\"", "\"../core\""));
    assertThatThrownBy(() -> ReleasePart.read(file))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("pack");
  }

  @Test
  void anUnknownFieldIsRefusedNamingTheFileAndTheField() throws Exception {
    Path file = written();
    Files.writeString(
        file, Files.readString(file).replace("\"commit\"", "\"extra\" : 1,\n\"commit\""));

    assertThatThrownBy(() -> ReleasePart.read(file))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown field \"extra\"");
  }

  @Test
  void eachFieldIsChecked() throws Exception {
    Path file = written();
    String good = Files.readString(file);
    Map<String, String> damages =
        Map.of(
            "\"schema\" : \"" + ReleasePart.SCHEMA,
            "\"schema\" : \"other.v9",
            "\"commit\" : \"" + COMMIT,
            "\"commit\" : \"HEAD",
            "\"platform\" : \"linux/arm64",
            "\"platform\" : \"arm64",
            "\"digest\" : \"sha256:",
            "\"digest\" : \"sha256:../",
            "\"target\" : \"aarch64",
            "\"target\" : \"sparc-aarch64",
            "\"size\" : 812",
            "\"size\" : -1",
            "\"timestamp\" : \"2026",
            "\"timestamp\" : \"x2026");
    Map<String, String> fields =
        Map.of(
            "\"schema\" : \"" + ReleasePart.SCHEMA,
            "schema",
            "\"commit\" : \"" + COMMIT,
            "commit",
            "\"platform\" : \"linux/arm64",
            "platform",
            "\"digest\" : \"sha256:",
            "manifest.digest",
            "\"target\" : \"aarch64",
            "binaries[].target",
            "\"size\" : 812",
            "manifest.size",
            "\"timestamp\" : \"2026",
            "timestamp");
    for (Map.Entry<String, String> damage : damages.entrySet()) {
      assertThat(good).contains(damage.getKey());
      Files.writeString(
          file,
          good.replaceFirst(java.util.regex.Pattern.quote(damage.getKey()), damage.getValue()));
      assertThatThrownBy(() -> ReleasePart.read(file))
          .as(damage.getValue())
          .isInstanceOf(PackFailure.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining(fields.get(damage.getKey()));
    }
  }

  @Test
  void aMissingFieldIsRefused() throws Exception {
    Path file = written();
    Files.writeString(file, Files.readString(file).replaceFirst("\"dirty\" : false,", ""));

    assertThatThrownBy(() -> ReleasePart.read(file))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("no dirty");
  }

  @Test
  void aFileOverTheBudgetIsRefusedUnread() throws Exception {
    Path file = dir.resolve("part.json");
    Files.write(file, new byte[(int) ReleasePart.MAX_BYTES + 1]);

    assertThatThrownBy(() -> ReleasePart.read(file))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("larger than " + ReleasePart.MAX_BYTES);
  }

  @Test
  void hostileCopiesAreReadOrRefused() throws Exception {
    KeptFileFuzz.run("part record", Files.readString(written()), dir, ReleasePartTest::readIt);
  }

  @Test
  @Tag(FuzzBudget.TAG)
  void hostileCopiesLongRun() throws Exception {
    KeptFileFuzz.longRun("part record", Files.readString(written()), dir, ReleasePartTest::readIt);
  }

  /** What the fan-in does with a part: read it, then use its fields. */
  private static void readIt(Path file) throws IOException {
    try {
      ReleasePart part = ReleasePart.read(file);
      part.version();
      part.build().lock().workspaceMembers();
      SplitRelease.indexBytes(List.of(part));
    } catch (PackFailure refused) {
      throw new IOException(refused.getMessage(), refused);
    }
  }
}
