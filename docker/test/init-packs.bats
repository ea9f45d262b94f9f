#!/usr/bin/env bats
# Tests for docker/init-packs.sh and docker/pack-binaries-init.sh.
#
# Every case runs twice: under dash (what python:3.11-slim's /bin/sh is) and
# under `busybox sh` with busybox's own applets first on PATH, as in a busybox
# image. Without busybox the busybox variants are skipped, unless CI=true,
# where a missing tool fails the test.
#
# Fake ELF files are just the 4-byte magic plus a marker, which is all the
# script looks at for a regular file. A link is kept only if it leads to a
# static binary, which the script tells from the program headers: mkexe
# writes headers as a linker does (and nothing more), static or dynamic.
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
    RUNNER=()
    UNPRIV_DIR=
    mkdir -p "$SRC"
}

teardown() {
    if [ -n "$UNPRIV_DIR" ]; then
        chmod -R u+rwX "$UNPRIV_DIR" 2>/dev/null || true
        rm -rf "$UNPRIV_DIR"
    fi
}

# as_unprivileged: run the script as a user other than root from here on,
# with SRC, TGT and the script in a directory that user can reach. As root
# that is nobody (uid 65534, through setpriv); otherwise the current user.
as_unprivileged() {
    if [ "$(id -u)" -eq 0 ]; then
        if ! command -v setpriv >/dev/null 2>&1; then
            if [ "${CI:-}" = true ]; then
                echo "setpriv is required when CI=true" >&2
                return 1
            fi
            skip "setpriv not installed"
        fi
        RUNNER=("$(command -v setpriv)" --reuid=65534 --regid=65534 --clear-groups --)
    fi
    UNPRIV_DIR=$(mktemp -d /tmp/init-packs-unprivileged.XXXXXX)
    chmod 755 "$UNPRIV_DIR"
    cp "$SCRIPT" "$UNPRIV_DIR/init-packs.sh"
    chmod 644 "$UNPRIV_DIR/init-packs.sh"
    SCRIPT="$UNPRIV_DIR/init-packs.sh"
    SRC="$UNPRIV_DIR/host packs"
    TGT="$UNPRIV_DIR/volume"
    mkdir -p "$SRC"
}

# unprivileged_owns DIR...: hand the trees to the unprivileged user.
unprivileged_owns() {
    if [ "${#RUNNER[@]}" -gt 0 ]; then
        chown -R 65534:65534 "$@"
    fi
}

# run_in KIND SCRIPT ARGS...: run a script under dash or busybox sh.
run_in() {
    local kind=$1 script=$2
    shift 2
    case $kind in
        dash)
            PATH="$EXTRA_PATH$PATH" run "${RUNNER[@]}" "$DASH" "$script" "$@"
            ;;
        busybox)
            if [ -z "$BUSYBOX" ]; then
                if [ "${CI:-}" = true ]; then
                    echo "busybox is required when CI=true" >&2
                    return 1
                fi
                skip "busybox not installed"
            fi
            PATH="$EXTRA_PATH$BB_BIN:$PATH" run "${RUNNER[@]}" "$BUSYBOX" sh "$script" "$@"
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

# elf_field SIZE VALUE ORDER: VALUE as SIZE bytes, ORDER le or be.
elf_field() {
    local size=$1 value=$2 order=${3:-le} i shift oct
    for ((i = 0; i < size; i++)); do
        if [ "$order" = be ]; then shift=$((8 * (size - 1 - i))); else shift=$((8 * i)); fi
        if [ "$shift" -ge 64 ]; then shift=63; fi
        printf -v oct %o $(((value >> shift) & 255))
        printf '%b' "\\0$oct"
    done
}

