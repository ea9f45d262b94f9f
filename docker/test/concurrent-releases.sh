#!/bin/sh
# Concurrent releases to ONE repository (issue 28), end to end with the installed plugin:
#
#  1. The packs release (packs/pom.xml, both targets, the local builder) is built once in a work
#     tree of its own (packs/, docker/distributable/, target/), and copied twice.
#  2. Three rounds, each with an image of its own (another project.build.outputTimestamp, so new
#     layers and manifests every round): six `pack-binaries:push` of different tags (and latest,
#     which the distributable compose file pulls) at once (two
#     from the work tree itself, in the same target/ dir, and two from each copy), and, as soon as
#     the per-arch manifests are in the registry, two `pack-binaries:index` fan-ins over them by
#     digest with tags of their own, while the pushes still run. Nothing may fail.
#     Every tag must then name a complete two-platform index; each index digest a tag names is
#     audited with `pack-binaries:audit -Dpack.image=REPO:TAG` (through one of its tags), and the
#     other tags must name an audited digest.
#  3. Two `mvn package` of one small crate at once in one working tree (the bench's std-only
#     crate): both succeed (one may wait for the build lock), the binaries match their .sha256
#     files, and a third run is a no-op that runs no builder (its log says both targets are up
#     to date; docker events would count other builds on this machine too).
#
# Needs the test environment (scripts/test-env.sh up; PACK_TEST_* exported) and the plugin
# installed (make plugin). MVN is the Maven command line (default: mvn -B -ntp).
set -eu

