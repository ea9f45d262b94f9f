#!/usr/bin/env bash
# Copies the repository's files as a fresh clone would have them (tracked and new files, nothing
# that .gitignore keeps out: no target/, no staged sensor) into DEST, for tests that must start
# from a clean tree without touching this one. Uncommitted edits are included.
#
# Usage: scripts/test/fresh-copy.sh DEST
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dest"
cd "$repo"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    # A tracked file deleted in the work tree is not part of the copy.
    if [ -e "$f" ] || [ -L "$f" ]; then
        cp -P --parents "$f" "$dest"
    fi
done
