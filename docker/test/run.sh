#!/bin/sh
# Run every check of docker/: shellcheck, compose file validation, a Dockerfile
# check, the kill-point test of init-packs.sh, then the bats tests. Exits
# non-zero if anything fails.
#
# The last line is always "N passed, N failed" for CI. It counts the bats
# tests (from their TAP output) plus each static check above; skipped bats
# tests count as neither and are reported on the line before.
#
# With CI=true a missing tool (shellcheck, bats, docker-compose, busybox, dash,
# setpriv) is a failure; otherwise it is reported and skipped.
#
# What the Dockerfile check covers: always a structural check done here
# (known instruction keywords, FROM first, COPY --from naming an earlier
# stage); with a running engine, BuildKit's parser and
# lint rules via `docker build --check` if supported, else the legacy
# builder's parser. Nothing here builds the image or pulls a base image.
set -u

cd "$(dirname "$0")/../.." || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tally_name=run.sh
# shellcheck source=docker/test/tally.sh
. docker/test/tally.sh

# missing TOOL: record a missing tool; a failure only under CI=true.
missing() {
    if [ "${CI:-}" = true ]; then
        fail "$1 is not installed (required when CI=true)"
    else
        say "SKIP $1 is not installed"
    fi
}

# --- shellcheck -------------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
    find docker -name '*.sh' -type f | LC_ALL=C sort >"$tmp/scripts"
    while IFS= read -r f; do
        # -x: a script that sources another names it (shellcheck source=…) from the root.
        if shellcheck -x "$f"; then pass "shellcheck $f"; else fail "shellcheck $f"; fi
    done <"$tmp/scripts"
    f=docker/test/init-packs.bats
    if shellcheck -s bash "$f"; then pass "shellcheck -s bash $f"; else fail "shellcheck -s bash $f"; fi
else
    missing shellcheck
fi

# --- compose files ----------------------------------------------------------
if command -v docker-compose >/dev/null 2>&1; then
    compose=docker-compose
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    compose="docker compose"
else
    compose=
fi
compose() {
    if [ "$compose" = docker-compose ]; then docker-compose "$@"; else docker compose "$@"; fi
}
if [ -n "$compose" ]; then
    for f in docker/docker-compose.yaml docker/distributable/docker-compose.yaml; do
        # Example value only: the distributable file requires ATTUNE_REGISTRY.
        if ATTUNE_REGISTRY=registry.example.test compose -f "$f" config -q; then
            pass "$compose config $f"
        else
            fail "$compose config $f"
        fi
    done
    f=docker/distributable/docker-compose.yaml
    if (unset ATTUNE_REGISTRY; compose -f "$f" config -q) 2>"$tmp/err"; then
        fail "$f accepted a missing ATTUNE_REGISTRY"
    elif grep -q 'set ATTUNE_REGISTRY' "$tmp/err"; then
        pass "$f requires ATTUNE_REGISTRY"
    else
        cat "$tmp/err" >&2
        fail "$f failed without the ATTUNE_REGISTRY message"
    fi
else
    missing docker-compose
fi

# --- Dockerfile -------------------------------------------------------------
dockerfile=docker/Dockerfile.pack-binaries