repo_dir=$(cd "$(dirname "$0")/../.." && pwd)
REGISTRY=${PACK_TEST_REGISTRY:?load the test environment: set -a; . "$(scripts/test-env.sh path)/env"}
BUILDER=${PACK_TEST_BUILDER_IMAGE:?}
BASE=${PACK_TEST_BASE_IMAGE:?}
MVN=${MVN:-mvn -B -ntp}
ROUNDS=${CONCURRENT_ROUNDS:-3}
TARGETS=x86_64-unknown-linux-gnu,aarch64-unknown-linux-gnu
PLUGIN_VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$repo_dir/pom.xml" | head -n 1)
PLUGIN=io.attune:pack-binaries-maven-plugin:$PLUGIN_VERSION
work=$(mktemp -d)
logs=$work/logs
mkdir -p "$logs"
started=$(date +%s)
pids=
# On a failure the other pushes of the round are still running: stop them (they are this script's
# own), then remove what they wrote.
# $pids holds only children not waited for yet, so none of its ids can name another process.
cleanup() {
    for entry in $pids; do
        pkill -TERM -P "${entry%%:*}" 2>/dev/null || true
        kill "${entry%%:*}" 2>/dev/null || true
    done
    for entry in $pids; do wait "${entry%%:*}" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say() { printf 'concurrent-releases: %s\n' "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }
failed_log() { tail -n 40 "$1" >&2; die "$2 (log above: $1)"; }

# The distributable compose file pulls ${ATTUNE_REGISTRY}/attune/pack-binaries-init; push checks it.
ATTUNE_REGISTRY=$REGISTRY/concurrent-$$-$started
export ATTUNE_REGISTRY
repo=$ATTUNE_REGISTRY/attune/pack-binaries-init

# packs_mvn TREE ARGS...: the packs POM of a work tree, with the local builder, both targets.
packs_mvn() {
    tree=$1; shift
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    $MVN -f "$tree/packs/pom.xml" "-Dpack.builder.image=$BUILDER" "-Dpack.image.base=$BASE" \
        "-Dpack.builder.command=cargo build --release --target {target}" "-Dpack.targets=$TARGETS" "$@"
}

# --- 1. the release, built once ----------------------------------------------------------------
tree=$work/tree
mkdir -p "$tree/docker"
cp -R "$repo_dir/packs" "$tree/packs"
rm -rf "$tree/packs/core/sensors"
cp -R "$repo_dir/docker/distributable" "$tree/docker/distributable"
say "building the packs release once (both targets) in $tree"
packs_mvn "$tree" package >"$logs/build.log" 2>&1 || failed_log "$logs/build.log" "the packs release did not build"

# copy_tree NAME: a copy of the work tree without cargo's target directory (push needs none of it).
copy_tree() {
    rm -rf "${work:?}/$1"
    mkdir -p "$work/$1/target/packs/pack-binaries"
    cp -R "$tree/packs" "$tree/docker" "$work/$1/"
    (cd "$tree/target/packs/pack-binaries" && find . -path ./.cargo-target -prune -o -type f -print) | while read -r f; do
        mkdir -p "$work/$1/target/packs/pack-binaries/$(dirname "$f")"
        cp -p "$tree/target/packs/pack-binaries/$f" "$work/$1/target/packs/pack-binaries/$f"
    done
}

# manifest_digests TREE: the per-arch manifest digests of the tree's OCI layout, one a line.
manifest_digests() {
    index=$1/target/packs/pack-binaries/image/layout/index.json
    blob=$(grep -o 'sha256:[0-9a-f]\{64\}' "$index" | head -n 1)
    grep -o '"digest" *: *"sha256:[0-9a-f]\{64\}"' "$1/target/packs/pack-binaries/image/layout/blobs/sha256/${blob#sha256:}" \
        | grep -o 'sha256:[0-9a-f]\{64\}' | sort -u
}

# wait_for_manifests DIGEST...: until the registry serves each (the pushes in $pids are uploading
# them); fails with a push's log once every push has ended without it.
wait_for_manifests() {
    for d in "$@"; do
        until skopeo inspect --raw --tls-verify=false "docker://$repo@$d" >/dev/null 2>&1; do
            running=
            for entry in $pids; do
                if kill -0 "${entry%%:*}" 2>/dev/null; then running=yes; fi
            done
            if [ -z "$running" ]; then
                skopeo inspect --raw --tls-verify=false "docker://$repo@$d" >/dev/null 2>&1 && break
                failed_log "$logs/${pids##*:}.log" "every push ended and manifest $d is not in $repo"
            fi
            sleep 0.5
        done
    done
}

: >"$work/tags"
round=1
while [ "$round" -le "$ROUNDS" ]; do
    # A new image each round: another file time in every layer, so new blobs and manifests.
    stamp=2026-11-0${round}T00:00:00Z
    say "round $round: image with outputTimestamp $stamp, six pushes and two fan-ins to $repo"
    packs_mvn "$tree" package "-Dproject.build.outputTimestamp=$stamp" >"$logs/image-$round.log" 2>&1 \
        || failed_log "$logs/image-$round.log" "round $round: the image goal failed"
    copy_tree copy-a
    copy_tree copy-b
    pids=
    for p in 1 2 3 4 5 6; do
        case $p in 1 | 2) from=$tree ;; 3 | 4) from=$work/copy-a ;; *) from=$work/copy-b ;; esac
        tag=r$round-push$p
        echo "$tag" >>"$work/tags"
        # Each also writes latest, as every release does (the distributable compose file's default
        # tag, which push checks): six writers of one tag at once besides six of their own.
        packs_mvn "$from" "$PLUGIN:push" "-Dpack.image=$repo" "-Dpack.image.tags=$tag,latest" \
            "-Dproject.build.outputTimestamp=$stamp" >"$logs/push-$round-$p.log" 2>&1 &
        pids="$pids $!:push-$round-$p"
    done
    # shellcheck disable=SC2046 # two digests, split on purpose
    set -- $(manifest_digests "$tree")
    [ $# -eq 2 ] || die "round $round: the layout's index names $# manifests, not 2"
    wait_for_manifests "$@"
    for f in 1 2; do
        tag=r$round-fanin$f
        echo "$tag" >>"$work/tags"
        mkdir -p "$work/fanin-$round-$f"
        # shellcheck disable=SC2086 # MVN is a command line, split on purpose
        (cd "$work/fanin-$round-$f" && $MVN "$PLUGIN:index" "-Dpack.image=$repo" "-Dpack.image.tags=$tag" \
            "-Dpack.index.images=$repo@$1,$repo@$2") >"$logs/fanin-$round-$f.log" 2>&1 &
        pids="$pids $!:fanin-$round-$f"
    done
    remaining=$pids
    for entry in $pids; do
        remaining=${remaining#" $entry"}
        if ! wait "${entry%%:*}"; then
            pids=$remaining
            failed_log "$logs/${entry#*:}.log" "round $round: ${entry#*:} failed"
        fi
    done
    pids=
    round=$((round + 1))
done

echo latest >>"$work/tags"
# Every tag: a complete index of two platforms; each digest audited once through one of its tags.
: >"$work/audited"
while read -r tag; do
    raw=$(skopeo inspect --raw --tls-verify=false "docker://$repo:$tag") || die "tag $tag is missing"
    digest=sha256:$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)
    platforms=$(printf '%s' "$raw" | grep -o '"architecture" *: *"[a-z0-9]*"' | sort | tr -d ' \n')
    [ "$platforms" = '"architecture":"amd64""architecture":"arm64"' ] \
        || die "tag $tag ($digest) is not an index of linux/amd64 and linux/arm64: $raw"
    grep -q "^$digest$" "$work/audited" && continue
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    (cd "$work" && $MVN "$PLUGIN:audit" "-Dpack.image=$repo:$tag") >"$logs/audit-$tag.log" 2>&1 \
        || failed_log "$logs/audit-$tag.log" "tag $tag ($digest) fails the audit"
    echo "$digest" >>"$work/audited"
    say "tag $tag: $digest audited"
done <"$work/tags"
say "$(wc -l <"$work/tags") tags, each a complete index; $(wc -l <"$work/audited") distinct indexes, each audited"

# --- 3. two builds of one project at once in one working tree ----------------------------------
crate=$work/small
cp -R "$repo_dir/bench/crates/small" "$crate"
small_mvn() {
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    $MVN -f "$repo_dir/bench/crates/pom.xml" -Dbench.crate=small "-Dbench.crate.dir=$crate" \
        "-Dbench.build.dir=$work/small-build" "-Dpack.builder.image=$BUILDER" "-Dpack.image.base=$BASE" \
        "-Dpack.builder.command=cargo build --release --target {target}" "-Dpack.targets=$TARGETS" "$@"
}
say "two mvn package of one crate at once in one working tree"
small_mvn package >"$logs/small-1.log" 2>&1 &
first=$!
small_mvn package >"$logs/small-2.log" 2>&1 &
second=$!
wait "$first" || failed_log "$logs/small-1.log" "the first of two builds at once failed"
wait "$second" || failed_log "$logs/small-2.log" "the second of two builds at once failed"
for target in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
    binary=$work/small-build/pack-binaries/$target/bench-small
    [ -f "$binary" ] || die "$binary is missing after two builds at once"
    [ "$(sha256sum "$binary" | cut -d' ' -f1)" = "$(cut -d' ' -f1 "$binary.sha256")" ] \
        || die "$binary does not match its .sha256 after two builds at once"
done
small_mvn package >"$logs/small-3.log" 2>&1 || failed_log "$logs/small-3.log" "the third build failed"
# Its own log, not docker events: other builds on this machine start builder containers too.
if grep -q '^\[INFO\] Building .* for .* in ' "$logs/small-3.log"; then
    failed_log "$logs/small-3.log" "the third build ran the builder again; the state the two left is not up to date"
fi
[ "$(grep -c ' is up to date (' "$logs/small-3.log")" -eq 2 ] \
    || failed_log "$logs/small-3.log" "the third build did not find both targets up to date"
waited=$(cat "$logs/small-1.log" "$logs/small-2.log" | grep -c 'Waiting for another build of this project' || true)
say "both builds passed ($waited wait(s) for the other's lock), binaries match their digests, and a third build ran no builder"

say "PASS in $(($(date +%s) - started)) s"
