package io.attune.packbinaries.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What of the invocation's properties a published provenance may hold. */
class RecordedPropertiesTest {

  @Test
  void onlyAllowedPropertiesAreRecordedAndEnvironmentsByTheirNames() {
    Map<String, String> recorded =
        RecordedProperties.of(
            Map.of(
                "pack.targets", "x86_64-unknown-linux-musl,aarch64-unknown-linux-musl",
                "pack.cargo.profile", "release",
                "pack.builder.image", "ghcr.io/rust-cross/cargo-zigbuild:0.19",
                "pack.builder.environment",
                    "CARGO_REGISTRIES_CORP_TOKEN=s3cret, SQLX_OFFLINE=true,x",
                "pack.sign.key", "/home/ci/cosign.key",
                "pack.sign.passphraseEnv", "COSIGN_PASSWORD",
                "pack.registry.token", "s3cret",
                "pack.outputDirectory", "/home/ci/target"));
    assertThat(recorded)
        .containsOnlyKeys(
            "pack.targets", "pack.cargo.profile", "pack.builder.image", "pack.builder.environment")
        .containsEntry("pack.builder.environment", "CARGO_REGISTRIES_CORP_TOKEN,SQLX_OFFLINE");
    assertThat(recorded.toString()).doesNotContain("s3cret");
  }

  @Test
  void aCommandKeepsItsShapeButNoValueThatCouldBeACredential() {
    assertThat(RecordedProperties.command("cargo zigbuild --release --target {target}"))
        .isEqualTo("cargo zigbuild --release --target {target}");
    assertThat(
            RecordedProperties.command(
                "cargo build --target=x86_64-unknown-linux-gnu --features=a,b --config"
                    + " registries.corp.token=T1 --config=http.proxy=http://u:T2@proxy"))
        .isEqualTo(
            "cargo build --target=x86_64-unknown-linux-gnu --features=a,b --config"
                + " registries.corp.token=[redacted] --config=[redacted]");
    assertThat(
            RecordedProperties.command(
                "env CARGO_REGISTRY_TOKEN=T3 cargo publish --token T4 --api-key=T5 --password"
                    + " T6 --index https://ci:T7@git.example.com/x --offline"))
        .isEqualTo(
            "env CARGO_REGISTRY_TOKEN=[redacted] cargo publish --token [redacted]"
                + " --api-key=[redacted] --password [redacted]"
                + " --index https://[redacted]@git.example.com/x --offline");
    assertThat(RecordedProperties.command("cargo build --config ./ci.toml"))
        .isEqualTo("cargo build --config [redacted]");
  }
}
