#!/bin/sh
# Every documented command ran: each command of a ```sh block in README.md and in the site's pages
# (src/site/markdown/*.md) must be in the ledger of a test that ran it as written
# (target/doc-commands/ran-*.txt: docker/test/readme-release.sh, site-recipes.sh,
# split-release.sh, scripts/test/release-bundle.sh), or in the exceptions below, each with its
# reason. Fails naming every other command with its page and line. Run it after those tests
# (make test runs it last, as make test-doc-commands).
#
# Usage: docker/test/doc-commands-check.sh   (prints "N passed, N failed" last)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=docker/test/doc-commands.sh
. "$repo/docker/test/doc-commands.sh"
ledgers=$repo/target/doc-commands
tab=$(printf '\t')

# The exceptions: COMMAND<TAB>CONDITION<TAB>REASON. The exception holds only while CONDITION (a
# shell command) succeeds. Keep this list as short as it is.
exceptions() {
    cat <<'EOF'
mvn package -Dpack.container.engine=podman	! command -v podman >/dev/null	podman is not installed on the test machines, whose engine is Docker; where podman is installed the exception lapses, and this check fails until a test runs the recipe
EOF
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
doc_commands_located >"$work/documented"
[ -s "$work/documented" ] || { echo "doc-commands: no command found in the docs' sh blocks" >&2; exit 1; }
if ! ls "$ledgers"/ran-*.txt >/dev/null 2>&1; then
    echo "doc-commands: no ledger in target/doc-commands/: run make test-release, test-site-recipes," \
        "test-split-release and test-release-bundle first" >&2
    exit 1
fi
cat "$ledgers"/ran-*.txt | LC_ALL=C sort -u >"$work/ran"
for ledger in "$ledgers"/ran-*.txt; do
    echo "doc-commands: ${ledger#"$repo"/}: $(LC_ALL=C sort -u "$ledger" | wc -l) documented commands run"
done

passed=0
failed=0
while IFS=$tab read -r where command; do
    if grep -qxF -e "$command" "$work/ran"; then
        passed=$((passed + 1))
        continue
    fi
    excepted=
    while IFS=$tab read -r excepted_command condition reason; do
        if [ "$excepted_command" = "$command" ] && sh -c "$condition"; then
            excepted=$reason
        fi
    done <<EOF
$(exceptions)
EOF
    if [ -n "$excepted" ]; then
        echo "doc-commands: not run, excepted: $where: $command ($excepted)"
        passed=$((passed + 1))
    else
        echo "doc-commands: FAIL no test ran $where: $command"
        failed=$((failed + 1))
    fi
done <"$work/documented"
# An exception for a command the docs no longer have is stale.
while IFS=$tab read -r excepted_command _condition _reason; do
    if ! cut -f2- "$work/documented" | grep -qxF -e "$excepted_command"; then
        echo "doc-commands: FAIL the exception for a command no page has: $excepted_command"
        failed=$((failed + 1))
    fi
done <<EOF
$(exceptions)
EOF
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