# mkexe PATH KIND MARKER [CLASS [ORDER]]: a minimal ELF executable: its
# header and program header table, then MARKER. KIND static: one PT_LOAD;
# dynamic: a PT_LOAD, then a PT_INTERP. CLASS 64 (default) or 32, ORDER le
# (default) or be.
mkexe() {
    local path=$1 kind=$2 marker=$3 class=${4:-64} order=${5:-le}
    local cls=2 data=1 addr=8 ehsize=64 phentsize=56 phnum=1
    if [ "$class" = 32 ]; then cls=1 addr=4 ehsize=52 phentsize=32; fi
    if [ "$order" = be ]; then data=2; fi
    if [ "$kind" = dynamic ]; then phnum=2; fi
    mkdir -p "$(dirname "$path")"
    {
        printf '\177ELF'
        elf_field 1 "$cls"
        elf_field 1 "$data"
        elf_field 1 1 # EI_VERSION
        elf_field 9 0 # padding
        elf_field 2 2 "$order" # e_type: an executable
        elf_field 2 62 "$order" # e_machine
        elf_field 4 1 "$order" # e_version
        elf_field "$addr" 0 "$order" # e_entry
        elf_field "$addr" "$ehsize" "$order" # e_phoff: right after the header
        elf_field "$addr" 0 "$order" # e_shoff
        elf_field 4 0 "$order" # e_flags
        elf_field 2 "$ehsize" "$order"
        elf_field 2 "$phentsize" "$order"
        elf_field 2 "$phnum" "$order"
        elf_field 6 0 # no section headers
        elf_field 4 1 "$order" # PT_LOAD
        elf_field $((phentsize - 4)) 0
        if [ "$kind" = dynamic ]; then
            elf_field 4 3 "$order" # PT_INTERP
            elf_field $((phentsize - 4)) 0
        fi
        printf '%s' "$marker"
    } >"$1"
    chmod 755 "$path"
}

