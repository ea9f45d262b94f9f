#!/bin/sh
# Copy the host's packs into the packs volume without ever losing one of the
# static sensor binaries that the init-pack-binaries container put there first.
#
# Usage: init-packs.sh [SOURCE_DIR] [TARGET_DIR]
#   SOURCE_DIR  default: $PACKS_SOURCE, else /source/packs
#   TARGET_DIR  default: $PACKS_TARGET, else /opt/attune/packs
#
# What wins: a static binary is a regular file TARGET/<pack>/sensors/<name>
# that starts with the ELF magic. It is never written, moved or deleted, and
# the host's file of that name is ignored (a plain `cp -rf` once replaced the
# fresh static binary with a stale, dynamically linked one from the host).
# Every other host file replaces the volume's.
#
# A symlink TARGET/<pack>/sensors/<name> is kept too, untouched, when it names
# a static binary in that same sensors/ directory (`current -> v2`, `./v2`, or
# through other such links, at most 8): a link is one way to name the binary
# the volume runs, and replacing it with the host's file would swap in the
# stale copy. "Static" is checked here: an ELF executable whose program
# headers ask for no interpreter (PT_INTERP). The link is resolved by reading
# it, one hop at a time, never following it: a link leaving sensors/ (an
# absolute path, even to that directory, a name with "/" such as ../x),
# dangling, looping, or ending at a directory, a non-ELF or a dynamically
# linked file is replaced as any other link. A link whose final file cannot
# be read is kept, with a WARNING, as that file is (below).
#
# Only packs are installed: a pack is a top-level directory of SOURCE. Its
# top-level regular files and links (the packs POM, READMEs, build files, a
# link to a directory) are never copied, not even into the work directory.
#
# Crash safety: the container may be killed at any instant and rerun.
#   1. SOURCE's packs are copied whole, in one cp, into the work directory
#      TARGET/.init-packs.tmp, which is on the volume's filesystem, so moving
#      out of it is a rename.
#   2. Each staged entry is renamed into place. A rename replaces a file
#      atomically. A symlink in the volume that is replaced is removed, never
#      written through, so nothing outside TARGET is written; a kept one is
#      not touched. A new directory moves as a whole.
#   3. The work directory is removed.
# A killed run leaves only the work directory, which holds nothing but copies
# of host files; the next run deletes it and starts over. The volume's binaries
# are not touched at any step, so there is no instant at which one is missing.
# Volume directories and new files keep what a rename gives them; existing
# directories keep their mode. Run one init-packs.sh per volume at a time.
#
# When the script cannot tell whether a volume file is a static binary (a
# regular file in <pack>/sensors/ that it cannot read, e.g. mode 0311 when not
# running as root, or whose read fails), it keeps the file as if it were one
# and prints a WARNING naming it: keeping a stale file costs a manual fix,
# replacing a binary loses it.
#
# Backups left in TARGET/.init-packs-backup.* by a killed run of the earlier
# version of this script are put back first, unless the volume has since
# received an ELF file that is not (a prefix of) the host's copy.
#
# Plain POSIX sh: runs under dash (python:3.11-slim) and busybox sh, and needs
# only od, tr, cmp, cp, mv, mkdir, rm, wc, id and readlink (no `file`).
set -eu

log() { printf 'init-packs: %s\n' "$*"; }
warn() { printf 'init-packs: WARNING: %s\n' "$*" >&2; }
err() { printf 'init-packs: ERROR: %s\n' "$*" >&2; }

if [ "$#" -gt 2 ]; then
    err "usage: init-packs.sh [SOURCE_DIR] [TARGET_DIR]"
    exit 2
fi
SOURCE=${1:-${PACKS_SOURCE:-/source/packs}}
TARGET=${2:-${PACKS_TARGET:-/opt/attune/packs}}

