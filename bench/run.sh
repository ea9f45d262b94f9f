#!/bin/sh
# `make bench`: the plugin against the Dockerfile pipeline it replaces, on the same crates, the
# same Debian builder image and the same local registry, side by side in one run. Each scenario
# runs BENCH_RUNS times (default 3); the table gives min / median / max, and ratios of medians.
#
# Scenarios (BENCH_SCENARIOS, a space-separated subset; default all three):
#   sensor  the core pack's sensor (cargo about 18 s): package cold, warm and unchanged, the image
#           and push goals alone, the release (mvn deploy) from scratch and unchanged, against
#           bench/baseline.Dockerfile from scratch and cached
#   small   bench/crates/small, std only (cargo about 1 s per target), so the plugin's fixed costs
#           show: the release from scratch and unchanged against bench/crate.Dockerfile from
#           scratch and cached
#   deps    bench/crates/deps (serde, serde_json, regex, chrono from Debian's crate sources): the
#           everyday release, warm, after a one-line change, against bench/crate-cache.Dockerfile
#           (BuildKit, cargo's target/ in a cache mount) after the same change
# e.g. BENCH_RUNS=1 BENCH_SCENARIOS="small deps" make bench
#
# Needs the test environment (make test-env) and the plugin installed (make plugin). MVN is the
# Maven command line, as in the Makefile (e.g. with -Dmaven.repo.local=… for a separate local
# repository). Writes target/bench/results.md and target/bench/results.json.
set -eu

cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
SCENARIOS=${BENCH_SCENARIOS:-sensor small deps}
for scenario in $SCENARIOS; do
    case $scenario in
        sensor | small | deps) ;;
        *) echo "bench: unknown scenario '$scenario' in BENCH_SCENARIOS; known: sensor small deps" >&2; exit 2 ;;
    esac
done
REGISTRY=${PACK_TEST_REGISTRY:?run through make bench, which loads the test environment}
BUILDER=${PACK_TEST_BUILDER_IMAGE:?}
BASE=${PACK_TEST_BASE_IMAGE:?}
TARGETS=x86_64-unknown-linux-gnu,aarch64-unknown-linux-gnu
OUT=target/bench
LOGS=$OUT/logs
PLUGIN_VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
PLUGIN=io.attune:pack-binaries-maven-plugin:$PLUGIN_VERSION
MVN=${MVN:-mvn -B -ntp}
# The product's release build with the Debian builder, for both targets.
packs_mvn() {
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    $MVN -f packs/pom.xml "-Dpack.builder.image=$BUILDER" "-Dpack.image.base=$BASE" \
        "-Dpack.builder.command=cargo build --release --target {target}" "-Dpack.targets=$TARGETS" "$@"
}
# The release build of a copy of one of bench/crates/ (CRATE ARGS...), with the same builder
# options; its outputs (cargo's target directory too) stay in $OUT/build/CRATE between builds.
crate_mvn() {
    crate=$1; shift
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    $MVN -f bench/crates/pom.xml "-Dbench.crate=$crate" "-Dbench.crate.dir=$PWD/$WORK/$crate/crate" \
        "-Dbench.build.dir=$PWD/$OUT/build/$crate" "-Dpack.builder.image=$BUILDER" "-Dpack.image.base=$BASE" \
        "-Dpack.builder.command=cargo build --release --target {target}" "-Dpack.targets=$TARGETS" "$@"
}
WORK=$OUT/work
rm -rf "$OUT"; mkdir -p "$LOGS"
: >"$OUT/samples.tsv"