# exe_is PATH MARKER: PATH is the file made by mkexe with MARKER.
exe_is() {
    [ "$(tail -c "${#2}" "$1")" = "$2" ] || { echo "unexpected end of $1" >&2; return 1; }
}

# links DIR: every symlink under DIR with its text.
links() {
    (cd "$1" && find . -type l -printf '%p -> %l\n' | LC_ALL=C sort)
}

no_backup_left() {
    local left
    left=$(find "$TGT" -maxdepth 1 -name '.init-packs*')
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

# Only packs reach the volume: the top-level files and links of the host's
# packs directory (pom.xml, a README, a hidden file, a link to a pack, a
# dangling link) are never copied, while the packs, hidden ones too, are.
case_top_level_files() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mktext "$SRC/pom.xml" "<project/>"
    mktext "$SRC/README.md" "packs"
    mktext "$SRC/.editorconfig" "root = true"
    mktext "$SRC/core/pack.yaml" "name: core"
    mktext "$SRC/core/pom.xml" "a pack's own file"
    mktext "$SRC/core/sensors/poll.py" "poll" 755
    mktext "$SRC/.hidden-pack/pack.yaml" "name: hidden"
    ln -s core "$SRC/core-link"
    ln -s "$SRC/README.md" "$SRC/readme-link"
    ln -s gone "$SRC/dangling"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(cd "$TGT" && find . -mindepth 1 -maxdepth 1 | LC_ALL=C sort | tr '\n' ' ')" = "./.hidden-pack ./core " ]
    diff -r "$SRC/core/pack.yaml" "$TGT/core/pack.yaml"
    [ "$(cat "$TGT/core/pom.xml")" = "a pack's own file" ]
    [ -x "$TGT/core/sensors/poll.py" ]
    [ "$(cat "$TGT/.hidden-pack/pack.yaml")" = "name: hidden" ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    local name
    for name in pom.xml README.md .editorconfig core-link readme-link dangling; do
        [[ $output == *"init-packs: left out $name: not a directory, so not a pack"* ]]
    done
    [[ $output == *"done: 1 static binaries preserved"* ]]
    no_backup_left
}
@test "top-level files and links of the source never reach the volume, the packs do [dash]" { case_top_level_files dash; }
@test "top-level files and links of the source never reach the volume, the packs do [busybox]" { case_top_level_files busybox; }

# A source with files only holds no pack: nothing is copied, binaries stay.
case_no_pack() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mktext "$SRC/pom.xml" "<project/>"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"WARNING: $SRC holds no pack (no directory): nothing to copy"* ]]
    [ ! -e "$TGT/pom.xml" ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "a source without directories copies nothing [dash]" { case_no_pack dash; }
@test "a source without directories copies nothing [busybox]" { case_no_pack busybox; }

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

# A copy that fails (a host file the script may not read) exits non-zero,
# names the failure, leaves no work directory and no binary touched.
case_copy_fails() {
    as_unprivileged
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer 750
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer
    mktext "$SRC/core/secret.yaml" "s" 600
    unprivileged_owns "$TGT" "$SRC"
    chown 0:0 "$SRC/core/secret.yaml" 2>/dev/null || chmod 000 "$SRC/core/secret.yaml"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -ne 0 ]
    [[ $output == *"init-packs: ERROR: copy from $SRC to $TGT failed"* ]]
    [[ $output == *"the volume's static binaries were not touched"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    [ "$(stat -c %a "$TGT/core/sensors/attune-core-timer-sensor")" = 750 ]
    no_backup_left
}
@test "failed copy exits non-zero and leaves the binaries alone [dash]" { case_copy_fails dash; }
@test "failed copy exits non-zero and leaves the binaries alone [busybox]" { case_copy_fails busybox; }

# S1: a run killed while copying the host's file of a binary's name left a
# partial host copy in the work directory. The rerun discards it.
case_s1_killed_copy() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer-with-a-longer-tail
    mktext "$SRC/core/pack.yaml" "name: core"
    mkdir -p "$TGT/.init-packs.tmp/stage/core/sensors"
    head -c 9 "$SRC/core/sensors/attune-core-timer-sensor" \
        >"$TGT/.init-packs.tmp/stage/core/sensors/attune-core-timer-sensor"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"removing the work directory of an interrupted run"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    [ -x "$TGT/core/sensors/attune-core-timer-sensor" ]
    [ -f "$TGT/core/pack.yaml" ]
    no_backup_left
}
@test "S1: the partial host copy of a killed run is discarded, the binary kept [dash]" { case_s1_killed_copy dash; }
@test "S1: the partial host copy of a killed run is discarded, the binary kept [busybox]" { case_s1_killed_copy busybox; }

# S1 with a backup of the earlier script version: its binary had been moved
# aside and the killed cp left the start of the host's ELF in its place. The
# rerun must put the backup back, not keep the truncated host copy.
case_s1_legacy_backup() {
    local backup="$TGT/.init-packs-backup.AbC123"
    mkelf "$backup/core/sensors/attune-core-timer-sensor" vol-timer 750
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" host-timer-with-a-longer-tail
    mkdir -p "$TGT/core/sensors"
    head -c 12 "$SRC/core/sensors/attune-core-timer-sensor" >"$TGT/core/sensors/attune-core-timer-sensor"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"found backup left by an interrupted run: $backup"* ]]
    [[ $output == *"recovered core/sensors/attune-core-timer-sensor"* ]]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    [ "$(stat -c %a "$TGT/core/sensors/attune-core-timer-sensor")" = 750 ]
    no_backup_left
}
@test "S1: a legacy backup wins over the truncated host copy a killed run left [dash]" { case_s1_legacy_backup dash; }
@test "S1: a legacy backup wins over the truncated host copy a killed run left [busybox]" { case_s1_legacy_backup busybox; }

# A legacy backup with nothing in the binary's place (killed before cp).
case_legacy_backup_missing_dest() {
    mkelf "$TGT/.init-packs-backup.x1/net/sensors/attune-net-sensor" vol-net
    mktext "$SRC/net/pack.yaml" "name: net"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/net/sensors/attune-net-sensor" vol-net
    [ -f "$TGT/net/pack.yaml" ]
    no_backup_left
}
@test "a legacy backup is put back where the binary is missing [dash]" { case_legacy_backup_missing_dest dash; }
@test "a legacy backup is put back where the binary is missing [busybox]" { case_legacy_backup_missing_dest busybox; }