# Physical absolute path of directory $1. A "./" prefix keeps a relative name
# that starts with "-" from being read as an option, and CDPATH out of play.
resolve() {
    case $1 in
        /*) set -- "$1" ;;
        *) set -- "./$1" ;;
    esac
    (cd -P -- "$1" 2>/dev/null && pwd -P)
}

if [ ! -d "$SOURCE" ]; then
    err "source directory not found: $SOURCE"
    exit 1
fi
SOURCE=$(resolve "$SOURCE")
case $TARGET in
    /*) made=$TARGET ;;
    *) made=./$TARGET ;;
esac
if ! mkdir -p -- "$made"; then
    err "cannot create target directory $TARGET; give the packs volume's mount point"
    exit 1
fi
GIVEN_TARGET=$TARGET
TARGET=$(resolve "$TARGET") || TARGET=
# Every spelling of / (//, /., /.., a path through ..) resolves to "/".
if [ -z "$TARGET" ] || [ "$TARGET" = / ]; then
    err "refusing to use '$GIVEN_TARGET' as target: it is / (or cannot be resolved); give the packs volume's mount point"
    exit 2
fi
if [ "$SOURCE" = / ]; then
    err "refusing to use / as source; give the host's packs directory"
    exit 2
fi
case $TARGET/ in
    "$SOURCE"/*)
        err "target $TARGET is inside source $SOURCE; give two separate directories"
        exit 2
        ;;
esac
case $SOURCE/ in
    "$TARGET"/*)
        err "source $SOURCE is inside target $TARGET; give two separate directories"
        exit 2
        ;;
esac

WORK=$TARGET/.init-packs.tmp
STAGE=$WORK/stage
LEGACY_PREFIX=.init-packs-backup.

# Prints elf, other or unknown (cannot be read) for file $1.
elf_kind() {
    if [ ! -r "$1" ]; then
        echo unknown
        return 0
    fi
    if ! magic=$(od -An -tx1 -N4 "$1" 2>/dev/null); then
        echo unknown
        return 0
    fi
    if [ "$(printf '%s' "$magic" | tr -d ' \t\n')" = 7f454c46 ]; then
        echo elf
    else
        echo other
    fi
}

# Sets num to the number that the decimal bytes $2... make, little-endian if
# $1 is 1 (ELFDATA2LSB), else big-endian; -1 if it is 2^31 or more.
bytes_num() {
    if [ "$1" = 1 ]; then
        bn_rev=
        shift
        for bn_b; do bn_rev="$bn_b $bn_rev"; done
        # shellcheck disable=SC2086 # one byte a word
        set -- 0 $bn_rev
    fi
    shift
    num=0
    for bn_b; do
        if [ "$num" -ge 8388608 ]; then
            num=-1
            return 0
        fi
        num=$((num * 256 + bn_b))
    done
}

# True if ELF file $1 is an executable or shared object (static-pie) whose
# program header table has no PT_INTERP entry: it needs no dynamic loader.
# A header or table that cannot be read whole, or that is not as a linker
# writes it, counts as not static.
elf_static() {
    es_file=$1
    # shellcheck disable=SC2046 # one byte a word
    set -- $(od -An -v -tu1 -N64 "$es_file" 2>/dev/null)
    es_order=${6:-}
    case ${5:-}:$es_order in
        1:[12])
            [ "$#" -ge 52 ] || return 1
            es_size=32
            bytes_num "$es_order" "${29}" "${30}" "${31}" "${32}"
            es_phoff=$num
            bytes_num "$es_order" "${43}" "${44}"
            es_phentsize=$num
            bytes_num "$es_order" "${45}" "${46}"
            es_phnum=$num
            ;;
        2:[12])
            [ "$#" -ge 64 ] || return 1
            es_size=56
            bytes_num "$es_order" "${33}" "${34}" "${35}" "${36}" "${37}" "${38}" "${39}" "${40}"
            es_phoff=$num
            bytes_num "$es_order" "${55}" "${56}"
            es_phentsize=$num
            bytes_num "$es_order" "${57}" "${58}"
            es_phnum=$num
            ;;
        *) return 1 ;;
    esac
    # e_type: 2 an executable, 3 a shared object (a PIE, static or not).
    bytes_num "$es_order" "${17}" "${18}"
    case $num in
        2 | 3) ;;
        *) return 1 ;;
    esac
    if [ "$es_phoff" -le 0 ] || [ "$es_phentsize" -ne "$es_size" ] ||
        [ "$es_phnum" -lt 1 ] || [ "$es_phnum" -gt 128 ]; then
        return 1
    fi
    es_len=$((es_phnum * es_phentsize))
    # shellcheck disable=SC2046 # one byte a word
    set -- $(od -An -v -tu1 -j "$es_phoff" -N "$es_len" "$es_file" 2>/dev/null)
    [ "$#" -eq "$es_len" ] || return 1
    # p_type is the first word of each entry; PT_INTERP is 3.
    while [ "$#" -gt 0 ]; do
        case $es_order:$1.$2.$3.$4 in
            1:3.0.0.0 | 2:0.0.0.3) return 1 ;;
        esac
        shift "$es_phentsize"
    done
    return 0
}

NL='
'

# Prints keep if symlink $2 (relative path $1, <pack>/sensors/<name>) leads,
# within its own sensors/ directory, to a static binary or a file that cannot
# be read; else replace. Reads each link of the chain, never follows one: a
# hop must be a plain name of that directory, "./" prefixes allowed.
link_verdict() {
    lv_dir=${2%/*}
    if [ -L "$lv_dir" ] || [ -L "${lv_dir%/*}" ] || [ ! -d "$lv_dir" ]; then
        echo replace
        return 0
    fi
    lv_name=${2##*/}
    lv_hops=0
    while [ -L "$lv_dir/$lv_name" ]; do
        lv_hops=$((lv_hops + 1))
        # Loops and long chains end here.
        if [ "$lv_hops" -gt 8 ]; then
            echo replace
            return 0
        fi
        # The "." keeps a link text's own trailing newlines.
        if ! lv_text=$(readlink "$lv_dir/$lv_name" && echo .); then
            echo replace
            return 0
        fi
        lv_text=${lv_text%.}
        lv_text=${lv_text%"$NL"}
        case $lv_text in
            /*) echo replace; return 0 ;;
        esac
        while :; do
            case $lv_text in
                ./*) lv_text=${lv_text#./} ;;
                /*) lv_text=${lv_text#/} ;;
                *) break ;;
            esac
        done
        case $lv_text in
            '' | . | .. | */*) echo replace; return 0 ;;
        esac
        lv_name=$lv_text
    done
    # Not a link: a dangling name, a directory or another kind of file ends
    # the chain with a replace.
    if [ ! -f "$lv_dir/$lv_name" ]; then
        echo replace
        return 0
    fi
    case $(elf_kind "$lv_dir/$lv_name") in
        unknown) echo keep ;;
        elf)
            if elf_static "$lv_dir/$lv_name"; then echo keep; else echo replace; fi
            ;;
        *) echo replace ;;
    esac
}