# Structural check: instruction keywords (after joining continuation lines),
# FROM or ARG before anything else, COPY --from=<earlier stage>.
structural_check() {
    awk '
        BEGIN {
            n = split("FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL", k, " ")
            for (i = 1; i <= n; i++) known[k[i]] = 1
            bad = 0; seen_from = 0
        }
        function check(line, lineno,   word, w, stage) {
            split(line, w, /[ \t]+/)
            word = toupper(w[1])
            if (!(word in known)) { printf "%d: unknown instruction %s\n", lineno, w[1]; bad = 1; return }
            if (word != w[1]) { printf "%d: instruction %s not upper case\n", lineno, w[1]; bad = 1 }
            if (!seen_from && word != "FROM" && word != "ARG") { printf "%d: %s before FROM\n", lineno, word; bad = 1 }
            if (word == "FROM") {
                seen_from = 1
                if (toupper(w[3]) == "AS") stages[w[4]] = 1
                else if (w[3] != "") { printf "%d: malformed FROM\n", lineno; bad = 1 }
            }
            if (word == "COPY" && w[2] ~ /^--from=/) {
                stage = substr(w[2], 8)
                if (!(stage in stages)) { printf "%d: COPY --from=%s: no earlier stage of that name\n", lineno, stage; bad = 1 }
            }
        }
        # Comments and blank lines, including inside continued instructions.
        /^[ \t]*(#|$)/ { next }
        {
            if (cont == "") start = NR
            line = $0
            if (line ~ /\\[ \t]*$/) { sub(/\\[ \t]*$/, "", line); cont = cont line " "; next }
            check(cont line, start); cont = ""
        }
        END {
            if (cont != "") { print "file ends inside a continued instruction"; bad = 1 }
            if (!seen_from) { print "no FROM"; bad = 1 }
            exit bad
        }
    ' "$1"
}

if structural_check "$dockerfile"; then
    pass "structural check $dockerfile"
else
    fail "structural check $dockerfile"
fi
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    if docker build --help 2>/dev/null | grep -q -- '--check'; then
        if docker build --check -f "$dockerfile" .; then
            pass "docker build --check $dockerfile"
        else
            fail "docker build --check $dockerfile"
        fi
    else
        # The legacy builder parses the whole Dockerfile before pulling
        # anything; asking for a stage that does not exist stops it right
        # there, so "failed to reach build target" means it parsed cleanly.
        mkdir "$tmp/empty-context"
        docker build --target parse-only-no-such-stage -f - "$tmp/empty-context" \
            <"$dockerfile" >"$tmp/parse" 2>&1
        if grep -q 'failed to reach build target parse-only-no-such-stage' "$tmp/parse"; then
            pass "docker engine parses $dockerfile (legacy builder, no --check)"
        else
            cat "$tmp/parse" >&2
            fail "docker engine parses $dockerfile (legacy builder, no --check)"
        fi
    fi
else
    missing "a running Docker engine (docker info)"
fi

# --- compose end to end (needs a busybox image: the test environment's base) --
SMOKE_BASE_IMAGE="${SMOKE_BASE_IMAGE:-${PACK_TEST_BASE_IMAGE:-}}"
export SMOKE_BASE_IMAGE
if [ -n "$SMOKE_BASE_IMAGE" ]; then
    if docker/test/compose-smoke.sh; then
        pass "compose smoke run with $SMOKE_BASE_IMAGE"
    else
        fail "compose smoke run with $SMOKE_BASE_IMAGE"
    fi
else
    missing "a busybox image for the compose smoke run (SMOKE_BASE_IMAGE or PACK_TEST_BASE_IMAGE)"
fi

# --- kill points of init-packs.sh --------------------------------------------
# Exit status 77: a tool is missing (the script itself fails under CI=true).
docker/test/init-packs-killpoints.sh >"$tmp/killpoints" 2>&1
killpoints_status=$?
cat "$tmp/killpoints"
case $killpoints_status in
    0) pass "init-packs.sh kill points: $(tail -n 1 "$tmp/killpoints" | sed 's/^init-packs-killpoints: //')" ;;
    77) missing "a tool of the init-packs.sh kill-point test" ;;
    *) fail "init-packs.sh kill points: $(tail -n 1 "$tmp/killpoints" | sed 's/^init-packs-killpoints: //')" ;;
esac

# --- bats -------------------------------------------------------------------
bats_passed=0
bats_failed=0
bats_skipped=0
if command -v bats >/dev/null 2>&1; then
    bats --tap docker/test/init-packs.bats >"$tmp/tap" 2>&1
    bats_status=$?
    cat "$tmp/tap"
    bats_skipped=$(grep -c '^ok .* # skip' "$tmp/tap")
    bats_passed=$(($(grep -c '^ok ' "$tmp/tap") - bats_skipped))
    bats_failed=$(grep -c '^not ok ' "$tmp/tap")
    # A crash before any test ran leaves no "not ok" lines; count it once.
    if [ "$bats_status" -ne 0 ] && [ "$bats_failed" -eq 0 ]; then
        bats_failed=1
    fi
    passed=$((passed + bats_passed))
    failed=$((failed + bats_failed))
    say "bats: $bats_passed passed, $bats_failed failed, $bats_skipped skipped"
else
    missing bats
fi

finish
