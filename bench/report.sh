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
# has SCENARIO: whether the run measured it (BENCH_SCENARIOS may pick a subset).
has() { awk -F'\t' -v s="$1" '$1 == s { found = 1 } END { exit !found }' "$SAMPLES"; }
# goal VALUE LIMIT -> "met" when VALUE <= LIMIT, else "not met (N× the limit)"
goal() { awk -v v="$1" -v l="$2" 'BEGIN { if (v <= l) print "met"; else printf "not met (%.1f× the limit)\n", v / l }'; }
same() {
    if [ ! -f "$1" ]; then echo n/a; elif [ "$(sort -u "$1" | wc -l)" -eq 1 ]; then echo yes; else echo no; fi
}

startup=$(median maven_startup wall_s)
if has release; then
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
    sensor_noop_ratio=$(calc "$release_noop / $base_warm")
fi
if has small_release; then
    s_rel=$(median small_release wall_s); s_cargo=$(median small_release cargo_s)
    s_noop=$(median small_release_noop wall_s)
    s_base=$(median small_baseline_cold wall_s); s_base_cargo=$(median small_baseline_cold cargo_s)
    s_base_warm=$(median small_baseline_warm wall_s)
    s_outside=$(calc "$s_rel - $s_cargo"); s_base_outside=$(calc "$s_base - $s_base_cargo")
    s_build=$(median small_release build_s); s_verify=$(median small_release verify_s)
    s_image=$(median small_release image_s); s_push=$(median small_release push_s)
    s_publish=$(median small_release publish_s); s_audit=$(median small_release audit_s)
    s_supply=$(median small_release supplychain_s)
    s_other=$(calc "$s_rel - $startup - $s_build - $s_verify - $s_image - $s_push")
    s_ratio=$(calc "$s_rel / $s_base"); s_outside_ratio=$(calc "$s_outside / $s_base_outside")
    s_noop_ratio=$(calc "$s_noop / $s_base_warm")
fi
if has deps_release_change; then
    d_rel=$(median deps_release_change wall_s); d_cargo=$(median deps_release_change cargo_s)
    d_base=$(median deps_baseline_change wall_s); d_base_cargo=$(median deps_baseline_change cargo_s)
    d_outside=$(calc "$d_rel - $d_cargo"); d_base_outside=$(calc "$d_base - $d_base_cargo")
    d_build=$(median deps_release_change build_s); d_verify=$(median deps_release_change verify_s)
    d_image=$(median deps_release_change image_s); d_push=$(median deps_release_change push_s)
    d_other=$(calc "$d_rel - $startup - $d_build - $d_verify - $d_image - $d_push")
    d_ratio=$(calc "$d_rel / $d_base"); d_outside_ratio=$(calc "$d_outside / $d_base_outside")
fi