# Prints keep if volume path $2 (relative path $1) is a static binary, or
# cannot be told apart from one, or a link kept by link_verdict; else replace.
verdict() {
    case $1 in
        */*/*/*) echo replace; return 0 ;;
        */sensors/*) ;;
        *) echo replace; return 0 ;;
    esac
    if [ -L "$2" ]; then
        link_verdict "$1" "$2"
        return 0
    fi
    if [ ! -f "$2" ]; then
        echo replace
        return 0
    fi
    case $(elf_kind "$2") in
        other) echo replace ;;
        *) echo keep ;;
    esac
}

# True if volume directory $2 (relative path $1) holds a file to keep.
holds_kept_file() {
    case $1 in
        */*) set -- "$2"/* "$2"/.[!.]* "$2"/..?* ;;
        *) set -- "$2"/sensors/* "$2"/sensors/.[!.]* "$2"/sensors/..?* ;;
    esac
    for f; do
        [ -e "$f" ] || continue
        [ "$(verdict "${f#"$TARGET"/}" "$f")" = keep ] && return 0
    done
    return 1
}

# Describe the host file that a kept binary takes precedence over.
host_note() {
    if [ -L "$SOURCE/$1" ]; then
        printf ' (host copy ignored: symlink in source)'
    elif [ -f "$SOURCE/$1" ] && [ "$(elf_kind "$SOURCE/$1")" = elf ]; then
        printf ' (host copy ignored: ELF file in source)'
    elif [ -e "$SOURCE/$1" ]; then
        printf ' (host copy ignored: non-ELF file in source)'
    fi
}

# Make $1 (inside TARGET, its parent already a real directory) a real
# directory: a symlink or a file there is removed first.
real_dir() {
    if [ -L "$1" ] || { [ -e "$1" ] && [ ! -d "$1" ]; }; then
        rm -f -- "$1"
    fi
    if [ ! -d "$1" ]; then
        mkdir -- "$1"
    fi
}

# Put back the binaries that the earlier version of this script had moved into
# TARGET/.init-packs-backup.* when it was killed. The volume file of the same
# name is whatever that run's `cp` left: nothing, a part of the host's file,
# all of it, or, if init-pack-binaries ran since, a newer binary. Only the
# last one is kept.
recover_legacy_backups() {
    for old in "$TARGET/$LEGACY_PREFIX"*; do
        if [ -L "$old" ] || [ ! -d "$old" ]; then continue; fi
        log "found backup left by an interrupted run: $old"
        for saved in "$old"/*/sensors/* "$old"/*/sensors/.[!.]* "$old"/*/sensors/..?*; do
            if [ -L "$saved" ] || [ ! -f "$saved" ]; then continue; fi
            rel=${saved#"$old"/}
            dest=$TARGET/$rel
            if [ -f "$dest" ] && [ ! -L "$dest" ] && [ "$(elf_kind "$dest")" = elf ] &&
                ! is_part_of "$dest" "$SOURCE/$rel"; then
                log "kept newer binary $rel; discarding its old backup"
                rm -f -- "$saved"
                continue
            fi
            pack=${rel%%/*}
            real_dir "$TARGET/$pack"
            real_dir "$TARGET/$pack/sensors"
            if [ -d "$dest" ] && [ ! -L "$dest" ]; then
                rm -rf -- "$dest"
            fi
            mv -f -- "$saved" "$dest"
            log "recovered $rel from $old"
        done
        rm -rf -- "$old"
    done
}

# True if file $1 is all or the start of file $2 (what a killed cp leaves).
is_part_of() {
    [ -f "$2" ] || return 1
    size=$(wc -c <"$1") || return 1
    size=$((size + 0))
    [ "$size" -eq 0 ] && return 0
    cmp -s -n "$size" -- "$1" "$2"
}

# Log every static binary of the volume, and every link kept as one (these
# are never touched).
list_kept() {
    kept=0
    kept_links=0
    for f in "$TARGET"/*/sensors/* "$TARGET"/*/sensors/.[!.]* "$TARGET"/*/sensors/..?*; do
        [ -e "$f" ] || continue
        rel=${f#"$TARGET"/}
        [ "$(verdict "$rel" "$f")" = keep ] || continue
        if [ -L "$f" ]; then
            kept_links=$((kept_links + 1))
            if [ "$(elf_kind "$f")" = elf ]; then
                log "preserved link $rel -> $(readlink "$f"), a static binary beside it$(host_note "$rel")"
            else
                warn "kept link $rel -> $(readlink "$f"): cannot read the file it leads to (as uid $(id -u)) to tell whether it is a static binary, so it is treated as one$(host_note "$rel")"
            fi
            continue
        fi
        kept=$((kept + 1))
        if [ "$(elf_kind "$f")" = elf ]; then
            log "preserved static binary $rel$(host_note "$rel")"
        else
            warn "kept $rel: cannot read it (as uid $(id -u)) to tell whether it is a static binary, so it is treated as one$(host_note "$rel")"
        fi
    done
}

# Rename the entries of staged directory $1 into TARGET/$2 ($2 is "" or ends
# in "/"). Runs in a subshell per directory, so its variables stay its own.
merge_dir() {
    for s in "$1"/* "$1"/.[!.]* "$1"/..?*; do
        [ -e "$s" ] || [ -L "$s" ] || continue
        rel=$2${s##*/}
        dest=$TARGET/$rel
        case $rel in
            .init-packs*)
                warn "skipped $rel from the source: the name is reserved for init-packs.sh"
                continue
                ;;
        esac
        if [ -d "$s" ] && [ ! -L "$s" ]; then
            if [ -L "$dest" ] || { [ -e "$dest" ] && [ ! -d "$dest" ]; }; then
                if [ "$(verdict "$rel" "$dest")" = keep ]; then
                    if [ -L "$dest" ]; then
                        warn "kept link $rel to a static binary; the host has a directory of that name"
                    else
                        warn "kept static binary $rel; the host has a directory of that name"
                    fi
                    continue
                fi
                rm -f -- "$dest"
            fi
            if [ -d "$dest" ]; then
                (merge_dir "$s" "$rel/")
            else
                mv -f -- "$s" "$dest"
            fi
            continue
        fi
        if [ "$(verdict "$rel" "$dest")" = keep ]; then
            continue
        fi
        if [ -L "$dest" ]; then
            rm -f -- "$dest"
        elif [ -d "$dest" ]; then
            if holds_kept_file "$rel" "$dest"; then
                warn "kept directory $rel, which holds static binaries; the host has a file of that name"
                continue
            fi
            rm -rf -- "$dest"
        fi
        mv -f -- "$s" "$dest"
    done
}

