# shellcheck shell=sh
# The tally every docker/test script keeps (sourced, after setting tally_name, the prefix of its
# lines):
#   say TEXT, pass TEXT, fail TEXT   one line of the script's; pass and fail are counted
#   finish                           prints the counts; fails when anything failed
#   plain FILE                       FILE without the colours Maven and docker-compose write
#                                    even into a file, for checks that read plain text

: "${tally_name:?set tally_name before sourcing tally.sh}"
passed=0
failed=0

say() { printf '%s: %s\n' "$tally_name" "$*"; }
pass() { passed=$((passed + 1)); say "PASS $*"; }
fail() { failed=$((failed + 1)); say "FAIL $*"; }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
plain() { sed "s/$(printf '\033')\[[0-9;]*m//g" "$1"; }