log() { printf 'bench: %s\n' "$*" >&2; }
wanted() { case " $SCENARIOS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
now_ms() { date +%s%3N; }
lo_bytes() { awk '$1 == "lo:" { print $2 }' /proc/net/dev; }

# sample SCENARIO METRIC VALUE
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/samples.tsv"; }

# timed NAME LOG COMMAND...: runs it, records wall seconds and loopback bytes; fails loudly.
timed() {
    name=$1 logfile=$2; shift 2
    lo_before=$(lo_bytes); t0=$(now_ms)
    if ! "$@" >"$logfile" 2>&1; then
        tail -n 40 "$logfile" >&2
        log "FAILED: $name (log: $logfile)"; exit 1
    fi
    WALL=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
    LO=$(($(lo_bytes) - lo_before))
    sample "$name" wall_s "$WALL"
}

# Seconds cargo itself spent, from its "Finished ... in Xs" lines: summed over the targets, as the
# Dockerfile pipeline runs them one after the other; the longest, for the plugin's log (its build
# goal runs every target's cargo at once).
cargo_seconds() {
    case $1 in
        */baseline-* | */*-baseline-*) combine=sum ;;
        *) combine=max ;;
    esac
    # docker build colours cargo's stderr, sometimes inside the line ("Finished<ESC>[0m<ESC>[91m").
    sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -o 'Finished .* in [0-9.]*m\{0,1\} \{0,1\}[0-9.]*s' | awk -v combine="$combine" '
        { t = $NF; sub(/s$/, "", t); m = 0
          if ($(NF-1) ~ /m$/) { m = $(NF-1); sub(/m$/, "", m) }
          s = m * 60 + t; total += s; if (s > longest) longest = s }
        END { printf "%.2f", (combine == "max" ? longest : total) + 0 }'
}

# In-JVM seconds of each goal, from the "<goal> took N ms" line it logs: samples GOAL_s.
goal_times() { # SCENARIO LOG
    sed -n 's/^\[INFO\] \([a-z]*\) took \([0-9]*\) ms$/\1 \2/p' "$2" | while read -r goal ms; do
        sample "$1" "${goal}_s" "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    done
    # The push's parts: publishing the image (blobs, manifests, tags), and the audit after it.
    sed -n 's/.* published in \([0-9]*\) ms, besides the work before the tags$/\1/p' "$2" | while read -r ms; do
        sample "$1" publish_s "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    done
    sed -n -e 's/^\[INFO\] Audited .* (\([0-9]*\) ms); report .*/\1/p' \
        -e 's/^\[INFO\] Image audited in \([0-9]*\) ms$/\1/p' "$2" | while read -r ms; do
        sample "$1" audit_s "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    done
    # The supply chain's share of the push (SBOM and provenance; signatures when a key is given).
    sed -n 's/^\[INFO\] Supply chain records attached in \([0-9]*\) ms.*/\1/p' "$2" | while read -r ms; do
        sample "$1" supplychain_s "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    done
}

# Build containers (the plugin names them pack-binaries-build-*) started since a time.
containers_started_since() {
    docker events --since "$1" --until "$(date +%s)" --filter type=container --filter event=start \
        --format '{{.Actor.Attributes.name}}' | grep -c '^pack-binaries-build-' || true
}

cargo_cache_volumes() { docker volume ls -q | grep '^pack-binaries-cargo' || true; }
# A volume another build on this machine is using stays (the sensor is std-only: the cache holds
# no crates it needs, so cargo's time does not depend on it).
drop_cargo_caches() {
    for volume in $(cargo_cache_volumes); do
        docker volume rm -f "$volume" >/dev/null 2>&1 || log "cargo cache $volume is in use; kept"
    done
}

# Loopback throughput to the registry: one 256 MiB blob upload, the floor for any push.
measure_loopback() {
    blob=$OUT/throughput.bin
    head -c $((256 * 1024 * 1024)) /dev/urandom >"$blob"
    digest=sha256:$(sha256sum "$blob" | cut -d' ' -f1)
    location=$(curl -fsS -X POST -D - -o /dev/null "http://$REGISTRY/v2/bench/throughput/blobs/uploads/" \
        | tr -d '\r' | awk -F': ' 'tolower($1) == "location" { print $2 }')
    case "$location" in http*) ;; *) location="http://$REGISTRY$location" ;; esac
    t0=$(now_ms)
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$blob" \
        "$location&digest=$digest" -o /dev/null
    ms=$(($(now_ms) - t0))
    rm -f "$blob"
    sample loopback mb_per_s "$(awk -v ms="$ms" 'BEGIN { printf "%.1f", 256 / (ms / 1000) }')"
}

