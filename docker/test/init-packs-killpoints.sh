#!/bin/sh
# Kill docker/init-packs.sh (SIGKILL to its whole process group, as a
# container kill does) at many points of a run, rerun it, and check that no
# static binary of the volume is lost: each keeps its sha256 and stays
# executable, right after the kill and after the rerun, each link to one in
# its sensors/ directory stays that link, and nothing outside the volume is
# written. Runs under dash and under busybox sh.
#
# Kill points, per shell:
#   op-before:K, op-after:K  before / after the K-th cp, mv or rm the script
#                            runs, for every K of a full run (a wrapper of
#                            each command: on PATH under dash; a shell
#                            function before the script under busybox sh,
#                            whose own applets ignore PATH)
#   bytes:N                  the copy of the host's tree stops after N bytes
#                            (the wrapper copies, cuts the copy at N bytes,
#                            then kills)
#   delay:MS                 `timeout -s KILL` after MS ms, stepped over the
#                            length of a full run (no wrapper at all)
# After every kill the script is rerun once with the same kill point (a
# second kill during recovery), then once to the end.
#
# Exit status: 0 if no binary or kept link was lost, 1 otherwise, 77 if a
# tool is missing (a failure under CI=true). The last line is the summary
# for run.sh.
#
# Also the wrapper: invoked as cp, mv or rm (through a symlink), it counts
# the operation and kills where KP_MODE and KP_AT say.
set -eu

# --- the wrapper ----------------------------------------------------------------
kill_group() {
    pgid=$(sed 's/.*) //' "/proc/$$/stat" | cut -d' ' -f3)
    kill -9 "-$pgid"
    sleep 60
}

# cut_copy DIR N: leave only the first N bytes of the files under DIR (in the
# order find lists them), as a copy killed after N bytes would.
cut_copy() {
    budget=$2
    find "$1" -type f | while IFS= read -r f; do
        size=$(wc -c <"$f")
        if [ "$budget" -ge "$size" ]; then
            budget=$((budget - size))
        elif [ "$budget" -gt 0 ]; then
            head -c "$budget" "$f" >"$f.cut" && "$KP_REAL_DIR/mv" -f "$f.cut" "$f"
            budget=0
        else
            "$KP_REAL_DIR/rm" -f "$f"
        fi
    done
}