{
    echo "| scenario | metric | min | median | max |"
    echo "|---|---|---|---|---|"
    awk -F'\t' '{ print $1 "\t" $2 }' "$SAMPLES" | awk '!seen[$0]++' | while IFS="$(printf '\t')" read -r s m; do
        # shellcheck disable=SC2046 # three numbers, split on purpose
        set -- $(stats "$s" "$m")
        echo "| $s | $m | $1 | $2 | $3 |"
    done
    if has release; then
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
    fi
    if has release || has small_release || has deps_release_change; then
        echo
        echo "| plugin / Dockerfile pipeline, per crate (medians; one mvn deploy, signed, against docker build per arch + push + manifest) | sensor (packs/core) | small (bench/crates/small) | deps (bench/crates/deps) |"
        echo "|---|---|---|---|"
        if has release; then a=$(calc "$release / $base_cold"); b=$(calc "$release_outside / $base_outside"); c=$sensor_noop_ratio; else a=-; b=-; c=-; fi
        if has small_release; then d=$s_ratio; e=$s_outside_ratio; f=$s_noop_ratio; else d=-; e=-; f=-; fi
        if has release || has small_release; then
            echo "| release from scratch, whole: release / docker build --no-cache pipeline | $a | $d | |"
            echo "| release from scratch, outside cargo: (release - its cargo) / (pipeline - its cargo) | $b | $e | |"
            echo "| nothing changed: second mvn deploy / cached pipeline | $c | $f | |"
        fi
        if has deps_release_change; then
            echo "| one line changed, warm: mvn deploy / BuildKit pipeline with target/ in a cache mount (${d_rel}s / ${d_base}s) | | | $d_ratio |"
            echo "| one line changed, warm, outside cargo: (${d_rel}s - cargo ${d_cargo}s) / (${d_base}s - cargo ${d_base_cargo}s) | | | $d_outside_ratio |"
        fi
    fi
    if has small_release; then
        echo "| where the release from scratch goes, s (whole ${s_rel}s; pipeline ${s_base}s, its cargo ${s_base_cargo}s) | | start-up $startup, cargo $s_cargo, build besides cargo $(calc "$s_build - $s_cargo"), verify $s_verify, image $s_image, push $s_push (publishing $s_publish, supply chain $s_supply, audit $s_audit), Maven's own rest $s_other | |"
    fi
    if has deps_release_change; then
        echo "| where the one-line-change release goes, s (whole ${d_rel}s; pipeline ${d_base}s) | | | start-up $startup, cargo $d_cargo, build besides cargo $(calc "$d_build - $d_cargo"), verify $d_verify, image $d_image, push $d_push, Maven's own rest $d_other |"
    fi
} >"$OUT/results.md"

# "key": value lines of results.json's ratios, for the scenarios the run measured.
ratios() {
    if has release; then
        echo "plugin_over_baseline_cold $(calc "($cold + $push1) / $base_cold")"
        echo "plugin_over_baseline_cold_without_cargo $(calc "($cold - $cold_cargo + $push1) / ($base_cold - $base_cold_cargo)")"
        echo "plugin_over_baseline_unchanged $(calc "($noop + $push2) / $base_warm")"
        echo "overhead_over_cargo_cold $(calc "$overhead_cold / $cold_cargo")"
        echo "overhead_over_cargo_warm $(calc "$overhead_warm / $warm_cargo")"
        echo "push_over_floor $(calc "$push1 / $floor")"
        echo "release_outside_cargo_over_baseline $(calc "$release_outside / $base_outside")"
        echo "release_over_baseline $(calc "$release / $base_cold")"
        echo "release_publish_in_jvm_over_floor $(calc "$r_publish / $floor")"
        echo "release_push_in_jvm_s $r_push"
        echo "release_image_in_jvm_s $r_image"
        echo "release_verify_in_jvm_s $r_verify"
        echo "release_supply_chain_over_push $(calc "$r_supply / $r_push")"
        echo "noop_release_minus_startup_s $(calc "$release_noop - $startup")"
        echo "release_unchanged_over_baseline_warm $sensor_noop_ratio"
    fi
    if has small_release; then
        echo "small_release_over_baseline $s_ratio"
        echo "small_release_outside_cargo_over_baseline $s_outside_ratio"
        echo "small_release_unchanged_over_baseline_warm $s_noop_ratio"
    fi
    if has deps_release_change; then
        echo "deps_change_release_over_baseline $d_ratio"
        echo "deps_change_release_outside_cargo_over_baseline $d_outside_ratio"
    fi
}

{
    printf '{\n  "samples": ['
    awk -F'\t' 'NR > 1 { printf "," } { printf "\n    {\"scenario\": \"%s\", \"metric\": \"%s\", \"value\": %s}", $1, $2, $3 }' "$SAMPLES"
    printf '\n  ],\n  "ratios": {'
    ratios | awk 'NR > 1 { printf "," } { printf "\n    \"%s\": %s", $1, $2 }'
    printf '\n  },\n  "reproducible": {"plugin": "%s", "baseline": "%s"}\n}\n' \
        "$(same "$OUT/plugin-digests")" "$(same "$OUT/baseline-digests")"
} >"$OUT/results.json"

cat "$OUT/results.md"
