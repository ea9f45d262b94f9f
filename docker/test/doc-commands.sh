# shellcheck shell=sh
# The documented commands, for the tests that run them as written (sourced; needs $repo, the
# repository's root): every command of a ```sh block in README.md and in the site's pages
# (src/site/markdown/*.md), and the ledger of those a test ran, which docker/test/doc-commands-check.sh
# holds against the pages (make test-doc-commands).
#
#   doc_commands              every command, one a line: continuation lines joined, a trailing
#                             "  # comment" dropped, runs of blanks made one; comment lines skipped
#   doc_commands_located      the same, each as FILE:LINE<TAB>COMMAND (FILE relative to $repo)
#   doc_command PATTERN       the first command matching the extended regular expression PATTERN
#   doc_ledger NAME           this script's ledger, target/doc-commands/ran-NAME.txt, emptied
#   doc_ran COMMAND           records COMMAND (as the page writes it) as run by this script
#   doc_debian_builder CMD    CMD as the quick start's "Without the public images"
#                             runs it: -gnu triples for -musl ones, and on mvn package and
#                             mvn deploy the options that page gives in its ```text block

: "${repo:?set repo to the root of the repository before sourcing doc-commands.sh}"

doc_files() {
    printf '%s\n' "$repo/README.md"
    for page in "$repo"/src/site/markdown/*.md; do
        printf '%s\n' "$page"
    done
}

doc_commands_located() {
    # shellcheck disable=SC2046 # one argument per file; the names have no blanks
    awk -v root="$repo/" '
        FNR == 1 { inside = 0; joined = "" }
        /^```sh$/ { inside = 1; next }
        /^```/ { inside = 0; next }
        !inside { next }
        {
            line = $0
            if (joined == "") {
                if (line ~ /^[ \t]*#/ || line ~ /^[ \t]*$/) { next }
                start = FNR
            }
            if (line ~ /\\$/) { sub(/\\$/, "", line); joined = joined line; next }
            cmd = joined line; joined = ""
            sub(/[ \t]+# .*$/, "", cmd)
            gsub(/[ \t]+/, " ", cmd)
            sub(/^ /, "", cmd); sub(/ $/, "", cmd)
            file = FILENAME
            if (index(file, root) == 1) { file = substr(file, length(root) + 1) }
            printf "%s:%d\t%s\n", file, start, cmd
        }
    ' $(doc_files)
}

doc_commands() {
    doc_commands_located | cut -f2-
}

doc_command() {
    doc_commands | grep -E -m1 -e "$1" || true
}

doc_ledger() {
    mkdir -p "$repo/target/doc-commands"
    doc_ledger_file=$repo/target/doc-commands/ran-$1.txt
    : >"$doc_ledger_file"
}

doc_ran() {
    : "${doc_ledger_file:?call doc_ledger NAME first}"
    printf '%s\n' "$1" >>"$doc_ledger_file"
}

# The options of the quick start's ```text block: the Debian-based builder and the local busybox.
doc_debian_options() {
    awk '/^```text$/ { getline; print; exit }' "$repo/src/site/markdown/quick-start.md"
}

doc_debian_builder() {
    case " $1 " in
        " mvn package "* | " mvn "*" package "* | " mvn deploy "* | " mvn "*" deploy "*)
            printf '%s %s' "$(printf '%s' "$1" | sed 's/-unknown-linux-musl/-unknown-linux-gnu/g')" \
                "$(doc_debian_options)"
            ;;
        *) printf '%s' "$1" | sed 's/-unknown-linux-musl/-unknown-linux-gnu/g' ;;
    esac
}