wrapper() {
    cmd=${0##*/}
    ops=$(($(cat "$KP_STATE/ops") + 1))
    echo "$ops" >"$KP_STATE/ops"
    printf '%s %s\n' "$ops" "$cmd" >>"$KP_STATE/log"
    if [ "$KP_MODE" = op-before ] && [ "$ops" -eq "$KP_AT" ]; then
        kill_group
    fi
    if [ "$KP_MODE" = bytes ] && [ "$cmd" = cp ]; then
        for last; do :; done
        "$KP_REAL_DIR/cp" "$@"
        cut_copy "$last" "$KP_AT"
        kill_group
    fi
    status=0
    if [ -n "$KP_BUSYBOX" ]; then
        "$KP_BUSYBOX" "$cmd" "$@" || status=$?
    else
        "$KP_REAL_DIR/$cmd" "$@" || status=$?
    fi
    if [ "$KP_MODE" = op-after ] && [ "$ops" -eq "$KP_AT" ]; then
        kill_group
    fi
    exit "$status"
}

case ${0##*/} in
    cp | mv | rm) wrapper "$@" ;;
esac

# --- the test -------------------------------------------------------------------
cd "$(dirname "$0")/../.." || exit 1
SCRIPT=$PWD/docker/init-packs.sh
SELF=$PWD/docker/test/init-packs-killpoints.sh

say() { printf 'init-packs-killpoints: %s\n' "$*"; }

for tool in dash busybox timeout sha256sum; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            say "FAIL $tool is not installed (required when CI=true)"
            exit 1
        fi
        say "SKIP $tool is not installed"
        exit 77
    fi
done
BUSYBOX=$(command -v busybox)
# The fixture's static binaries are copies of busybox, so it must be a static
# ELF file: the ELF magic and no dynamic loader's name near its start.
if [ "$(od -An -tx1 -N4 "$BUSYBOX" | tr -d ' \n')" != 7f454c46 ] ||
    head -c 16384 "$BUSYBOX" | tr -c 'a-z-' '\n' | grep -q '^ld-linux'; then
    say "FAIL $BUSYBOX is not a static ELF binary (install busybox-static)"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wrap" "$tmp/state"
for cmd in cp mv rm; do ln -s "$SELF" "$tmp/wrap/$cmd"; done
KP_REAL_DIR=$(dirname "$(command -v cp)")
# Under busybox sh, functions run the wrappers: its applets ignore PATH.
cat >"$tmp/functions.sh" <<EOF
cp() { "$tmp/wrap/cp" "\$@"; }
mv() { "$tmp/wrap/mv" "\$@"; }
rm() { "$tmp/wrap/rm" "\$@"; }
EOF
export KP_REAL_DIR KP_STATE="$tmp/state"

# --- fixture: a volume with four static binaries in three packs, two links
# to one of them in its sensors/ (one through the other), a host tree with
# stale ELF files of their names and of the links', new files, a 2 MiB blob,
# a symlink in the volume to a file outside it and a dangling one.
BINARIES="core/sensors/attune-core-timer-sensor
core/sensors/attune-core-other-sensor
net/sensors/attune-net-sensor
extra/sensors/attune-extra-sensor"
# Links kept as they are (issue 25, item 7): name and link text.
KEPT_LINKS="core/sensors/current attune-core-timer-sensor
core/sensors/stable ./current"
DYNAMIC=$(command -v dash)
volume0=$tmp/volume0
host=$tmp/host
outside=$tmp/outside
mkdir -p "$outside" "$volume0/core/sensors" "$volume0/net/sensors" "$volume0/extra/sensors" \
    "$host/core/sensors" "$host/net/sensors" "$host/net/actions" "$host/extra/data" "$host/new/sensors"
echo "outside the volume" >"$outside/file"
for b in $BINARIES; do
    { cat "$BUSYBOX"; printf '%s' "$b"; } >"$volume0/$b"
    chmod 755 "$volume0/$b"
done
echo "name: core (old)" >"$volume0/core/pack.yaml"
ln -s "$outside/file" "$volume0/core/sensors/notes"
ln -s v2 "$volume0/net/current"
printf '%s\n' "$KEPT_LINKS" | while read -r name text; do ln -s "$text" "$volume0/$name"; done
cp "$DYNAMIC" "$host/core/sensors/attune-core-timer-sensor"
printf '#!/bin/sh\nexec stale\n' >"$host/core/sensors/attune-core-other-sensor"
cp "$DYNAMIC" "$host/net/sensors/attune-net-sensor"
cp "$DYNAMIC" "$host/new/sensors/attune-new-sensor"
echo "host notes" >"$host/core/sensors/notes"
echo "name: core" >"$host/core/pack.yaml"
echo "print('poll')" >"$host/core/sensors/poll.py"
echo "v3" >"$host/net/current"
cp "$DYNAMIC" "$host/core/sensors/current"
echo "host stable" >"$host/core/sensors/stable"
printf '#!/bin/sh\necho ping\n' >"$host/net/actions/ping.sh"
chmod 755 "$host/net/actions/ping.sh"
head -c 2097152 /dev/urandom >"$host/extra/data/blob.bin"
echo "name: extra" >"$host/extra/pack.yaml"
echo "name: new" >"$host/new/pack.yaml"
printf '%s\n' "$BINARIES" >"$tmp/binaries"
printf '%s\n' "$KEPT_LINKS" | cut -d' ' -f1 >"$tmp/kept-links"
# shellcheck disable=SC2086 # one name a word
(cd "$volume0" && sha256sum $BINARIES) >"$tmp/binaries.sha256"
outside_sum=$(sha256sum <"$outside/file")

VOL=$tmp/volume

# Count of binaries lost in $VOL: missing, changed or not executable; and
# of kept links no longer links with their text. A write outside the volume
# counts as a loss too.
lost_binaries() {
    (cd "$VOL" && sha256sum -c "$tmp/binaries.sha256" >"$tmp/check" 2>&1) || true
    n=0
    for b in $BINARIES; do
        if ! grep -qxF "$b: OK" "$tmp/check" || [ -L "$VOL/$b" ] || [ ! -x "$VOL/$b" ]; then
            n=$((n + 1))
        fi
    done
    while read -r name text; do
        if [ ! -L "$VOL/$name" ] || [ "$(readlink "$VOL/$name")" != "$text" ]; then
            n=$((n + 1))
        fi
    done <<EOF
$KEPT_LINKS
EOF
    [ "$(sha256sum <"$outside/file")" = "$outside_sum" ] || n=$((n + 1))
    echo "$n"
}

# Host files the volume must hold after a complete run (not the binaries,
# nor the names of kept links).
complete_copy() {
    (cd "$host" && find . -type f) | while IFS= read -r f; do
        f=${f#./}
        if grep -qxF "$f" "$tmp/binaries" || grep -qxF "$f" "$tmp/kept-links"; then continue; fi
        cmp -s "$host/$f" "$VOL/$f" || { echo "not copied: $f"; return 1; }
    done
    [ -z "$(find "$VOL" -maxdepth 1 -name '.init-packs*')" ] || { echo "work directory left"; return 1; }
}

# run_script SHELL MODE AT: one run, wrapped unless MODE is delay or none.
# Prints the exit status (137: killed).
run_script() {
    echo 0 >"$KP_STATE/ops"
    : >"$KP_STATE/log"
    status=0
    case $1:$2 in
        dash:delay)
            timeout -s KILL "$(awk "BEGIN { print $3 / 1000 }")" dash "$SCRIPT" "$host" "$VOL" >>"$tmp/out" 2>&1 || status=$?
            ;;
        busybox:delay)
            timeout -s KILL "$(awk "BEGIN { print $3 / 1000 }")" "$BUSYBOX" sh "$SCRIPT" "$host" "$VOL" >>"$tmp/out" 2>&1 || status=$?
            ;;
        dash:*)
            KP_MODE=$2 KP_AT=$3 KP_BUSYBOX='' PATH="$tmp/wrap:$PATH" \
                timeout -s KILL 60 dash "$SCRIPT" "$host" "$VOL" >>"$tmp/out" 2>&1 || status=$?
            ;;
        busybox:*)
            # shellcheck disable=SC2016 # expanded by the inner shell
            KP_MODE=$2 KP_AT=$3 KP_BUSYBOX=$BUSYBOX KP_FUNCTIONS="$tmp/functions.sh" KP_SCRIPT=$SCRIPT \
                timeout -s KILL 60 "$BUSYBOX" sh -c '. "$KP_FUNCTIONS"; . "$KP_SCRIPT"' init-packs.sh "$host" "$VOL" \
                >>"$tmp/out" 2>&1 || status=$?
            ;;
    esac
    echo "$status"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

