#!/bin/sh
# Turns bench/run.sh's samples into target/bench/results.md and results.json:
# min / median / max per scenario, and ratios of medians measured in the same run.
set -eu
OUT=${1:-target/bench}
SAMPLES=$OUT/samples.tsv

# stats SCENARIO METRIC -> "min median max" (empty when there is no sample)
stats() {
    awk -F'\t' -v s="$1" -v m="$2" '$1 == s && $2 == m { print $3 }' "$SAMPLES" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR == 0) exit
              med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%s %s %s\n", v[1], med, v[NR] }'
}
median() { stats "$1" "$2" | awk '{ print $2 }'; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# goal VALUE LIMIT -> "met" when VALUE <= LIMIT, else "not met (N× the limit)"
goal() { awk -v v="$1" -v l="$2" 'BEGIN { if (v <= l) print "met"; else printf "not met (%.1f× the limit)\n", v / l }'; }
same() { [ -f "$1" ] && [ "$(sort -u "$1" | wc -l)" -eq 1 ] && echo yes || echo no; }

startup=$(median maven_startup wall_s)
cold=$(median package_cold wall_s); cold_cargo=$(median package_cold cargo_s)
warm=$(median package_warm wall_s); warm_cargo=$(median package_warm cargo_s)
noop=$(median package_noop wall_s)
push1=$(median push_first wall_s); push2=$(median push_second wall_s)
base_cold=$(median baseline_cold wall_s); base_warm=$(median baseline_warm wall_s)
base_cold_cargo=$(median baseline_cold cargo_s)
image_bytes=$(median image_bytes bytes); mbps=$(median loopback mb_per_s)
# Four decimals: the floor is a few hundredths of a second, and ratios are taken against it.
floor=$(awk -v b="$image_bytes" -v m="$mbps" 'BEGIN { printf "%.4f", b / (m * 1048576) }')
# The release as users run it (one mvn deploy), with the in-JVM time each goal logged.
release=$(median release wall_s); release_cargo=$(median release cargo_s)
release_noop=$(median release_noop wall_s)
r_build=$(median release build_s); r_verify=$(median release verify_s)
r_image=$(median release image_s); r_push=$(median release push_s)
r_supply=$(median release supplychain_s)
r_publish=$(median release publish_s); r_audit=$(median release audit_s)
image_alone=$(median image_goal image_s); push_alone=$(median push_first push_s)
release_outside=$(calc "$release - $release_cargo")
base_outside=$(calc "$base_cold - $base_cold_cargo")
release_other=$(calc "$release - $startup - $r_build - $r_verify - $r_image - $r_push")
overhead_cold=$(calc "$cold - $cold_cargo - $startup")
overhead_warm=$(calc "$warm - $warm_cargo - $startup")

{
    echo "| scenario | metric | min | median | max |"
    echo "|---|---|---|---|---|"
    awk -F'\t' '{ print $1 "\t" $2 }' "$SAMPLES" | awk '!seen[$0]++' | while IFS="$(printf '\t')" read -r s m; do
        # shellcheck disable=SC2046 # three numbers, split on purpose
        set -- $(stats "$s" "$m")
        echo "| $s | $m | $1 | $2 | $3 |"
    done
    echo
    echo "| ratio (medians) | value |"
    echo "|---|---|"
    echo "| plugin / baseline, release from scratch: (cold package + first push) / (docker build --no-cache + push + manifest) | $(calc "($cold + $push1) / $base_cold") |"
    echo "| plugin / baseline, from scratch, cargo's own time taken out of both: (cold package - cargo + first push) / (baseline - its cargo) | $(calc "($cold - $cold_cargo + $push1) / ($base_cold - $base_cold_cargo)") |"
    echo "| plugin / baseline, nothing changed: (no-op package + second push) / (cached docker build + push + manifest) | $(calc "($noop + $push2) / $base_warm") |"
    echo "| plugin overhead / cargo, cold (overhead = total - cargo - Maven start-up = ${overhead_cold}s) | $(calc "$overhead_cold / $cold_cargo") |"
    echo "| plugin overhead / cargo, warm (overhead = ${overhead_warm}s) | $(calc "$overhead_warm / $warm_cargo") |"
    echo "| first push / floor (image bytes / loopback throughput = ${floor}s) | $(calc "$push1 / $floor") |"
    echo "| same index digest in every plugin run | $(same "$OUT/plugin-digests") |"
    echo "| same index digest in every baseline run | $(same "$OUT/baseline-digests") |"
    echo
    echo "| release (one mvn deploy) against its goals | value | goal | verdict |"
    echo "|---|---|---|---|"
    echo "| outside cargo, plugin / baseline: (release - its cargo = ${release_outside}s) / (docker build --no-cache + push + manifest - its cargo = ${base_outside}s) | $(calc "$release_outside / $base_outside") | ≤ 0.5 | $(goal "$(calc "$release_outside / $base_outside")" 0.5) |"
    echo "| whole release, plugin / baseline | $(calc "$release / $base_cold") | | |"
    echo "| publishing 2 platforms in the JVM (blobs, manifests, tags) / floor (${r_publish}s / ${floor}s) | $(calc "$r_publish / $floor") | ≤ 10 | $(goal "$(calc "$r_publish / $floor")" 10) |"
    echo "| the whole push in the JVM, s: publishing, supply chain ${r_supply}s, audit ${r_audit}s (push goal alone, fresh JVM: ${push_alone}s) | $r_push | | |"
    echo "| supply chain (SBOM, signatures, provenance) / push in the JVM (${r_supply}s / ${r_push}s) | $(calc "$r_supply / $r_push") | < 0.1 | $(goal "$(calc "$r_supply / $r_push")" 0.1) |"
    echo "| image in the JVM, 2 platforms, s (image goal alone, fresh JVM: ${image_alone}s) | $r_image | ≤ 0.5 | $(goal "$r_image" 0.5) |"
    echo "| verify in the JVM, s | $r_verify | ≤ 0.1 | $(goal "$r_verify" 0.1) |"
    echo "| no-op release - Maven start-up, s (containers started: $(median release_noop containers_started)) | $(calc "$release_noop - $startup") | ≤ 0.5 | $(goal "$(calc "$release_noop - $startup")" 0.5) |"
    echo "| where the release's time outside cargo goes, s | start-up $startup, build besides cargo $(calc "$r_build - $release_cargo"), verify $r_verify, image $r_image, push $r_push, Maven's own rest $release_other | | |"
} >"$OUT/results.md"

{
    printf '{\n  "samples": ['
    awk -F'\t' 'NR > 1 { printf "," } { printf "\n    {\"scenario\": \"%s\", \"metric\": \"%s\", \"value\": %s}", $1, $2, $3 }' "$SAMPLES"
    printf '\n  ],\n  "ratios": {\n'
    printf '    "plugin_over_baseline_cold": %s,\n' "$(calc "($cold + $push1) / $base_cold")"
    printf '    "plugin_over_baseline_cold_without_cargo": %s,\n' "$(calc "($cold - $cold_cargo + $push1) / ($base_cold - $base_cold_cargo)")"
    printf '    "plugin_over_baseline_unchanged": %s,\n' "$(calc "($noop + $push2) / $base_warm")"
    printf '    "overhead_over_cargo_cold": %s,\n' "$(calc "$overhead_cold / $cold_cargo")"
    printf '    "overhead_over_cargo_warm": %s,\n' "$(calc "$overhead_warm / $warm_cargo")"
    printf '    "push_over_floor": %s,\n' "$(calc "$push1 / $floor")"
    printf '    "release_outside_cargo_over_baseline": %s,\n' "$(calc "$release_outside / $base_outside")"
    printf '    "release_over_baseline": %s,\n' "$(calc "$release / $base_cold")"
    printf '    "release_publish_in_jvm_over_floor": %s,\n' "$(calc "$r_publish / $floor")"
    printf '    "release_push_in_jvm_s": %s,\n' "$r_push"
    printf '    "release_image_in_jvm_s": %s,\n' "$r_image"
    printf '    "release_verify_in_jvm_s": %s,\n' "$r_verify"
    printf '    "release_supply_chain_over_push": %s,\n' "$(calc "$r_supply / $r_push")"
    printf '    "noop_release_minus_startup_s": %s\n' "$(calc "$release_noop - $startup")"
    printf '  },\n  "reproducible": {"plugin": "%s", "baseline": "%s"}\n}\n' \
        "$(same "$OUT/plugin-digests")" "$(same "$OUT/baseline-digests")"
} >"$OUT/results.json"

cat "$OUT/results.md"
