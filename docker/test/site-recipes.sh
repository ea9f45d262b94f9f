#!/bin/sh
# Acceptance: the quick start's and the recipes' commands (src/site/markdown/quick-start.md,
# recipes.md, and README's quick start, which repeats them), run as written in a project made as
# the quick start says: its POM, exactly, beside a Cargo workspace (the bench's small crate, whose
# cargo takes about a second per target).
#
#   1. the quick start's package and deploy commands: a static binary per target, an index of both
#      platforms in the registry under the project's version;
#   2. the recipes' package commands, the verify command on a binary the build made, the deploy
#      with the image on the command line, the audit;
#   3. the signing recipe: the openssl key with its passphrase from COSIGN_PASSPHRASE, the signed
#      deploy, then the signed audit where the push wrote cosign.pub (passes), and with another key
#      (fails);
#   4. the host toolchain recipe, with the host's cargo (under CI=true a host without cargo fails).
#
# Only what the pages say may differ is substituted: the registry host (registry.example.com ->
# PACK_TEST_REGISTRY), path/to/sensor, the audited image, and, since the public builder and
# busybox images can't be pulled here, the quick start's Debian-based builder's options with the
# -gnu triples (in the POM and on the command line). The plugin must be installed (make plugin);
# with DOC_TEST_M2=DIR, Maven uses DIR as its local repository (MAVEN_OPTS).
# Each command run goes, as the page writes it, into target/doc-commands/ran-site-recipes.txt
# (make test-doc-commands).
#
# Needs: the test environment (scripts/test-env.sh env), Docker, Maven, openssl, skopeo, cargo.
# Usage: docker/test/site-recipes.sh   (prints "N passed, N failed" last)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=docker/test/doc-commands.sh
. "$repo/docker/test/doc-commands.sh"
: "${PACK_TEST_REGISTRY:?load the test environment: set -a; . \"\$(scripts/test-env.sh path)/env\"; set +a}"
registry=$PACK_TEST_REGISTRY
image=$registry/attune/pack-binaries-init
work=$(mktemp -d)
project=$work/my-sensors
tally_name=site-recipes
# shellcheck source=docker/test/tally.sh
. "$repo/docker/test/tally.sh"
trap 'rm -rf "$work"' EXIT
with_registry() { printf '%s' "$1" | sed "s/registry\.example\.com/$registry/g"; }
doc_ledger site-recipes
if [ -n "${DOC_TEST_M2:-}" ]; then
    MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Dmaven.repo.local=$DOC_TEST_M2"
    export MAVEN_OPTS
fi
for tool in mvn docker openssl skopeo; do
    command -v "$tool" >/dev/null || { fail "$tool is not installed"; finish; exit 1; }
done

# need NAME PATTERN: the first documented command matching PATTERN, or the test fails.
need() {
    found=$(doc_command "$2")
    [ -n "$found" ] || { fail "the docs have no $1 command ($2)"; finish; exit 1; }
    printf '%s' "$found"
}
quick_package=$(need "quick start package" '^mvn package -Dpack\.target=x86_64-unknown-linux-musl$')
quick_deploy=$(need "quick start deploy" '^mvn deploy -Dpack\.targets=all$')
package=$(need "package" '^mvn package$')
package_arm=$(need "aarch64 package" '^mvn package -Dpack\.target=aarch64-unknown-linux-musl$')
verify=$(need "verify" ':verify -Dpack\.binary=path/to/sensor ')
deploy=$(need "deploy" '^mvn deploy -Dpack\.targets=all -Dpack\.image=registry\.example\.com/[^ ]*$')
audit=$(need "audit" ':audit -Dpack\.image=[^ ]*$')
genkey=$(need "openssl key" '^openssl genpkey .* -passout env:COSIGN_PASSPHRASE ')
signed_deploy=$(need "signed deploy" '^mvn deploy .*-Dpack\.sign\.key=cosign\.key')
signed_audit=$(need "signed audit" ':audit .*-Dpack\.verify\.publicKey=cosign\.pub$')
host=$(need "host toolchain" '^mvn package -Dpack\.toolchain=host ')

# The project: the quick start's POM, as the page writes it but for the -gnu triples and the
# registry host, beside the bench's small crate.
mkdir -p "$project"
cp -R "$repo/bench/crates/small/Cargo.toml" "$repo/bench/crates/small/Cargo.lock" \
    "$repo/bench/crates/small/src" "$project/"
awk '/^```xml$/ { inside = 1; next } /^```/ { if (inside) exit } inside' \
    "$repo/src/site/markdown/quick-start.md" \
    | sed -e 's/-unknown-linux-musl/-unknown-linux-gnu/g' -e "s/registry\.example\.com/$registry/g" \
        >"$project/pom.xml"
grep -q '<artifactId>pack-binaries-maven-plugin</artifactId>' "$project/pom.xml" \
    || { fail "the quick start's first xml block is not a POM binding the plugin"; finish; exit 1; }
version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$project/pom.xml")
cd "$project"

# run NAME COMMAND [AS-RUN [DIRECTORY]]: COMMAND as the page writes it, run as AS-RUN (default:
# with the Debian-based builder and our registry) in DIRECTORY (default: the project); its plain
# output in $work/NAME.txt; true when Maven said BUILD SUCCESS.
run() {
    doc_ran "$2"
    as_run=${3:-$(with_registry "$(doc_debian_builder "$2")")}
    say "$1: $as_run"
    (cd "${4:-$project}" && sh -c "$as_run") >"$work/$1.log" 2>&1 || true
    plain "$work/$1.log" >"$work/$1.txt"
    grep -q 'BUILD SUCCESS' "$work/$1.txt"
}
binary() { printf '%s' "$project/target/pack-binaries/$1/bench-small"; }
# static BINARY E_MACHINE: the ELF header's machine, and no program interpreter (readelf-free:
# the verify goal's report says it too, this is the test's own look).
machine() { od -An -tu2 -j18 -N2 "$1" | tr -d ' \n'; }