# S2: symlinks in the volume are replaced, never written through.
case_s2_symlinks() {
    local outside="$BATS_TEST_TMPDIR/outside" before
    mktext "$outside/file" "outside file"
    mktext "$outside/dir/pack.yaml" "outside pack"
    before=$(snapshot "$outside")
    mkdir -p "$TGT/core/sensors"
    ln -s "$outside/file" "$TGT/core/sensors/s"
    ln -s "$outside/dir" "$TGT/linked"
    ln -s "$outside" "$TGT/.init-packs.tmp"
    mktext "$SRC/core/sensors/s" "host s"
    mktext "$SRC/linked/pack.yaml" "host linked"
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(snapshot "$outside")" = "$before" ]
    [ ! -L "$TGT/core/sensors/s" ]
    [ "$(cat "$TGT/core/sensors/s")" = "host s" ]
    [ ! -L "$TGT/linked" ]
    [ "$(cat "$TGT/linked/pack.yaml")" = "host linked" ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "S2: a volume symlink to a file outside is replaced, not written through [dash]" { case_s2_symlinks dash; }
@test "S2: a volume symlink to a file outside is replaced, not written through [busybox]" { case_s2_symlinks busybox; }

# S3: dangling symlinks in the volume do not fail the run.
case_s3_dangling() {
    mkdir -p "$TGT/core" "$TGT/net"
    ln -s v2 "$TGT/core/current"
    ln -s v9 "$TGT/core/stale"
    ln -s gone "$TGT/net/only-in-volume"
    mktext "$SRC/core/current" "host current"
    mkdir -p "$SRC/core/v3" "$SRC/net"
    ln -s v3 "$SRC/core/stale"
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ ! -L "$TGT/core/current" ]
    [ "$(cat "$TGT/core/current")" = "host current" ]
    [ "$(readlink "$TGT/core/stale")" = v3 ]
    [ "$(readlink "$TGT/net/only-in-volume")" = gone ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    no_backup_left
}
@test "S3: dangling symlinks in the volume do not fail the run [dash]" { case_s3_dangling dash; }
@test "S3: dangling symlinks in the volume do not fail the run [busybox]" { case_s3_dangling busybox; }

# Issue 25, item 7: a sensor that is a link to a static binary in the same
# sensors/ directory is kept, link and binary untouched, whatever the host
# has of that name: by a plain name, by ./name, through another such link.
case_link_kept() {
    local sensors="$TGT/core/sensors" before before_links
    mkexe "$sensors/v2" static vol-v2
    mkexe "$sensors/v32" static vol-v32 32 be
    ln -s v2 "$sensors/current"
    ln -s ./v2 "$sensors/dot"
    ln -s .//./current "$sensors/chain"
    ln -s v32 "$sensors/be32"
    ln -s v2 "$sensors/pinned"
    mkexe "$SRC/core/sensors/current" dynamic stale-current
    mkexe "$SRC/core/sensors/v2" dynamic stale-v2
    mktext "$SRC/core/sensors/dot" "host dot"
    mktext "$SRC/core/sensors/chain" "host chain"
    mktext "$SRC/core/sensors/be32" "host be32"
    mktext "$SRC/core/sensors/pinned/file" "host directory"
    mktext "$SRC/core/pack.yaml" "name: core"
    before=$(snapshot "$sensors")
    before_links=$(links "$sensors")

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(snapshot "$sensors")" = "$before" ] || { diff <(echo "$before") <(snapshot "$sensors") >&2; false; }
    [ "$(links "$sensors")" = "$before_links" ]
    [ "$(readlink "$sensors/current")" = v2 ]
    [ "$(readlink "$sensors/dot")" = ./v2 ]
    [ "$(readlink "$sensors/chain")" = .//./current ]
    [ "$(cat "$TGT/core/pack.yaml")" = "name: core" ]
    [[ $output == *"init-packs: preserved link core/sensors/current -> v2, a static binary beside it (host copy ignored: ELF file in source)"* ]]
    [[ $output == *"init-packs: preserved link core/sensors/dot -> ./v2, a static binary beside it (host copy ignored: non-ELF file in source)"* ]]
    [[ $output == *"init-packs: preserved link core/sensors/chain -> .//./current, a static binary beside it"* ]]
    [[ $output == *"init-packs: preserved link core/sensors/be32 -> v32, a static binary beside it"* ]]
    [[ $output == *"WARNING: kept link core/sensors/pinned to a static binary; the host has a directory of that name"* ]]
    [[ $output == *"done: 2 static binaries preserved, and 5 links to them"* ]]
    no_backup_left
}
@test "a link to a static binary in the same sensors/ is kept, ./name and chains too [dash]" { case_link_kept dash; }
@test "a link to a static binary in the same sensors/ is kept, ./name and chains too [busybox]" { case_link_kept busybox; }

# A link to a dynamically linked ELF file, to a file that only has the ELF
# magic, or to a non-ELF file beside it is replaced; the file it led to is
# not touched (a regular ELF file is kept as ever, see above).
case_link_to_dynamic() {
    local sensors="$TGT/core/sensors" n before
    mkexe "$sensors/dyn" dynamic vol-dyn
    mkexe "$sensors/dyn32" dynamic vol-dyn32 32 be
    mkelf "$sensors/magic-only" vol-magic
    mktext "$sensors/notes.txt" "volume notes"
    ln -s dyn "$sensors/current"
    ln -s ./dyn32 "$sensors/be32"
    ln -s magic-only "$sensors/magic"
    ln -s notes.txt "$sensors/text"
    for n in current be32 magic text; do mktext "$SRC/core/sensors/$n" "host $n"; done
    before=$(cd "$sensors" && sha256sum dyn dyn32 magic-only notes.txt)

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    for n in current be32 magic text; do
        [ ! -L "$sensors/$n" ] || { echo "$n is still a link" >&2; return 1; }
        [ "$(cat "$sensors/$n")" = "host $n" ]
    done
    [ "$(cd "$sensors" && sha256sum dyn dyn32 magic-only notes.txt)" = "$before" ]
    [[ $output != *"preserved link"* ]]
    [[ $output == *"done: 3 static binaries preserved"* ]]
    no_backup_left
}
@test "a link to a dynamic ELF, magic-only or text file beside it is replaced [dash]" { case_link_to_dynamic dash; }
@test "a link to a dynamic ELF, magic-only or text file beside it is replaced [busybox]" { case_link_to_dynamic busybox; }

# Links that leave sensors/, even to come back or to a static binary, are
# replaced, and nothing they led to is written: an absolute path (outside,
# or naming this very directory), ../, a path into another pack, a name with
# a trailing slash, a chain whose second link leaves.
case_link_outside() {
    local outside="$BATS_TEST_TMPDIR/outside" sensors="$TGT/core/sensors" n before_outside before_vol
    mkexe "$outside/static" static outside-static
    mkexe "$TGT/core/static-in-pack" static pack-level
    mkexe "$sensors/v2" static vol-v2
    mkexe "$TGT/net/sensors/v2" static net-v2
    ln -s "$outside/static" "$sensors/abs"
    ln -s "$sensors/v2" "$sensors/abs-inside"
    ln -s ../static-in-pack "$sensors/up"
    ln -s ../sensors/v2 "$sensors/up-and-back"
    ln -s ../../net/sensors/v2 "$sensors/other-pack"
    ln -s v2/ "$sensors/slash"
    ln -s ./hop "$sensors/chain"
    ln -s "$outside/static" "$sensors/hop"
    for n in abs abs-inside up up-and-back other-pack slash chain hop; do
        mktext "$SRC/core/sensors/$n" "host $n"
    done
    before_outside=$(snapshot "$outside")
    before_vol=$(cd "$TGT" && sha256sum core/static-in-pack core/sensors/v2 net/sensors/v2)

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(snapshot "$outside")" = "$before_outside" ]
    [ "$(cd "$TGT" && sha256sum core/static-in-pack core/sensors/v2 net/sensors/v2)" = "$before_vol" ]
    for n in abs abs-inside up up-and-back other-pack slash chain hop; do
        [ ! -L "$sensors/$n" ] || { echo "$n is still a link" >&2; return 1; }
        [ "$(cat "$sensors/$n")" = "host $n" ]
    done
    [[ $output != *"preserved link"* ]]
    no_backup_left
}
@test "a link leading out of sensors/ is replaced, its target untouched [dash]" { case_link_outside dash; }
@test "a link leading out of sensors/ is replaced, its target untouched [busybox]" { case_link_outside busybox; }

# Dangling links, and a link to a directory, in sensors/ are replaced by the
# host's file; one the host has no file for stays as it is.
case_link_dangling() {
    local sensors="$TGT/core/sensors" n
    mkexe "$sensors/v2" static vol-v2
    mkdir -p "$sensors/subdir"
    ln -s gone "$sensors/dangling"
    ln -s ./gone "$sensors/dangling-dot"
    ln -s subdir "$sensors/to-dir"
    ln -s gone "$sensors/only-in-volume"
    for n in dangling dangling-dot to-dir; do mktext "$SRC/core/sensors/$n" "host $n"; done

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    for n in dangling dangling-dot to-dir; do
        [ ! -L "$sensors/$n" ] || { echo "$n is still a link" >&2; return 1; }
        [ "$(cat "$sensors/$n")" = "host $n" ]
    done
    [ -d "$sensors/subdir" ]
    [ "$(readlink "$sensors/only-in-volume")" = gone ]
    exe_is "$sensors/v2" vol-v2
    [[ $output != *"preserved link"* ]]
    no_backup_left
}
@test "a dangling link in sensors/ is replaced [dash]" { case_link_dangling dash; }
@test "a dangling link in sensors/ is replaced [busybox]" { case_link_dangling busybox; }

# Loops end in a verdict: replaced, within seconds (a run is killed after
# 30). So does a chain of 9 links, one more than the script follows, while
# its tail of 8 is kept.
case_link_loop() {
    local sensors="$TGT/core/sensors" n i
    mkexe "$sensors/v2" static vol-v2
    ln -s b "$sensors/a"
    ln -s ./a "$sensors/b"
    ln -s self "$sensors/self"
    ln -s v2 "$sensors/l9"
    for i in 8 7 6 5 4 3 2 1; do ln -s "l$((i + 1))" "$sensors/l$i"; done
    for n in a b self l1 l2; do mktext "$SRC/core/sensors/$n" "host $n"; done
    # coreutils' timeout kills the whole process group: busybox's would kill
    # the script only and leave a looping $(...) subshell holding bats' pipe.
    RUNNER=("$(command -v timeout)" -s KILL 30)

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    for n in a b self l1; do
        [ ! -L "$sensors/$n" ] || { echo "$n is still a link" >&2; return 1; }
        [ "$(cat "$sensors/$n")" = "host $n" ]
    done
    for i in 2 3 4 5 6 7 8; do [ "$(readlink "$sensors/l$i")" = "l$((i + 1))" ]; done
    [ "$(readlink "$sensors/l9")" = v2 ]
    [[ $output == *"preserved link core/sensors/l2 -> l3, a static binary beside it (host copy ignored: non-ELF file in source)"* ]]
    [[ $output != *"preserved link core/sensors/l1 "* ]]
    [[ $output == *"done: 1 static binaries preserved, and 8 links to them"* ]]
    no_backup_left
}
@test "a link loop in sensors/ is replaced and the run ends [dash]" { case_link_loop dash; }
@test "a link loop in sensors/ is replaced and the run ends [busybox]" { case_link_loop busybox; }

# The same with real binaries: busybox (static, as the fixture of the
# kill-point test checks) kept behind a link, dash (dynamic) not.
case_link_real_binaries() {
    local sensors="$TGT/core/sensors" before
    if [ -z "$BUSYBOX" ] || head -c 16384 "$BUSYBOX" | tr -c 'a-z-' '\n' | grep -q '^ld-linux'; then
        if [ "${CI:-}" = true ]; then
            echo "a static busybox (busybox-static) is required when CI=true" >&2
            return 1
        fi
        skip "no static busybox"
    fi
    mkdir -p "$sensors"
    cp "$BUSYBOX" "$sensors/attune-core-timer-sensor"
    cp "$DASH" "$sensors/old-build"
    ln -s attune-core-timer-sensor "$sensors/current"
    ln -s old-build "$sensors/previous"
    mkdir -p "$SRC/core/sensors"
    cp "$DASH" "$SRC/core/sensors/current"
    mktext "$SRC/core/sensors/previous" "host previous"
    before=$(cd "$sensors" && sha256sum attune-core-timer-sensor old-build)

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(readlink "$sensors/current")" = attune-core-timer-sensor ]
    [ ! -L "$sensors/previous" ]
    [ "$(cat "$sensors/previous")" = "host previous" ]
    [ "$(cd "$sensors" && sha256sum attune-core-timer-sensor old-build)" = "$before" ]
    [[ $output == *"preserved link core/sensors/current -> attune-core-timer-sensor, a static binary beside it (host copy ignored: ELF file in source)"* ]]
    no_backup_left
}
@test "real binaries: a link to static busybox is kept, a link to dash replaced [dash]" { case_link_real_binaries dash; }
@test "real binaries: a link to static busybox is kept, a link to dash replaced [busybox]" { case_link_real_binaries busybox; }

# A link to a binary the script cannot read is kept with a WARNING, as that
# binary is (S4).
case_link_unreadable() {
    as_unprivileged
    local sensors="$TGT/core/sensors"
    mkexe "$sensors/v2" static vol-v2
    ln -s v2 "$sensors/current"
    mktext "$SRC/core/sensors/current" "host current"
    unprivileged_owns "$TGT" "$SRC"
    chown 0:0 "$sensors/v2" 2>/dev/null || true
    chmod 0311 "$sensors/v2"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [ "$(readlink "$sensors/current")" = v2 ]
    [[ $output == *"WARNING: kept link core/sensors/current -> v2: cannot read the file it leads to"*"treated as one (host copy ignored: non-ELF file in source)"* ]]
    [[ $output == *"done: 1 static binaries preserved, and 1 links to them"* ]]
    chmod 0755 "$sensors/v2"
    exe_is "$sensors/v2" vol-v2
    no_backup_left
}
@test "a link to an unreadable binary beside it is kept with a warning [dash]" { case_link_unreadable dash; }
@test "a link to an unreadable binary beside it is kept with a warning [busybox]" { case_link_unreadable busybox; }

# S4: a binary the script cannot read (mode 0311, not root) is kept.
case_s4_unreadable() {
    as_unprivileged
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mkelf "$SRC/core/sensors/attune-core-timer-sensor" stale-dynamic
    mktext "$SRC/core/pack.yaml" "name: core"
    unprivileged_owns "$TGT" "$SRC"
    # Root's binary (as init-pack-binaries installs it) or, without root,
    # the user's own: either way mode 0311 hides it from the script.
    chown 0:0 "$TGT/core/sensors/attune-core-timer-sensor" 2>/dev/null || true
    chmod 0311 "$TGT/core/sensors/attune-core-timer-sensor"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    [[ $output == *"WARNING: kept core/sensors/attune-core-timer-sensor: cannot read it"*"treated as one (host copy ignored: ELF file in source)"* ]]
    [[ $output == *"done: 1 static binaries preserved"* ]]
    chmod 0755 "$TGT/core/sensors/attune-core-timer-sensor"
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    [ -f "$TGT/core/pack.yaml" ]
    no_backup_left
}
@test "S4: an unreadable 0311 binary is kept when not running as root [dash]" { case_s4_unreadable dash; }
@test "S4: an unreadable 0311 binary is kept when not running as root [busybox]" { case_s4_unreadable busybox; }

# S5: every spelling of / is refused as the target, before anything is
# written. Unprivileged, so that a broken guard could not write to /.
case_s5_root() {
    as_unprivileged
    unprivileged_owns "$SRC"
    local spelling
    cd "$SRC" || return 1
    for spelling in / // /. /.. /./ //.. /tmp/.. "$SRC/../../../../../../../.." ../../../../../../../..; do
        run_init "$1" "$SRC" "$spelling"
        [ "$status" -eq 2 ] || { echo "target '$spelling': status $status: $output" >&2; return 1; }
        [[ $output == *"init-packs: ERROR: refusing to use '$spelling' as target"* ]]
    done
    [ ! -e /.init-packs.tmp ]
}
@test "S5: every spelling of / is refused as target [dash]" { case_s5_root dash; }
@test "S5: every spelling of / is refused as target [busybox]" { case_s5_root busybox; }

case_overlap() {
    run_init "$1" "$SRC" "$SRC/inner"
    [ "$status" -eq 2 ]
    [[ $output == *"is inside source"* ]]
    [ ! -e "$SRC/inner/.init-packs.tmp" ]
    mkdir -p "$TGT/host"
    run_init "$1" "$TGT/host" "$TGT"
    [ "$status" -eq 2 ]
    [[ $output == *"is inside target"* ]]
}
@test "a target inside the source, or the reverse, is refused [dash]" { case_overlap dash; }
@test "a target inside the source, or the reverse, is refused [busybox]" { case_overlap busybox; }

# Relative names that begin with "-" are names, not options.
case_dash_names() {
    mktext "$BATS_TEST_TMPDIR/-packs/core/pack.yaml" "name: core"
    mkelf "$BATS_TEST_TMPDIR/-volume/core/sensors/attune-core-timer-sensor" vol-timer
    cd "$BATS_TEST_TMPDIR" || return 1

    run_init "$1" -packs -volume
    [ "$status" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR/-volume/core/pack.yaml")" = "name: core" ]
    content_is "$BATS_TEST_TMPDIR/-volume/core/sensors/attune-core-timer-sensor" vol-timer
    run_init "$1" -R -volume
    [ "$status" -eq 1 ]
    [[ $output == *"source directory not found: -R"* ]]
}
@test "relative source and target beginning with '-' [dash]" { case_dash_names dash; }
@test "relative source and target beginning with '-' [busybox]" { case_dash_names busybox; }

# Type clashes: the binary wins over a host directory; a volume directory
# holding a binary wins over a host file; other clashes take the host's side.
case_type_clash() {
    mkelf "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    mktext "$SRC/core/sensors/attune-core-timer-sensor/nested" "host dir"
    mkelf "$TGT/net/sensors/attune-net-sensor" vol-net
    mktext "$SRC/net/sensors" "host file where the volume has sensors/"
    mktext "$TGT/extra/docs" "volume file"
    mktext "$SRC/extra/docs/index.md" "host dir"
    mktext "$TGT/extra/old/readme" "volume dir"
    mktext "$SRC/extra/old" "host file"

    run_init "$1" "$SRC" "$TGT"
    [ "$status" -eq 0 ]
    content_is "$TGT/core/sensors/attune-core-timer-sensor" vol-timer
    content_is "$TGT/net/sensors/attune-net-sensor" vol-net
    [[ $output == *"WARNING: kept static binary core/sensors/attune-core-timer-sensor; the host has a directory of that name"* ]]
    [[ $output == *"WARNING: kept directory net/sensors, which holds static binaries"* ]]
    [ "$(cat "$TGT/extra/docs/index.md")" = "host dir" ]
    [ "$(cat "$TGT/extra/old")" = "host file" ]
    no_backup_left
}
@test "type clashes between host and volume [dash]" { case_type_clash dash; }
@test "type clashes between host and volume [busybox]" { case_type_clash busybox; }

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