on_exit() {
    status=$?
    set +e
    trap - EXIT
    rm -rf -- "$WORK"
    [ "$status" -ne 0 ] || status=1
    err "the copy did not complete (exit status $status); the volume's static binaries were not touched; fix the error above and rerun init-packs.sh"
    exit "$status"
}

recover_legacy_backups
if [ -e "$WORK" ] || [ -L "$WORK" ]; then
    log "removing the work directory of an interrupted run: $WORK"
    rm -rf -- "$WORK"
fi
list_kept

trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

log "copying the packs of $SOURCE into $TARGET"
mkdir -p -- "$STAGE"
# The packs, hidden ones too, as cp's operands: only directories are packs.
set --
for entry in "$SOURCE"/* "$SOURCE"/.[!.]* "$SOURCE"/..?*; do
    if [ -d "$entry" ] && [ ! -L "$entry" ]; then
        set -- "$@" "$entry"
    elif [ -e "$entry" ] || [ -L "$entry" ]; then
        log "left out ${entry##*/}: not a directory, so not a pack"
    fi
done
[ "$#" -gt 0 ] || warn "$SOURCE holds no pack (no directory): nothing to copy"
# -p keeps mode bits (sensors stay executable) and timestamps, so a rerun
# produces the same tree.
if [ "$#" -gt 0 ] && ! cp -R -p -- "$@" "$STAGE/"; then
    err "copy from $SOURCE to $TARGET failed"
    exit 1
fi
merge_dir "$STAGE" ""
rm -rf -- "$WORK"
trap - EXIT HUP INT TERM
if [ "$kept_links" -gt 0 ]; then
    log "done: $kept static binaries preserved, and $kept_links links to them"
else
    log "done: $kept static binaries preserved"
fi
