#!/bin/sh
# Alternating A/B runs of the audit goal against images already in the registry, with `skopeo
# copy` of the same image to a local directory beside each pair (the floor of issue 28). On a
# machine where other work runs, alternating (ABBA order per round) and comparing ratios taken in
# the same round is what survives the noise; the load average is recorded with every sample.
#
#   AB_PLUGIN=<local repository>/io/attune/pack-binaries-maven-plugin   the directory the runs use
#   AB_A=<dir> AB_B=<dir>      two copies of that directory (e.g. before and after a change)
#   AB_IMAGES="100MB=host/repo:tag 50bin=host/repo:tag"
#   AB_ROUNDS=5  AB_HEAP=256m  MVN="mvn -B -ntp -Dmaven.repo.local=<local repository>"
#   bench/scale/ab-audit.sh OUT_DIR
#
# Writes OUT_DIR/ab.tsv (round, image, variant, audit ms, skopeo ms, peak heap MiB, load) and
# prints per image the median audit time of A and B, each against skopeo copy of the same round.
set -eu

OUT=${1:?usage: bench/scale/ab-audit.sh OUT_DIR}
PLUGIN=${AB_PLUGIN:?} A=${AB_A:?} B=${AB_B:?} IMAGES=${AB_IMAGES:?}
ROUNDS=${AB_ROUNDS:-5} HEAP=${AB_HEAP:-256m}
MVN=${MVN:-mvn -B -ntp}
mkdir -p "$OUT/run"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/ab.tsv"
VERSION=$(basename "$(find "$A" -mindepth 1 -maxdepth 1 -type d | head -n 1)")

now_ms() { date +%s%3N; }
load() { cut -d' ' -f1 /proc/loadavg; }
use() { rm -rf "$PLUGIN"; cp -r "$1" "$PLUGIN"; }
peak_heap() {
    grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$1" | awk -F'M' '{ v = $1 + 0; if (v > m) m = v } END { print m + 0 }'
}

audit() { # VARIANT NAME REF ROUND
    use "$([ "$1" = A ] && echo "$A" || echo "$B")"
    log=$OUT/run/$4-$2-$1.log
    # shellcheck disable=SC2086 # MVN is a command line, split on purpose
    if ! (cd "$OUT/run" && MAVEN_OPTS="${MAVEN_OPTS:-} -Xmx$HEAP -Xlog:gc:file=$log.gc" \
        $MVN "io.attune:pack-binaries-maven-plugin:$VERSION:audit" "-Dpack.image=$3" >"$log" 2>&1); then
        tail -n 20 "$log" >&2; echo "ab-audit: audit $1 of $2 failed" >&2; exit 1
    fi
    AUDIT_MS=$(sed -n 's/^\[INFO\] audit took \([0-9]*\) ms$/\1/p' "$log")
    HEAP_MB=$(peak_heap "$log.gc")
}

skopeo_down() { # REF
    rm -rf "$OUT/down"
    t0=$(now_ms)
    skopeo copy --all --src-tls-verify=false "docker://$1" "oci:$OUT/down:down" >/dev/null
    SKOPEO_MS=$(($(now_ms) - t0))
    rm -rf "$OUT/down"
}

for round in $(seq 1 "$ROUNDS"); do
    # ABBA: A first in odd rounds, B first in even ones.
    order="A B"; [ $((round % 2)) -eq 0 ] && order="B A"
    for pair in $IMAGES; do
        name=${pair%%=*} ref=${pair#*=}
        for v in $order; do
            skopeo_down "$ref"
            audit "$v" "$name" "$ref" "$round"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$v" "$AUDIT_MS" "$SKOPEO_MS" \
                "$HEAP_MB" "$(load)" | tee -a "$OUT/ab.tsv" >&2
        done
    done
done
use "$B"

python3 - "$OUT/ab.tsv" <<'EOF'
import statistics, sys
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = defaultdict(list)
for rnd, name, v, audit, skopeo, heap, load in rows:
    by[(name, v)].append((int(audit), int(skopeo), int(heap), float(load)))
print("| image | variant | runs | audit ms (median) | skopeo copy ms (median) | audit / skopeo (median of per-run ratios) | peak heap MiB (max) | load (min-max) |")
print("|---|---|---|---|---|---|---|---|")
for (name, v), xs in sorted(by.items()):
    ratios = [a / s for a, s, _, _ in xs]
    print(f"| {name} | {v} | {len(xs)} | {statistics.median(a for a, _, _, _ in xs):.0f} | "
          f"{statistics.median(s for _, s, _, _ in xs):.0f} | {statistics.median(ratios):.2f} | "
          f"{max(h for _, _, h, _ in xs)} | {min(l for *_, l in xs):.1f}-{max(l for *_, l in xs):.1f} |")
names = sorted({n for n, _ in by})
for name in names:
    a = statistics.median(x[0] for x in by[(name, "A")])
    b = statistics.median(x[0] for x in by[(name, "B")])
    print(f"{name}: B / A = {b / a:.2f} (median audit times)")
EOF
