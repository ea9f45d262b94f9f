package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.artifacts.CargoLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SBOM as written is checked against the CycloneDX schema here, with the library's validator,
 * since a push no longer validates it (the schema costs more to load than the push's own work).
 */
class SbomDocumentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST = "sha256:" + "ab".repeat(32);

  private static byte[] timerSbom() throws Exception {
    CargoLock lock = CargoLock.read(Path.of("packs/core/Cargo.lock"));
    return SbomDocument.write(
        new SbomDocument.Subject(
            "registry.example.com/attune/pack-binaries-init",
            "linux/arm64",
            MANIFEST,
            "1.0",
            "registry.example.com/library/busybox:1.36",
            "sha256:" + "cd".repeat(32)),
        List.of(
            new SbomDocument.Binary(
                "attune-core-timer-sensor",
                "aarch64-unknown-linux-gnu",
                "ef".repeat(32),
                1234,
                SupplyChainDocuments.crates("attune-core-timer-sensor", lock))),
        "0.1.0",
        Instant.parse("2026-11-28T00:00:00Z"));
  }

  @Test
  void theTimerSensorsSbomValidatesAndListsItsCrates() throws Exception {
    byte[] sbom = timerSbom();
    SbomDocument.validate(sbom);
    JsonNode bom = JSON.readTree(sbom);
    List<String> purls = bom.path("components").findValuesAsText("purl");
    assertThat(purls).contains("pkg:cargo/attune-core-timer-sensor@0.1.0");
    assertThat(purls)
        .contains(
            "pkg:oci/busybox@sha256%3A"
                + "cd".repeat(32)
                + "?repository_url=registry.example.com/library/busybox");
    assertThat(bom.path("metadata").path("timestamp").asText()).isEqualTo("2026-11-28T00:00:00Z");
  }

  @Test
  void theSameInputsGiveTheSameBytes() throws Exception {
    assertThat(timerSbom()).isEqualTo(timerSbom());
  }

  @Test
  void aDocumentOutsideTheSchemaIsRefused() throws Exception {
    ObjectNode bom = (ObjectNode) JSON.readTree(timerSbom());
    ((ObjectNode) bom.path("components").path(0)).put("type", "not-a-component-type");
    byte[] broken = JSON.writeValueAsString(bom).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SbomDocument.validate(broken))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining("does not validate against the CycloneDX 1.6 schema");
  }

  @Test
  void twoPacksBinariesOfOneNameAreTwoComponentsEachWithItsPacksCrates() throws Exception {
    CargoLock core = CargoLock.read(Path.of("src/it/build-several-packs/core/Cargo.lock"));
    CargoLock extra = CargoLock.read(Path.of("src/it/build-several-packs/Cargo.lock"));
    CargoLock extraClosure =
        new CargoLock(
            extra.closure(
                extra.workspaceMembers().stream()
                    .filter(c -> c.name().equals("extra-sensor"))
                    .findFirst()
                    .orElseThrow()));
    byte[] sbom =
        SbomDocument.write(
            new SbomDocument.Subject(
                "registry.example.com/attune/pack-binaries-init",
                "linux/amd64",
                MANIFEST,
                "1.0",
                null,
                null),
            List.of(
                new SbomDocument.Binary(
                    "sensor",
                    "x86_64-unknown-linux-gnu",
                    "01".repeat(32),
                    10,
                    SupplyChainDocuments.crates("sensor", core),
                    "core"),
                new SbomDocument.Binary(
                    "sensor",
                    "x86_64-unknown-linux-gnu",
                    "02".repeat(32),
                    11,
                    SupplyChainDocuments.crates("sensor", extraClosure),
                    "extra")),
            "0.1.0",
            Instant.parse("2026-11-28T00:00:00Z"));

    SbomDocument.validate(sbom);
    JsonNode bom = JSON.readTree(sbom);
    assertThat(bom.path("components").findValuesAsText("bom-ref"))
        .contains(
            "binary:x86_64-unknown-linux-gnu/core/sensor",
            "binary:x86_64-unknown-linux-gnu/extra/sensor");
    assertThat(bom.path("components").findValuesAsText("purl"))
        .contains(
            "pkg:cargo/core-sensor@1.0.0",
            "pkg:cargo/extra-sensor@2.0.0",
            "pkg:cargo/sensor-common@0.1.0")
        .doesNotContain("pkg:cargo/agent@0.9.0", "pkg:cargo/agent-db@0.9.0");
    List<String> coreDependsOn = new java.util.ArrayList<>();
    for (JsonNode dependency : bom.path("dependencies")) {
      if (dependency.path("ref").asText().endsWith("/core/sensor")) {
        dependency.path("dependsOn").forEach(d -> coreDependsOn.add(d.asText()));
      }
    }
    assertThat(coreDependsOn).containsExactly("pkg:cargo/core-sensor@1.0.0");
  }
}
