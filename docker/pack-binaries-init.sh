#!/bin/sh
# Entrypoint of the pack-binaries-init image (Dockerfile.pack-binaries):
# install the static sensor binaries baked into the image into the packs volume.
#
# Usage: pack-binaries-init.sh [FROM_DIR] [TO_DIR]
#   FROM_DIR  default: $PACK_BINARIES_FROM, else /pack-binaries
#   TO_DIR    default: $PACK_BINARIES_TO, else /packs
# Copies FROM_DIR/<pack>/sensors/* to TO_DIR/<pack>/sensors/, keeping mode bits.
set -eu

log() { printf 'pack-binaries-init: %s\n' "$*"; }

FROM=${1:-${PACK_BINARIES_FROM:-/pack-binaries}}
TO=${2:-${PACK_BINARIES_TO:-/packs}}

count=0
for f in "$FROM"/*/sensors/*; do
    [ -f "$f" ] || continue
    rel=${f#"$FROM"/}
    dest=$TO/$rel
    mkdir -p "${dest%/*}"
    # Copy beside the destination, then rename: overwriting a binary in place
    # fails with "Text file busy" while a sensor is still running it.
    cp -p "$f" "$dest.tmp.$$"
    mv -f "$dest.tmp.$$" "$dest"
    log "installed $rel ($(wc -c <"$dest" | tr -d ' ') bytes, mode $(stat -c %a "$dest"))"
    count=$((count + 1))
done

if [ "$count" -eq 0 ]; then
    log "no binaries found under $FROM/*/sensors/" >&2
    exit 1
fi
log "done: $count binaries installed into $TO"
