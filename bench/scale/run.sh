#!/bin/sh
# `make bench-scale` (issue 28): how each goal's cost grows with the bytes and the number of
# binaries it ships, and whether its memory stays flat, against floors measured in the same run.
#
# Cases (BENCH_SCALE_CASES, space separated, each COUNTxMB: COUNT binaries, each linking MB MiB of
# random data through include_bytes!; default "1x1 10x1 50x1 1x10 1x100"): the count series is
# 1x1 10x1 50x1, the size series 1x1 1x10 1x100. Every case builds for two targets with the
# Debian builder (cargo build --release, +crt-static), then runs in one fresh JVM each, under
# MAVEN_OPTS=-Xmx256m with a GC log:
#   mvn deploy  -> build (less cargo's own time), verify, image, push (publish, audit, supply chain)
#   pack-binaries:audit -Dpack.image=REPO:TAG
# and beside them the floors on the same bytes: sha256sum of the binaries, gzip -6 of one
# platform's layer (tar of its binaries) and of both platforms' at once (two gzip processes), skopeo copy --all of the image goal's OCI layout to the
# same registry (up) and back (down), and the loopback throughput (one 128 MiB blob upload).
# e.g. BENCH_SCALE_CASES="1x1 1x100" make bench-scale
#
# Writes target/bench-scale/results.md (tables, ratios, load average), samples.tsv and scale.svg.
# Needs the test environment (make test-env) and the plugin installed (make plugin).
set -eu

cd "$(dirname "$0")/../.."
CASES=${BENCH_SCALE_CASES:-1x1 10x1 50x1 1x10 1x100}
for c in $CASES; do
    case $c in
        [1-9]*x[1-9]*) ;;
        *) echo "bench-scale: case '$c' is not COUNTxMB (e.g. 10x1)" >&2; exit 2 ;;
    esac
done
REGISTRY=${PACK_TEST_REGISTRY:?run through make bench-scale, which loads the test environment}
BUILDER=${PACK_TEST_BUILDER_IMAGE:?}
BASE=${PACK_TEST_BASE_IMAGE:?}
TARGETS=x86_64-unknown-linux-gnu,aarch64-unknown-linux-gnu
HEAP=${BENCH_SCALE_HEAP:-256m}
OUT=target/bench-scale
LOGS=$OUT/logs
PLUGIN_VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
PLUGIN=io.attune:pack-binaries-maven-plugin:$PLUGIN_VERSION
MVN=${MVN:-mvn -B -ntp}
STAMP=$(date +%s)
rm -rf "$OUT"; mkdir -p "$LOGS"
: >"$OUT/samples.tsv"

log() { printf 'bench-scale: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
load() { cut -d' ' -f1 /proc/loadavg; }
sample() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/samples.tsv"; }

# ms COMMAND...: runs it with its output in $LOGS/step.log, sets MS; fails loudly.
ms() {
    t0=$(now_ms)
    if ! "$@" >"$LOGS/step.log" 2>&1; then
        tail -n 20 "$LOGS/step.log" >&2; log "FAILED: $*"; exit 1
    fi
    MS=$(($(now_ms) - t0))
}

# The bench crates' POM (bench/crates/pom.xml) over a generated crate, in a JVM of HEAP at most
# whose GC log goes to GCLOG: crate_mvn CASE GCLOG ARGS...
crate_mvn() {
    c=$1 gclog=$2; shift 2
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    MAVEN_OPTS="${MAVEN_OPTS:-} -Xmx$HEAP -Xlog:gc:file=$gclog" $MVN -f bench/crates/pom.xml \
        -Dbench.crate=scale "-Dbench.crate.dir=$PWD/$OUT/work/$c" "-Dbench.build.dir=$PWD/$OUT/build/$c" \
        "-Dpack.builder.image=$BUILDER" "-Dpack.image.base=$BASE" \
        "-Dpack.builder.command=cargo build --release --target {target}" "-Dpack.targets=$TARGETS" "$@"
}

# The largest heap occupancy a GC saw (before collecting), in MiB: "... 37M->14M(54M) 1.2ms".
peak_heap() {
    grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" | awk -F'M' '{ v = $1 + 0; if (v > m) m = v } END { print m + 0 }'
}

# "<goal> took N ms" and the push's parts, from a Maven log: samples CASE goal_ms.
goal_times() { # CASE LOG
    sed -n 's/^\[INFO\] \([a-z]*\) took \([0-9]*\) ms$/\1 \2/p' "$2" | while read -r goal t; do
        sample "$1" "${goal}_ms" "$t"
    done
    sed -n 's/^\[INFO\] Image published in \([0-9]*\) ms.*/\1/p' "$2" | while read -r t; do sample "$1" publish_ms "$t"; done
    sed -n 's/^\[INFO\] Image audited in \([0-9]*\) ms.*/\1/p' "$2" | while read -r t; do sample "$1" push_audit_ms "$t"; done
    sed -n 's/^\[INFO\] Supply chain records attached in \([0-9]*\) ms.*/\1/p' "$2" | while read -r t; do sample "$1" supplychain_ms "$t"; done
    # Cargo's own time, from its "Finished … in Xs" lines: the longest target's, since the build
    # goal runs every target's cargo at once.
    sed 's/\x1b\[[0-9;]*m//g' "$2" | grep -o 'Finished .* in [0-9.]*m\{0,1\} \{0,1\}[0-9.]*s' | awk '
        { t = $NF; sub(/s$/, "", t); m = 0
          if ($(NF-1) ~ /m$/) { m = $(NF-1); sub(/m$/, "", m) }
          if (m * 60 + t > longest) longest = m * 60 + t }
        END { if (NR) printf "%d\n", longest * 1000 }' | while read -r t; do sample "$1" cargo_ms "$t"; done
}

# gzip_both A B: two gzip -6 at once, to nowhere.
gzip_both() {
    gzip -6 -c "$1" >/dev/null &
    gzip -6 -c "$2" >/dev/null
    wait
}

# Loopback throughput to the registry: one 128 MiB blob upload with curl.
measure_loopback() {
    blob=$OUT/throughput.bin
    head -c $((128 * 1024 * 1024)) /dev/urandom >"$blob"
    digest=sha256:$(sha256sum "$blob" | cut -d' ' -f1)
    location=$(curl -fsS -X POST -D - -o /dev/null "http://$REGISTRY/v2/bench-scale/throughput/blobs/uploads/" \
        | tr -d '\r' | awk -F': ' 'tolower($1) == "location" { print $2 }')
    case "$location" in http*) ;; *) location="http://$REGISTRY$location" ;; esac
    t0=$(now_ms)
    curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$blob" \
        "$location&digest=$digest" -o /dev/null
    t=$(($(now_ms) - t0))
    rm -f "$blob"
    sample all loopback_mb_per_s "$(awk -v t="$t" 'BEGIN { printf "%.1f", 128 / (t / 1000) }')"
}

