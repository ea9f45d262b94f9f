#!/usr/bin/env bats
# Tests for docker/init-packs.sh and docker/pack-binaries-init.sh.
#
# Every case runs twice: under dash (what python:3.11-slim's /bin/sh is) and
# under `busybox sh` with busybox's own applets first on PATH, as in a busybox
# image. Without busybox the busybox variants are skipped, unless CI=true,
# where a missing tool fails the test.
#
# Fake ELF files are just the 4-byte magic plus a marker, which is all the
# script looks at.
#
# bats' `run` sets $status and $output inside each test; shellcheck treats the
# tests as subshells and flags every use of them, hence:
# shellcheck disable=SC2030,SC2031

setup_file() {
    SCRIPT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)/init-packs.sh"
    ENTRYPOINT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)/pack-binaries-init.sh"
    DASH=$(command -v dash || command -v sh)
    BUSYBOX=$(command -v busybox || true)
    BB_BIN=
    if [ -n "$BUSYBOX" ]; then
        BB_BIN="$BATS_FILE_TMPDIR/busybox-bin"
        mkdir -p "$BB_BIN"
        "$BUSYBOX" --install -s "$BB_BIN"
    fi
    export SCRIPT ENTRYPOINT DASH BUSYBOX BB_BIN
}

setup() {
    SRC="$BATS_TEST_TMPDIR/host packs"
    TGT="$BATS_TEST_TMPDIR/volume"
    EXTRA_PATH=
    mkdir -p "$SRC"
}

# run_in KIND SCRIPT ARGS...: run a script under dash or busybox sh.
run_in() {
    local kind=$1 script=$2
    shift 2
    case $kind in
        dash)
            PATH="$EXTRA_PATH$PATH" run "$DASH" "$script" "$@"
            ;;
        busybox)
            if [ -z "$BUSYBOX" ]; then
                if [ "${CI:-}" = true ]; then
                    echo "busybox is required when CI=true" >&2
                    return 1
                fi
                skip "busybox not installed"
            fi
            PATH="$EXTRA_PATH$BB_BIN:$PATH" run "$BUSYBOX" sh "$script" "$@"
            ;;
        *)
            echo "unknown shell kind: $kind" >&2
            return 1
            ;;
    esac
}

run_init() { run_in "$1" "$SCRIPT" "${@:2}"; }

# mkelf PATH MARKER [MODE]: a file that starts with the ELF magic.
mkelf() {
    mkdir -p "$(dirname "$1")"
    printf '\177ELF\002\001\001%s' "$2" >"$1"
    chmod "${3:-755}" "$1"
}

# mktext PATH CONTENT [MODE]
mktext() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$2" >"$1"
    chmod "${3:-644}" "$1"
}

# content_is PATH MARKER: PATH is the fake ELF made with MARKER.
content_is() {
    local want
    want=$(printf '\177ELF\002\001\001%s' "$2" | od -An -tx1)
    [ "$(od -An -tx1 <"$1")" = "$want" ] || {
        echo "unexpected content in $1: $(od -c <"$1" | head -3)" >&2
        return 1
    }
}

no_backup_left() {
    local left
    left=$(find "$TGT" -maxdepth 1 -name '.init-packs-backup.*')
    [ -z "$left" ] || { echo "backup left behind: $left" >&2; return 1; }
}

