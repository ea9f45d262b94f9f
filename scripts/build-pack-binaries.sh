#!/bin/sh
# Builds the core pack's sensor static for one target with the packs/ Maven build, then prints the
# verify goal's verdict. A thin wrapper: Maven and the plugin do the work (build, verify, image);
# this only picks the builder options, the same ones as `make pack-binaries`.
#
# Usage: [RUST_TARGET=TRIPLE[,TRIPLE…]] [PACK_BUILDER=zigbuild|local] \
#            scripts/build-pack-binaries.sh [more Maven arguments]
#   RUST_TARGET   default x86_64-unknown-linux-musl
#   PACK_BUILDER  zigbuild: the plugin's default builder, the public cargo-zigbuild image (musl);
#                 local: the Debian builder image `make test-env` makes offline (-gnu triples,
#                 +crt-static) and its local busybox base.
#                 Default: zigbuild for a -musl target, local otherwise.
#   MVN           default "mvn -B -ntp"
#
# The plugin must be installed (`make plugin`); outputs go to target/packs/pack-binaries/, the
# sensor built for this machine's CPU is staged in packs/core/sensors/.
set -eu

cd "$(dirname "$0")/.."

RUST_TARGET=${RUST_TARGET:-x86_64-unknown-linux-musl}
case $RUST_TARGET in
    *-musl*) default_builder=zigbuild ;;
    *) default_builder=local ;;
esac
PACK_BUILDER=${PACK_BUILDER:-$default_builder}
MVN=${MVN:-mvn -B -ntp}
report=target/packs/pack-binaries/verify-report.json

say() { printf 'build-pack-binaries: %s\n' "$*"; }
die() { say "$*" >&2; exit 2; }

case $PACK_BUILDER in
    zigbuild) set -- "$@" ;;
    local)
        case $RUST_TARGET in
            *-musl*) die "the local builder has no Rust std for musl: use a -gnu triple, e.g. RUST_TARGET=${RUST_TARGET%%-*}-unknown-linux-gnu, or PACK_BUILDER=zigbuild" ;;
        esac
        # The builder and base images the test environment made (scripts/test-env.sh env).
        if [ -z "${PACK_TEST_BUILDER_IMAGE:-}" ] || [ -z "${PACK_TEST_BASE_IMAGE:-}" ]; then
            env_file="$(scripts/test-env.sh path)/env"
            [ -f "$env_file" ] || die "no local builder image yet: run make test-env first, or PACK_BUILDER=zigbuild"
            set -a
            # shellcheck disable=SC1090 # written by scripts/test-env.sh
            . "$env_file"
            set +a
        fi
        set -- "-Dpack.builder.image=$PACK_TEST_BUILDER_IMAGE" \
            "-Dpack.builder.command=cargo build --release --target {target}" \
            "-Dpack.image.base=$PACK_TEST_BASE_IMAGE" "$@"
        ;;
    *) die "PACK_BUILDER is '$PACK_BUILDER'; set it to zigbuild or local" ;;
esac

say "$RUST_TARGET with the $PACK_BUILDER builder"
rm -f "$report"
status=0
# shellcheck disable=SC2086 # MVN is a command with its options
$MVN -f packs/pom.xml package "-Dpack.targets=$RUST_TARGET" "$@" || status=$?

# The verify goal's verdicts, one line per binary, from its report (written even when one fails).
if [ -f "$report" ]; then
    awk -F'"' '
        /"path" :/ { path = $4 }
        /"target" :/ { target = $4 }
        /"verdict" :/ { verdict = $4 }
        /"machine" :/ { machine = $4 }
        /"reasons" : \[ "/ { reason = $4 }
        /^  }/ {
            if (verdict != "") {
                printf "build-pack-binaries: verdict %s: %s (%s, %s)%s\n", verdict, path, target, machine, (reason == "" ? "" : ": " reason)
            }
            verdict = ""; reason = ""
        }
    ' "$report"
else
    say "no verify report: the build stopped before the verify goal (see above)"
fi
exit "$status"