total_points=0
total_lost=0
failures=0
for shell in dash busybox; do
    # A full run without a kill: the number of operations and the duration.
    rm -rf "$VOL"
    cp -a "$volume0" "$VOL"
    : >"$tmp/out"
    [ "$(run_script "$shell" count 0)" -eq 0 ] || { cat "$tmp/out"; say "FAIL full run under $shell"; exit 1; }
    ops=$(cat "$KP_STATE/ops")
    opnames=$(awk '{ print $2 }' "$KP_STATE/log" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
    # The shortest of three runs, so that most delays land inside a run on a
    # busy machine too.
    duration=
    for i in 1 2 3; do
        rm -rf "$VOL"
        cp -a "$volume0" "$VOL"
        start=$(now_ms)
        run_script "$shell" delay 60000 >/dev/null
        took=$(($(now_ms) - start))
        complete_copy >/dev/null || { cat "$tmp/out"; say "FAIL full run under $shell did not copy everything"; exit 1; }
        if [ -z "$duration" ] || [ "$took" -lt "$duration" ]; then duration=$took; fi
    done

    points=""
    k=1
    while [ "$k" -le "$ops" ]; do
        points="$points op-before:$k op-after:$k"
        k=$((k + 1))
    done
    for n in 0 1 4096 65536 1048576 2097152 3000000; do points="$points bytes:$n"; done
    steps=20
    i=1
    while [ "$i" -le "$steps" ]; do
        points="$points delay:$((duration * i / steps + 1))"
        i=$((i + 1))
    done

    killed=0
    finished=0
    lost=0
    count=0
    for p in $points; do
        mode=${p%%:*}
        at=${p#*:}
        rm -rf "$VOL"
        cp -a "$volume0" "$VOL"
        : >"$tmp/out"
        count=$((count + 1))
        s1=$(run_script "$shell" "$mode" "$at")
        after_kill=$(lost_binaries)
        s2=$(run_script "$shell" "$mode" "$at")
        after_second=$(lost_binaries)
        s3=$(run_script "$shell" delay 60000)
        after_rerun=$(lost_binaries)
        if [ "$s1" -eq 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
        problem=""
        [ "$after_kill" -eq 0 ] || problem="$problem, $after_kill lost right after the kill"
        [ "$after_second" -eq 0 ] || problem="$problem, $after_second lost after a second kill"
        [ "$after_rerun" -eq 0 ] || problem="$problem, $after_rerun lost after the rerun"
        [ "$s3" -eq 0 ] || problem="$problem, rerun exit status $s3"
        why=$(complete_copy) || problem="$problem, $why"
        if [ -n "$problem" ]; then
            failures=$((failures + 1))
            lost=$((lost + after_kill + after_second + after_rerun))
            say "FAIL $shell $p (exit $s1, $s2, $s3)$problem"
            sed 's/^/    /' "$tmp/out"
        fi
    done
    say "$shell: $count kill points ($ops operations: $opnames; 7 byte counts; $steps delays up to ${duration} ms), $killed killed the first run, $finished ended before the kill; binaries or kept links lost: $lost"
    total_points=$((total_points + count))
    total_lost=$((total_lost + lost))
done

say "$total_points kill points, $failures failed, $total_lost binaries or kept links lost"
[ "$failures" -eq 0 ]
