#!/bin/sh
# Copy the host's packs into the packs volume without clobbering the static
# sensor binaries that the init-pack-binaries container put there first.
#
# Usage: init-packs.sh [SOURCE_DIR] [TARGET_DIR]
#   SOURCE_DIR  default: $PACKS_SOURCE, else /source/packs
#   TARGET_DIR  default: $PACKS_TARGET, else /opt/attune/packs
#
# Why: a plain `cp -rf` from the host replaced the fresh static binary with a
# stale, dynamically linked one from the host's packs/ directory. ELF files in
# TARGET/<pack>/sensors/ are therefore moved aside before the copy and moved
# back afterwards, so the volume's binaries always win over host files.
#
# Plain POSIX sh: runs under dash (python:3.11-slim) and busybox sh, and needs
# only od, tr, cmp, cp, mv, mkdir, mktemp and rm (no `file`).
set -eu

log() { printf 'init-packs: %s\n' "$*"; }
err() { printf 'init-packs: ERROR: %s\n' "$*" >&2; }

if [ "$#" -gt 2 ]; then
    err "usage: init-packs.sh [SOURCE_DIR] [TARGET_DIR]"
    exit 2
fi
SOURCE=${1:-${PACKS_SOURCE:-/source/packs}}
TARGET=${2:-${PACKS_TARGET:-/opt/attune/packs}}
# Relative paths printed in the log are computed by stripping "$TARGET/".
SOURCE=${SOURCE%/}
TARGET=${TARGET%/}
if [ -z "$SOURCE" ] || [ -z "$TARGET" ]; then
    err "refusing to use / as source or target"
    exit 2
fi

# Backups live inside TARGET so that moving a binary there is a rename on the
# same filesystem. The leading dot keeps the directory out of the */ globs.
BACKUP_PREFIX=.init-packs-backup.
BACKUP=
KEEP_BACKUP=0

# True if $1 is a readable regular file starting with the ELF magic 7f 45 4c 46.
is_elf() {
    [ -f "$1" ] && [ -r "$1" ] || return 1
    magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \t\n') || return 1
    [ "$magic" = 7f454c46 ]
}

# Move backed-up file $1 to $2, replacing whatever the copy put there.
put_back() {
    mkdir -p "${2%/*}" || return 1
    # mv onto a directory (or a symlink to one) would move *into* it.
    if [ -L "$2" ] || [ -d "$2" ]; then
        rm -rf "$2" || return 1
    fi
    mv -f "$1" "$2"
}

# Describe the host file that a preserved binary takes precedence over.
host_note() {
    if is_elf "$SOURCE/$1"; then
        printf ' (host copy ignored: ELF file in source)'
    elif [ -e "$SOURCE/$1" ] || [ -L "$SOURCE/$1" ]; then
        printf ' (host copy ignored: non-ELF file in source)'
    fi
}

# Move every file of backup directory $1 back into TARGET. Returns non-zero if
# any file could not be moved back; such files stay in the backup.
restore_all() {
    failed=0
    for saved in "$1"/*/sensors/*; do
        [ -e "$saved" ] || [ -L "$saved" ] || continue
        rel=${saved#"$1"/}
        if put_back "$saved" "$TARGET/$rel"; then
            log "preserved static binary $rel$(host_note "$rel")"
        else
            err "could not move $rel back from $1"
            failed=1
        fi
    done
    return "$failed"
}

# A backup left by a run that was killed (no trap runs on SIGKILL) holds the
# volume's binaries from before that run. Put them back unless the volume has
# since received a different ELF file that is not simply the host's copy
# (i.e. init-pack-binaries installed a newer build).
recover_leftovers() {
    for old in "$TARGET"/"$BACKUP_PREFIX"*; do
        [ -d "$old" ] || continue
        log "found backup left by an interrupted run: $old"
        for saved in "$old"/*/sensors/*; do
            [ -e "$saved" ] || [ -L "$saved" ] || continue
            rel=${saved#"$old"/}
            dest=$TARGET/$rel
            if is_elf "$dest" && ! cmp -s "$dest" "$SOURCE/$rel" 2>/dev/null; then
                log "kept newer binary $rel; discarding its old backup"
                rm -f "$saved"
            elif put_back "$saved" "$dest"; then
                log "recovered $rel from $old"
            else
                err "could not recover $rel; backup kept at $old"
                exit 1
            fi
        done
        rm -rf "$old"
    done
}

on_exit() {
    status=$?
    set +e
    trap - EXIT
    if [ -n "$BACKUP" ] && [ -d "$BACKUP" ] && [ "$KEEP_BACKUP" -eq 0 ]; then
        log "restoring preserved binaries after failure (exit status $status)"
        if restore_all "$BACKUP"; then
            rm -rf "$BACKUP"
            err "the copy did not complete; preserved binaries were restored"
        else
            err "backup kept at $BACKUP: move its files back into $TARGET by hand, or rerun init-packs.sh"
        fi
    fi
    [ "$status" -ne 0 ] || status=1
    exit "$status"
}

if [ ! -d "$SOURCE" ]; then
    err "source directory not found: $SOURCE"
    exit 1
fi
mkdir -p "$TARGET"
recover_leftovers

BACKUP=$(mktemp -d "$TARGET/${BACKUP_PREFIX}XXXXXX")
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

preserved=0
for f in "$TARGET"/*/sensors/*; do
    # Symlinks are not binaries of the volume; let the copy handle them.
    if [ -L "$f" ] || ! is_elf "$f"; then
        continue
    fi
    rel=${f#"$TARGET"/}
    mkdir -p "$BACKUP/${rel%/*}"
    mv -f "$f" "$BACKUP/$rel"
    preserved=$((preserved + 1))
done

log "copying $SOURCE into $TARGET"
# -p keeps mode bits (sensors stay executable) and timestamps, so a rerun
# produces the same tree. "$SOURCE/." also copies hidden files.
if ! cp -R -p -f "$SOURCE/." "$TARGET/"; then
    err "copy from $SOURCE to $TARGET failed"
    exit 1
fi

if ! restore_all "$BACKUP"; then
    KEEP_BACKUP=1
    err "backup kept at $BACKUP: move its files back into $TARGET by hand, or rerun init-packs.sh"
    exit 1
fi
rm -rf "$BACKUP"
trap - EXIT HUP INT TERM
log "done: $preserved static binaries preserved"