run_case() { # COUNTxMB
    c=$1 count=${1%x*} mb=${1#*x}
    log "case $c: $count binaries of $mb MiB of data each (load $(load))"
    sample "$c" load_before "$(load)"
    bench/scale/gen-crate.sh "$OUT/work/$c" "$count" "$mb"
    build=$OUT/build/$c
    repo=$REGISTRY/bench-scale/$STAMP/$c

    heap_ok=pass
    if ! crate_mvn "$c" "$LOGS/$c-deploy.gc" deploy "-Dpack.image=$repo" >"$LOGS/$c-deploy.log" 2>&1; then
        tail -n 30 "$LOGS/$c-deploy.log" >&2
        if grep -q 'OutOfMemoryError' "$LOGS/$c-deploy.log"; then heap_ok=fail; else log "FAILED: mvn deploy ($c)"; exit 1; fi
    fi
    goal_times "$c" "$LOGS/$c-deploy.log"
    sample "$c" deploy_heap_mb "$(peak_heap "$LOGS/$c-deploy.gc")"
    tag=$(sed -n 's:.*"org.opencontainers.image.ref.name"\: *"\([^"]*\)".*:\1:p' "$build/pack-binaries/image/layout/index.json" | head -n 1)
    [ -n "$tag" ] || tag=0.1.0
    if ! crate_mvn "$c" "$LOGS/$c-audit.gc" "$PLUGIN:audit" "-Dpack.image=$repo:$tag" >"$LOGS/$c-audit.log" 2>&1; then
        tail -n 30 "$LOGS/$c-audit.log" >&2
        if grep -q 'OutOfMemoryError' "$LOGS/$c-audit.log"; then heap_ok=fail; else log "FAILED: audit ($c)"; exit 1; fi
    fi
    goal_times "$c" "$LOGS/$c-audit.log"
    sample "$c" audit_heap_mb "$(peak_heap "$LOGS/$c-audit.gc")"
    sample "$c" heap_256m "$heap_ok"

    # The floors, on the same bytes.
    bins=$(find "$build/pack-binaries" -mindepth 2 -maxdepth 2 -path '*-unknown-linux-*' -type f -name 'scale-*' ! -name '*.sha256' | sort)
    # shellcheck disable=SC2086 # a list of paths without blanks, split on purpose
    sample "$c" bytes "$(cat $bins | wc -c)"
    sample "$c" binaries "$(echo "$bins" | wc -l)"
    # shellcheck disable=SC2086
    ms sha256sum $bins; sample "$c" sha256sum_ms "$MS"
    one=$(find "$build/pack-binaries/x86_64-unknown-linux-gnu" -maxdepth 1 -type f -name 'scale-*' ! -name '*.sha256' | sort)
    # shellcheck disable=SC2086
    tar -cf "$OUT/layer.tar" $one
    ms gzip -6 -k -f "$OUT/layer.tar"; sample "$c" gzip6_one_platform_ms "$MS"
    # Both platforms' layers at once, as the image goal compresses them: what this machine's cores
    # give two compressions side by side under today's load.
    two=$(find "$build/pack-binaries/aarch64-unknown-linux-gnu" -maxdepth 1 -type f -name 'scale-*' ! -name '*.sha256' | sort)
    # shellcheck disable=SC2086
    tar -cf "$OUT/layer2.tar" $two
    ms gzip_both "$OUT/layer.tar" "$OUT/layer2.tar"
    sample "$c" gzip6_both_at_once_ms "$MS"
    rm -f "$OUT/layer.tar" "$OUT/layer.tar.gz" "$OUT/layer2.tar"
    ms skopeo copy --all --dest-tls-verify=false "oci:$build/pack-binaries/image/layout" "docker://$repo-skopeo:up"
    sample "$c" skopeo_up_ms "$MS"
    rm -rf "$OUT/down"
    ms skopeo copy --all --src-tls-verify=false "docker://$repo-skopeo:up" "oci:$OUT/down:down"
    sample "$c" skopeo_down_ms "$MS"
    rm -rf "$OUT/down" "$OUT/work/$c/data"
    sample "$c" load_after "$(load)"
}

log "cases: $CASES; targets: $TARGETS; plugin $PLUGIN_VERSION; heap $HEAP"
sample all load_start "$(load)"
measure_loopback
for c in $CASES; do run_case "$c"; done
sample all load_end "$(load)"
python3 bench/scale/report.py "$OUT"
