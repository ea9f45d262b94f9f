#!/usr/bin/env bats
# Tests for scripts/build-pack-binaries.sh, run for real: the packs/ Maven build in the builder
# container, the plugin from the local Maven repository (make plugin), the test environment's
# builder and base images. Without Docker or that environment each test skips, unless CI=true,
# where it fails.
#
# bats' `run` sets $status and $output inside each test; shellcheck treats the tests as
# subshells and flags every use of them, hence:
# shellcheck disable=SC2030,SC2031

setup_file() {
    REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
    SCRIPT="$REPO/scripts/build-pack-binaries.sh"
    export REPO SCRIPT
}

# needs TOOL…: skip (fail under CI=true) when a tool or the test environment is missing.
needs() {
    local missing=
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
    done
    docker info >/dev/null 2>&1 || missing="$missing docker-engine"
    [ -n "${PACK_TEST_BUILDER_IMAGE:-}" ] || missing="$missing test-env (PACK_TEST_BUILDER_IMAGE)"
    if [ -n "$missing" ]; then
        [ "${CI:-}" = true ] && { echo "missing:$missing (required when CI=true)"; return 1; }
        skip "missing:$missing"
    fi
}

# e_machine of an ELF file: 62 x86-64, 183 aarch64.
e_machine() {
    od -An -tu2 -j18 -N2 "$1" | tr -d ' '
}

@test "shellcheck: the script is clean" {
    needs shellcheck
    run shellcheck "$SCRIPT"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "RUST_TARGET=aarch64-unknown-linux-gnu builds a static aarch64 sensor and prints the verdict" {
    needs mvn
    # As the site's Attune release page writes it (src/site/markdown/attune-release.md).
    run env RUST_TARGET=aarch64-unknown-linux-gnu "$SCRIPT"
    echo "$output"
    [ "$status" -eq 0 ]
    binary="$REPO/target/packs/pack-binaries/aarch64-unknown-linux-gnu/attune-core-timer-sensor"
    [[ "$output" == *"build-pack-binaries: aarch64-unknown-linux-gnu with the local builder"* ]]
    [[ "$output" == *"build-pack-binaries: verdict pass: $binary (aarch64-unknown-linux-gnu, aarch64)"* ]]
    [ "$(e_machine "$binary")" = 183 ]
}

@test "a dynamic build fails and the verdict says why" {
    needs mvn git
    # In a copy of the repository's files, so the dynamic binary stays out of this tree.
    copy="$BATS_TEST_TMPDIR/repo"
    "$REPO/scripts/test/fresh-copy.sh" "$copy"
    # The builder image sets RUSTFLAGS=+crt-static; emptying it gives glibc's dynamic binary.
    run env RUST_TARGET=x86_64-unknown-linux-gnu "$copy/scripts/build-pack-binaries.sh" -o \
        '-Dpack.builder.environment=RUSTFLAGS='
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"build-pack-binaries: verdict fail: $copy/target/packs/pack-binaries/x86_64-unknown-linux-gnu/attune-core-timer-sensor (x86_64-unknown-linux-gnu, x86-64): "*"dynamically linked"* ]]
    [[ "$output" == *"BUILD FAILURE"* ]]
}

@test "the default target is x86_64-unknown-linux-musl with the zigbuild builder" {
    needs mvn
    run "$SCRIPT" -o
    echo "$output"
    [[ "$output" == *"build-pack-binaries: x86_64-unknown-linux-musl with the zigbuild builder"* ]]
    if [ "$status" -eq 0 ]; then
        # Where the public image can be had: a static x86-64 musl sensor.
        [[ "$output" == *"verdict pass: "*"x86_64-unknown-linux-musl/attune-core-timer-sensor (x86_64-unknown-linux-musl, x86_64)"* ]]
    else
        # Here it can't: the plugin says so before building, naming the image.
        [[ "$output" == *"The builder image ghcr.io/rust-cross/cargo-zigbuild:"*"is not on this machine"* ]]
        [[ "$output" == *"no verify report"* ]]
    fi
}

@test "the local builder refuses a musl target before running Maven" {
    run env RUST_TARGET=aarch64-unknown-linux-musl PACK_BUILDER=local MVN=false "$SCRIPT"
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *"the local builder has no Rust std for musl: use a -gnu triple, e.g. RUST_TARGET=aarch64-unknown-linux-gnu, or PACK_BUILDER=zigbuild"* ]]
}

@test "an unknown PACK_BUILDER is refused" {
    run env PACK_BUILDER=cross MVN=false "$SCRIPT"
    [ "$status" -eq 2 ]
    [[ "$output" == *"PACK_BUILDER is 'cross'; set it to zigbuild or local"* ]]
}