if run quick-package "$quick_package" && [ -x "$(binary x86_64-unknown-linux-gnu)" ] \
    && [ "$(machine "$(binary x86_64-unknown-linux-gnu)")" = 62 ] \
    && grep -q 'verdict' "$project/target/pack-binaries/verify-report.json"; then
    pass "quick start: $quick_package builds and verifies the x86-64 binary"
else
    tail -30 "$work/quick-package.txt"; fail "quick start: $quick_package"
fi
if run quick-deploy "$quick_deploy" \
    && skopeo inspect --raw --tls-verify=false "docker://$image:$version" >"$work/index.json" \
    && grep -q '"architecture": *"amd64"' "$work/index.json" \
    && grep -q '"architecture": *"arm64"' "$work/index.json"; then
    pass "quick start: $quick_deploy publishes an index of linux/amd64 and linux/arm64 as $image:$version"
else
    tail -30 "$work/quick-deploy.txt"; fail "quick start: $quick_deploy"
fi
if [ "$(machine "$(binary aarch64-unknown-linux-gnu)")" = 183 ]; then
    pass "quick start: the aarch64 binary has e_machine 183"
else
    fail "quick start: no aarch64 binary of e_machine 183"
fi

if run package "$package" && grep -q 'aarch64-unknown-linux-gnu' "$work/package.txt"; then
    pass "recipes: $package builds every target the POM lists"
else
    tail -30 "$work/package.txt"; fail "recipes: $package"
fi
if run package-arm "$package_arm" && [ "$(machine "$(binary aarch64-unknown-linux-gnu)")" = 183 ]; then
    pass "recipes: $package_arm"
else
    tail -30 "$work/package-arm.txt"; fail "recipes: $package_arm"
fi
verify_run=$(doc_debian_builder "$verify" | sed "s|path/to/sensor|$(binary x86_64-unknown-linux-gnu)|")
if run verify "$verify" "$verify_run" "$work" && grep -q 'static' "$work/verify.txt"; then
    pass "recipes: the verify command, on a binary the build made, with no project"
else
    tail -30 "$work/verify.txt"; fail "recipes: $verify_run"
fi
if run deploy "$deploy" && grep -q 'already published\|Tagged' "$work/deploy.txt"; then
    pass "recipes: $deploy"
else
    tail -30 "$work/deploy.txt"; fail "recipes: $deploy"
fi
audit_run=$(printf '%s' "$audit" | sed "s|registry\.example\.com/attune/pack-binaries-init:1\.2\.0|$image:$version|")
if run audit "$audit" "$audit_run" "$work" && grep -q 'all static and of their platform' "$work/audit.txt"; then
    pass "recipes: the audit command passes on what the quick start published"
else
    tail -30 "$work/audit.txt"; fail "recipes: $audit_run"
fi

# Signing: the key made as the recipe makes it, its passphrase in COSIGN_PASSPHRASE.
COSIGN_PASSPHRASE=recipes-$$
export COSIGN_PASSPHRASE
doc_ran "$genkey"
if sh -c "$genkey" >"$work/genkey.log" 2>&1 && grep -q 'ENCRYPTED PRIVATE KEY' cosign.key; then
    pass "recipes: openssl makes an encrypted cosign.key"
else
    cat "$work/genkey.log"; fail "recipes: $genkey"
fi
if run signed-deploy "$signed_deploy" && grep -q 'Signed ' "$work/signed-deploy.txt"; then
    pass "recipes: $signed_deploy signs the release"
else
    tail -30 "$work/signed-deploy.txt"; fail "recipes: $signed_deploy"
fi
signed_audit_run=$(printf '%s' "$signed_audit" | sed "s|registry\.example\.com/attune/pack-binaries-init:1\.2\.0|$image:$version|")
if run signed-audit "$signed_audit" "$signed_audit_run" "$project/target/pack-binaries/supply-chain" \
    && grep -q 'all static and of their platform' "$work/signed-audit.txt"; then
    pass "recipes: the signed audit passes where the push wrote cosign.pub"
else
    tail -30 "$work/signed-audit.txt"; fail "recipes: $signed_audit_run"
fi
mkdir -p "$work/other-key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null \
    | openssl pkey -pubout -out "$work/other-key/cosign.pub" 2>/dev/null
if ! run signed-audit-other "$signed_audit" "$signed_audit_run" "$work/other-key" \
    && grep -q 'BUILD FAILURE' "$work/signed-audit-other.txt"; then
    pass "recipes: the signed audit fails with another key's cosign.pub"
else
    tail -30 "$work/signed-audit-other.txt"; fail "recipes: the signed audit passed with another key"
fi

# The host toolchain: the host's cargo (rustup's, as .ci/run puts it on PATH).
if command -v cargo >/dev/null; then
    rm -rf "$project/target/pack-binaries/x86_64-unknown-linux-gnu"
    if run host "$host" && grep -q 'bench-small' "$work/host.txt" \
        && [ "$(machine "$(binary x86_64-unknown-linux-gnu)")" = 62 ]; then
        pass "recipes: the host toolchain recipe builds and verifies a static binary with the host's cargo"
    else
        tail -30 "$work/host.txt"; fail "recipes: $host"
    fi
elif [ "${CI:-}" = true ]; then
    fail "cargo is not installed: the host toolchain recipe cannot run"
else
    say "SKIP the host toolchain recipe: no cargo on PATH (CI=true fails here)"
fi
finish