# Names, types, modes, sizes, file mtimes and checksums of a tree. Directory
# mtimes are left out: every run moves binaries out of and back into sensors/.
snapshot() {
    (cd "$1" && find . \( -type d -printf '%p %y %m\n' \) -o -printf '%p %y %m %s %T@\n' |
        LC_ALL=C sort &&
        find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

case_several_packs() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mkelf "$TGT/core/sensors/attune-core-other-sensor" vol-other
    mkelf "$TGT/net/sensors/attune-net-sensor" vol-net
    mktext "$TGT/core/sensors/poll.py" "old poll"
    mktext "$SRC/core/sensors/poll.py" "new poll"
    mktext "$SRC/core/pack.yaml" "name: core"
    mktext "$SRC/net/actions/ping.sh" "echo ping" 755
    mktext "$SRC/extra/pack.yaml" "name: extra"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    content_is "$TGT/core/sensors/attune-core-other-sensor" vol-other
    content_is "$TGT/net/sensors/attune-net-sensor" vol-net
    [ "$(cat "$TGT/core/sensors/poll.py")" = "new poll" ]
    [ "$(cat "$TGT/extra/pack.yaml")" = "name: extra" ]
    [ -x "$TGT/net/actions/ping.sh" ]
    [[ $output == *"init-packs: preserved static binary core/sensors/attune-core-timer-sensor"* ]]
    [[ $output == *"init-packs: preserved static binary core/sensors/attune-core-other-sensor"* ]]
    [[ $output == *"init-packs: preserved static binary net/sensors/attune-net-sensor"* ]]
    [[ $output != *"poll.py"* ]]
    [[ $output == *"done: 3 static binaries preserved"* ]]
    no_backup_left
}
@test "several packs and binaries are preserved [dash]" { case_several_packs dash; }
@test "several packs and binaries are preserved [busybox]" { case_several_packs busybox; }

case_spaces() {
    mkelf "$TGT/my pack/sensors/my sensor bin" vol-spaced
    mktext "$SRC/my pack/sensors/my sensor bin" "stale wrapper"
    mktext "$SRC/my pack/pack file.yaml" "x"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/my pack/sensors/my sensor bin" vol-spaced
    [ -f "$TGT/my pack/pack file.yaml" ]
    [[ $output == *"preserved static binary my pack/sensors/my sensor bin (host copy ignored: non-ELF file in source)"* ]]
    no_backup_left
}
@test "names with spaces [dash]" { case_spaces dash; }
@test "names with spaces [busybox]" { case_spaces busybox; }

case_host_elf() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" fresh-static
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" stale-dynamic

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" fresh-static
    [[ $output == *"init-packs: preserved static binary core/sensors/attune-core-timer-sensor (host copy ignored: ELF file in source)"* ]]
    no_backup_left
}
@test "volume binary wins over an ELF of the same name on the host [dash]" { case_host_elf dash; }
@test "volume binary wins over an ELF of the same name on the host [busybox]" { case_host_elf busybox; }

case_no_binaries() {
    mktext "$SRC/core/pack.yaml" "name: core"
    mktext "$SRC/core/sensors/poll.py" "poll" 755
    mktext "$SRC/core/.hidden" "dot"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    diff -r "$SRC" "$TGT"
    [[ $output != *"preserved static binary"* ]]
    [[ $output == *"done: 0 static binaries preserved"* ]]
    no_backup_left
}
@test "no binaries: plain copy into a missing target [dash]" { case_no_binaries dash; }
@test "no binaries: plain copy into a missing target [busybox]" { case_no_binaries busybox; }

case_rerun() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer 750
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer
    mktext "$SRC/core/pack.yaml" "name: core"
    mktext "$SRC/core/sensors/poll.py" "poll" 755

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    first=$(snapshot "$TGT")
    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    second=$(snapshot "$TGT")
    [ "$first" = "$second" ] || { diff <(echo "$first") <(echo "$second") >&2; false; }
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "rerun gives the same tree [dash]" { case_rerun dash; }
@test "rerun gives the same tree [busybox]" { case_rerun busybox; }

case_modes() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol 750
    mktext "$SRC/core/sensors/run.sh" "run" 755
    mktext "$SRC/core/secret.yaml" "s" 640

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(stat -c %a "$TGT/core/sensors/attune-core-timer-sensor")" = 750 ]
    [ "$(stat -c %a "$TGT/core/sensors/run.sh")" = 755 ]
    [ "$(stat -c %a "$TGT/core/secret.yaml")" = 640 ]
}
@test "mode bits are preserved [dash]" { case_modes dash; }
@test "mode bits are preserved [busybox]" { case_modes busybox; }

