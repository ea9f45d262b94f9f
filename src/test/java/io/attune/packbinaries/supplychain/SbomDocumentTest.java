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
}