# The Dockerfile pipeline: docker build per architecture, docker push each, docker manifest.
# pipeline BUILD REPO COLD(yes|no) DOCKERFILE CONTEXT [--build-arg …]; BUILD is the docker build
# command line: "docker build" (the classic builder, as the sensor's has always been built here),
# or $BUILDKIT.
pipeline() {
    build=$1 repo=$2 cold=$3 dockerfile=$4 context=$5; shift 5
    nocache=""; [ "$cold" = yes ] && nocache=--no-cache
    for arch in amd64:x86_64-unknown-linux-gnu:strip arm64:aarch64-unknown-linux-gnu:aarch64-linux-gnu-strip; do
        platform=linux/${arch%%:*}; rest=${arch#*:}; triple=${rest%%:*}; strip=${rest#*:}
        # shellcheck disable=SC2086 # $build is a command line, $nocache one optional flag
        $build $nocache -f "$dockerfile" --build-arg "BUILDER_IMAGE=$BUILDER" \
            --build-arg "BASE_IMAGE=$BASE" --build-arg "PLATFORM=$platform" \
            --build-arg "RUST_TARGET=$triple" --build-arg "STRIP=$strip" "$@" \
            -t "$repo:${arch%%:*}" "$context" || return 1
        docker push -q "$repo:${arch%%:*}" || return 1
    done
    docker manifest rm "$repo:release" >/dev/null 2>&1 || true
    docker manifest create --insecure "$repo:release" "$repo:amd64" "$repo:arm64" || return 1
    docker manifest push --insecure --purge "$repo:release"
}

# Removes the local images (tagged, and those a later build untagged) and the manifest list of a
# pipeline's repository made for one run only; what it pushed stays in the registry.
forget_pipeline() { # REPO
    docker rmi "$1:amd64" "$1:arm64" >/dev/null 2>&1 || true
    # Never forced: an image another repository's tag also names stays.
    for id in $(docker images -q "$1" | sort -u); do docker rmi "$id" >/dev/null 2>&1 || true; done
    docker manifest rm "$1:release" >/dev/null 2>&1 || true
}

baseline() { # RUN COLD(yes|no): the sensor's
    pipeline "docker build" "$REGISTRY/bench/baseline-$1" "$2" bench/baseline.Dockerfile .
}

# A docker client that builds with BuildKit on this engine: docker itself when it has buildx;
# otherwise the first docker on PATH whose built-in BuildKit client works (Debian's docker.io 20.10
# does; newer clients refuse DOCKER_BUILDKIT=1 without buildx). Checked with a one-line build.
find_buildkit() {
    probe=$WORK/buildkit-probe
    mkdir -p "$probe"
    printf 'FROM %s\n' "$BUILDER" >"$probe/Dockerfile"
    if docker buildx version >/dev/null 2>&1; then candidates=docker; else candidates=$(
        IFS=:; for dir in $PATH; do [ -x "$dir/docker" ] && printf '%s\n' "$dir/docker"; done | awk '!seen[$0]++'); fi
    for client in $candidates; do
        if DOCKER_BUILDKIT=1 "$client" build -q "$probe" >/dev/null 2>&1; then
            printf 'env DOCKER_BUILDKIT=1 %s build --progress=plain' "$client"; return 0
        fi
    done
    return 1
}

# A fresh copy of bench/crates/CRATE and the init image's script: the context of its Dockerfile
# pipeline, and the crate the plugin builds.
crate_work() {
    rm -rf "${WORK:?}/$1"; mkdir -p "$WORK/$1"
    cp -R "bench/crates/$1" "$WORK/$1/crate"
    cp docker/pack-binaries-init.sh "$WORK/$1/"
}

# Signed as a release would be: a key of the bench's own (unencrypted, made once).
signing_key() {
    [ -f "$OUT/cosign.key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$OUT/cosign.key" 2>/dev/null
    printf '%s' "-Dpack.sign.key=$PWD/$OUT/cosign.key"
}

# quietly LOG COMMAND...: runs a step that is not measured (a warm-up); fails loudly.
quietly() {
    logfile=$1; shift
    if ! "$@" >"$logfile" 2>&1; then
        tail -n 40 "$logfile" >&2
        log "FAILED: $* (log: $logfile)"; exit 1
    fi
}

baseline_digest() {
    skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/bench/baseline-$1:release" \
        | sha256sum | cut -d' ' -f1
}

# The core pack's sensor: every measurement the bench had before the crates of bench/crates/.
scenario_sensor() { # RUN
    i=$1
    log "run $i/$RUNS: cold mvn package (no cargo cache, no target/)"
    drop_cargo_caches
    rm -rf target/packs
    timed package_cold "$LOGS/cold-$i.log" packs_mvn package
    sample package_cold cargo_s "$(cargo_seconds "$LOGS/cold-$i.log")"
    goal_times package_cold "$LOGS/cold-$i.log"

    log "run $i/$RUNS: warm mvn package (cargo cache kept, target/ removed)"
    rm -rf target/packs
    timed package_warm "$LOGS/warm-$i.log" packs_mvn package
    sample package_warm cargo_s "$(cargo_seconds "$LOGS/warm-$i.log")"

    log "run $i/$RUNS: no-op rebuild"
    since=$(date +%s)
    timed package_noop "$LOGS/noop-$i.log" packs_mvn package
    sample package_noop containers_started "$(containers_started_since "$since")"
    goal_times package_noop "$LOGS/noop-$i.log"

    log "run $i/$RUNS: image goal alone, in a fresh JVM (its last images removed, so it builds)"
    rm -rf target/packs/pack-binaries/image target/packs/pack-binaries/.image-state.json
    timed image_goal "$LOGS/image-$i.log" packs_mvn "$PLUGIN:image"
    sample image_goal output_bytes "$(du -sb target/packs/pack-binaries/image | cut -f1)"
    goal_times image_goal "$LOGS/image-$i.log"

    log "run $i/$RUNS: push, first and second"
    # A new repository each run, so the first push finds nothing there. The distributable compose
    # file pulls ${ATTUNE_REGISTRY}/attune/pack-binaries-init, which push checks.
    ATTUNE_REGISTRY="$REGISTRY/bench/run-$i-$(date +%s)"
    export ATTUNE_REGISTRY
    image="$ATTUNE_REGISTRY/attune/pack-binaries-init"
    timed push_first "$LOGS/push1-$i.log" packs_mvn "$PLUGIN:push" "-Dpack.image=$image"
    sample push_first loopback_bytes "$LO"
    goal_times push_first "$LOGS/push1-$i.log"
    timed push_second "$LOGS/push2-$i.log" packs_mvn "$PLUGIN:push" "-Dpack.image=$image"
    sample push_second loopback_bytes "$LO"
    sample image_bytes bytes "$(du -sb target/packs/pack-binaries/image/layout/blobs | cut -f1)"

    log "run $i/$RUNS: the release as users run it: one mvn deploy from scratch, then again unchanged"
    drop_cargo_caches
    rm -rf target/packs
    ATTUNE_REGISTRY="$REGISTRY/bench/release-$i-$(date +%s)"
    image="$ATTUNE_REGISTRY/attune/pack-binaries-init"
    timed release "$LOGS/release-$i.log" packs_mvn deploy "-Dpack.image=$image" "$(signing_key)"
    sample release cargo_s "$(cargo_seconds "$LOGS/release-$i.log")"
    sample release loopback_bytes "$LO"
    goal_times release "$LOGS/release-$i.log"
    since=$(date +%s)
    timed release_noop "$LOGS/release-noop-$i.log" packs_mvn deploy "-Dpack.image=$image" "$(signing_key)"
    sample release_noop containers_started "$(containers_started_since "$since")"
    goal_times release_noop "$LOGS/release-noop-$i.log"

    log "run $i/$RUNS: baseline docker build + push + manifest, cold then warm"
    timed baseline_cold "$LOGS/baseline-cold-$i.log" baseline "$i" yes
    sample baseline_cold loopback_bytes "$LO"
    sample baseline_cold cargo_s "$(cargo_seconds "$LOGS/baseline-cold-$i.log")"
    timed baseline_warm "$LOGS/baseline-warm-$i.log" baseline "$i" no
    baseline_digest "$i" >>"$OUT/baseline-digests"
    sha256sum target/packs/pack-binaries/image/layout/index.json | cut -d' ' -f1 >>"$OUT/plugin-digests"
}

# The small crate: the release from scratch and unchanged, against the Dockerfile pipeline from
# scratch and cached. Cargo takes about a second per target, so what is left is the plugin's.
scenario_small() { # RUN
    i=$1
    crate_work small
    log "run $i/$RUNS: small crate: one mvn deploy from scratch, then again unchanged"
    drop_cargo_caches
    rm -rf "$OUT/build/small"
    image="$REGISTRY/bench/small-$i-$(date +%s)/attune/pack-binaries-init"
    timed small_release "$LOGS/small-release-$i.log" crate_mvn small deploy "-Dpack.image=$image" "$(signing_key)"
    sample small_release cargo_s "$(cargo_seconds "$LOGS/small-release-$i.log")"
    sample small_release loopback_bytes "$LO"
    goal_times small_release "$LOGS/small-release-$i.log"
    since=$(date +%s)
    timed small_release_noop "$LOGS/small-release-noop-$i.log" crate_mvn small deploy "-Dpack.image=$image" "$(signing_key)"
    sample small_release_noop containers_started "$(containers_started_since "$since")"
    goal_times small_release_noop "$LOGS/small-release-noop-$i.log"

    log "run $i/$RUNS: small crate: Dockerfile pipeline, docker build --no-cache then cached"
    repo="$REGISTRY/bench/small-baseline-$i-$(date +%s)"
    timed small_baseline_cold "$LOGS/small-baseline-cold-$i.log" pipeline "docker build" "$repo" yes bench/crate.Dockerfile \
        "$WORK/small" --build-arg BINARY=bench-small
    sample small_baseline_cold cargo_s "$(cargo_seconds "$LOGS/small-baseline-cold-$i.log")"
    sample small_baseline_cold loopback_bytes "$LO"
    timed small_baseline_warm "$LOGS/small-baseline-warm-$i.log" pipeline "docker build" "$repo" no bench/crate.Dockerfile \
        "$WORK/small" --build-arg BINARY=bench-small
    forget_pipeline "$repo"
}

# The one line the deps scenario changes: the constant string of its copy of src/main.rs. Each
# value names this bench run (STAMP), so no layer BuildKit cached in an earlier one matches.
STAMP=$(date +%s)
greeting() {
    sed -i "s/^const GREETING: &str = .*/const GREETING: \&str = \"$1\";/" "$WORK/deps/crate/src/main.rs"
    grep -q "^const GREETING: &str = \"$1\";" "$WORK/deps/crate/src/main.rs" \
        || { log "bench/crates/deps/src/main.rs has no 'const GREETING: &str = …;' line to change"; exit 1; }
}

# The everyday release: the crate with dependencies built once by each pipeline (its caches warm),
# then one line of src/main.rs changed, then one release of each, timed.
scenario_deps() { # RUN
    i=$1
    [ -d "$WORK/deps" ] || crate_work deps
    image="$REGISTRY/bench/deps-$i-$(date +%s)/attune/pack-binaries-init"
    repo="$REGISTRY/bench/deps-baseline-$i-$(date +%s)"
    log "run $i/$RUNS: crate with dependencies: warm-up release of each pipeline (not timed)"
    greeting "bench-deps sensor, bench $STAMP, run $i"
    quietly "$LOGS/deps-warmup-$i.log" crate_mvn deps deploy "-Dpack.image=$image" "$(signing_key)"
    quietly "$LOGS/deps-baseline-warmup-$i.log" pipeline "$BUILDKIT" "$repo" no \
        bench/crate-cache.Dockerfile "$WORK/deps" --build-arg BINARY=bench-deps

    log "run $i/$RUNS: crate with dependencies: one line changed, then one release of each"
    greeting "bench-deps sensor, bench $STAMP, run $i, one line changed"
    timed deps_release_change "$LOGS/deps-release-$i.log" crate_mvn deps deploy "-Dpack.image=$image" "$(signing_key)"
    sample deps_release_change cargo_s "$(cargo_seconds "$LOGS/deps-release-$i.log")"
    goal_times deps_release_change "$LOGS/deps-release-$i.log"
    timed deps_baseline_change "$LOGS/deps-baseline-$i.log" pipeline "$BUILDKIT" "$repo" no \
        bench/crate-cache.Dockerfile "$WORK/deps" --build-arg BINARY=bench-deps
    sample deps_baseline_change cargo_s "$(cargo_seconds "$LOGS/deps-baseline-$i.log")"
    forget_pipeline "$repo"
    # Both must have compiled the changed crate once per target, or the comparison is void.
    for logfile in "$LOGS/deps-release-$i.log" "$LOGS/deps-baseline-$i.log"; do
        [ "$(grep -c 'Compiling bench-deps' "$logfile")" -eq 2 ] \
            || { log "$logfile does not show bench-deps compiled for both targets"; exit 1; }
    done
}

log "runs: $RUNS; scenarios: $SCENARIOS; targets: $TARGETS; plugin $PLUGIN_VERSION"
if wanted deps; then
    BUILDKIT=$(find_buildkit) || { log "no docker client here builds with BuildKit on this engine (scenario deps)"; exit 1; }
    log "BuildKit builds (scenario deps): $BUILDKIT"
fi
if wanted sensor; then measure_loopback; fi
for i in $(seq 1 "$RUNS"); do
    log "run $i/$RUNS: Maven start-up"
    timed maven_startup "$LOGS/startup-$i.log" packs_mvn -q validate
    for scenario in sensor small deps; do
        if wanted "$scenario"; then "scenario_$scenario" "$i"; fi
    done
done

bench/report.sh "$OUT"