# Works as root too: the volume has a regular file where the host has a
# directory, so cp cannot create the directory and fails mid-copy.
case_copy_fails() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer 750
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer
    mktext "$SRC/broken/sensors/x.py" "x"
    mktext "$TGT/broken" "a file, not a directory"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -ne 0 ]
    [[ $output == *"init-packs: ERROR: copy from $SRC to $TGT failed"* ]]
    [[ $output == *"preserved binaries were restored"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    [ "$(stat -c %a "$TGT/core/sensors/attune-core-timer-sensor")" = 750 ]
    no_backup_left
}
@test "failed copy restores the backup and exits non-zero [dash]" { case_copy_fails dash; }
@test "failed copy restores the backup and exits non-zero [busybox]" { case_copy_fails busybox; }

# Restoring itself fails (a stand-in mv refuses moves out of the backup): the
# backup must be kept and named; a later normal run recovers it.
# Debian's busybox runs its own applets even when PATH has a stand-in, so the
# failing run always uses dash; the recovering run uses the shell under test.
case_restore_fails() {
    local fake="$BATS_TEST_TMPDIR/fake-bin" real_mv backup
    real_mv=$(command -v mv)
    mkdir -p "$fake"
    cat >"$fake/mv" <<EOF
#!/bin/sh
for a; do prev=\${last-}; last=\$a; done
case \${prev-} in
*/.init-packs-backup.*) echo "mv: injected failure" >&2; exit 1 ;;
esac
exec "$real_mv" "\$@"
EOF
    chmod 755 "$fake/mv"
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer

    EXTRA_PATH="$fake:" run_init dash "$SRC" "$TGT"
    [ "$status" -ne 0 ]
    [[ $output == *"mv: injected failure"* ]]
    [[ $output == *"init-packs: ERROR: backup kept at $TGT/.init-packs-backup."* ]]
    backup=$(find "$TGT" -maxdepth 1 -name '.init-packs-backup.*')
    content_is "$backup/core/sensors/attune-core-timer-sensor" vol-timer

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"found backup left by an interrupted run: $backup"* ]]
    [[ $output == *"recovered core/sensors/attune-core-timer-sensor"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "failed restore keeps the backup and a rerun recovers it [dash]" { case_restore_fails dash; }
@test "failed restore keeps the backup and a rerun recovers it [busybox]" { case_restore_fails busybox; }

# A backup left by a killed run must not downgrade a binary that
# init-pack-binaries installed since.
case_leftover_older() {
    mkelf "$TGT/.init-packs-backup.AbC123/core/sensors/attune-core-timer-sensor" old-build
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" new-build
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-build

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"kept newer binary core/sensors/attune-core-timer-sensor"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" new-build
    no_backup_left
}
@test "leftover backup does not replace a newer binary [dash]" { case_leftover_older dash; }
@test "leftover backup does not replace a newer binary [busybox]" { case_leftover_older busybox; }

case_env_defaults() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mktext "$SRC/core/pack.yaml" "name: core"

    PACKS_SOURCE=$SRC PACKS_TARGET=$TGT run_init "$1"
    [ "$status" -eq 0 ]
    [ -f "$TGT/core/pack.yaml" ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
}
@test "PACKS_SOURCE and PACKS_TARGET are the defaults [dash]" { case_env_defaults dash; }
@test "PACKS_SOURCE and PACKS_TARGET are the defaults [busybox]" { case_env_defaults busybox; }

case_missing_source() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    rm -rf "$SRC"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 1 ]
    [[ $output == *"init-packs: ERROR: source directory not found: $SRC"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "missing source fails and leaves the volume alone [dash]" { case_missing_source dash; }
@test "missing source fails and leaves the volume alone [busybox]" { case_missing_source busybox; }

case_entrypoint() {
    local from="$BATS_TEST_TMPDIR/pack-binaries"
    mkelf "$from/core/sensors/attune-core-timer-sensor" built 755
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" previous 700

    run_in "$1" "$ENTRYPOINT" "$from" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" built
    [ "$(stat -c %a "$TGT/core/sensors/attune-core-timer-sensor")" = 755 ]
    [[ $output == *"pack-binaries-init: installed core/sensors/attune-core-timer-sensor ("*"mode 755)"* ]]
    [ -z "$(find "$TGT" -name '*.tmp.*')" ]

    run_in "$1" "$ENTRYPOINT" "$BATS_TEST_TMPDIR/empty" "$TGT"
    [ "$status" -ne 0 ]
    [[ $output == *"no binaries found"* ]]
}
@test "pack-binaries-init entrypoint installs binaries with their mode [dash]" { case_entrypoint dash; }
@test "pack-binaries-init entrypoint installs binaries with their mode [busybox]" { case_entrypoint busybox; }
