#!/bin/sh
# Acceptance: Attune's release as the docs write it (src/site/markdown/attune-release.md, the
# install command of README and the quick start, recipes' audit and index commands), from a fresh
# copy of the repository.
#
#   1. the install command, then the packs POM's deploy command (the variant the page gives for
#      machines where the public builder and busybox images can't be pulled), its package command
#      for such machines and its verify command; the deploy again with nothing changed must start
#      no container, rebuild no image and push nothing; the page's commands with the default
#      builder, with the Debian-based builder's options added (as the quick start says), and its
#      build script;
#   2. the distributable compose command with only ATTUNE_REGISTRY set, as an amd64 host
#      (the default) and as an arm64 host (DOCKER_DEFAULT_PLATFORM=linux/arm64, under qemu);
#   3. the sensor, from the packs volume;
#   4. the recipes' index command by digests, joining this deploy's two platform images as
#      per-arch runners' pushes;
#   5. the recipes' audit command on what was pushed (passes) and on the seed's two faults, built
#      with `docker build --platform` from the local busybox and pushed with `docker push`: an image
#      labelled linux/arm64 carrying the x86-64 sensor, and an amd64 image with a dynamic one;
#   6. the recipes' signed-audit command on the unsigned release (fails), then on the release
#      deployed again with -Dpack.sign.key (passes, with the cosign.pub the deploy wrote).
#
# The commands are read from the docs' ```sh blocks (docker/test/doc-commands.sh) and run as
# written; only what the pages say may differ is substituted: the registry host
# (registry.example.com -> PACK_TEST_REGISTRY), the audited image, the index command's sha256:…
# placeholders (the digests the runners' pushes printed), the Debian-based builder's options and
# the -gnu triples (in the packs POM too) where the default builder is written, and
# INIT_PACKS_IMAGE / SENSOR_IMAGE stand in for python and busybox, which can't be pulled here.
# Each command run goes, as the page writes it, into target/doc-commands/ran-readme-release.txt
# (make test-doc-commands). With DOC_TEST_M2=DIR, Maven uses DIR as its local repository
# (MAVEN_OPTS), so the install leaves ~/.m2 alone.
# Each host must get its own architecture's sensor (ELF e_machine 62 or 183), the volume must
# hold exactly the files of packs/' packs (its top-level directories) plus the static sensor (no
# build output, not packs/pom.xml), and the sensor must run.
#
# Needs: the test environment (scripts/test-env.sh env), Docker, docker-compose, skopeo, Maven.
# Usage: docker/test/readme-release.sh   (prints "N passed, N failed" last)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=docker/test/doc-commands.sh
. "$repo/docker/test/doc-commands.sh"
: "${PACK_TEST_REGISTRY:?load the test environment: set -a; . \"\$(scripts/test-env.sh path)/env\"; set +a}"
: "${PACK_TEST_BASE_IMAGE:?load the test environment first}"
registry=$PACK_TEST_REGISTRY
work=$(mktemp -d)
clone=$work/attune
project=attune-readme-$$
# The stand-in for python:3.11-slim and busybox:1.36: the test environment's two-platform busybox,
# under a name of this test's own, so removing it to play a fresh host touches nobody else's.
standin=$registry/attune-readme-test/busybox:1.36
init_image=$registry/attune/pack-binaries-init:latest
tally_name=readme-release
# shellcheck source=docker/test/tally.sh
. "$repo/docker/test/tally.sh"
forget_images() {
    docker rmi -f "$init_image" "$standin" >/dev/null 2>&1 || true
}
cleanup() {
    (cd "$clone" 2>/dev/null && COMPOSE_PROJECT_NAME=$project ATTUNE_REGISTRY=$registry \
        docker-compose -f docker/distributable/docker-compose.yaml down -v >/dev/null 2>&1) || true
    forget_images
    rm -rf "$work"
}
trap cleanup EXIT
bad_arch=$registry/attune-readme-test/wrong-arch:$$
bad_dynamic=$registry/attune-readme-test/dynamic:$$

doc_ledger readme-release
if [ -n "${DOC_TEST_M2:-}" ]; then
    MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Dmaven.repo.local=$DOC_TEST_M2"
    export MAVEN_OPTS
fi
substitute() {
    printf '%s' "$1" | sed "s/registry\.example\.com/$registry/g"
}

install=$(doc_command '^mvn install ')
deploy=$(doc_command '^mvn -f packs/pom.xml deploy .*-Dpack\.builder\.image=')
up=$(doc_command '^ATTUNE_REGISTRY=registry\.example\.com docker-compose .*distributable.* up$')
package=$(doc_command '^mvn -f packs/pom.xml package .*-Dpack\.builder\.image=')
verify=$(doc_command '^mvn io\.attune:pack-binaries-maven-plugin:[^ ]*:verify .*-Dpack\.binary=packs/')
audit=$(doc_command '^mvn io\.attune:pack-binaries-maven-plugin:[^ ]*:audit -Dpack\.image=[^ ]*$')
signed_audit=$(doc_command '^mvn io\.attune:pack-binaries-maven-plugin:[^ ]*:audit .*-Dpack\.verify\.publicKey=cosign\.pub$')
index=$(doc_command '^mvn io\.attune:pack-binaries-maven-plugin:[^ ]*:index .*-Dpack\.index\.images=')
script=$(doc_command '^RUST_TARGET=[^ ]* \./scripts/build-pack-binaries\.sh$')
for c in "install:$install" "deploy:$deploy" "up:$up" "package:$package" "verify:$verify" \
    "audit:$audit" "signed audit:$signed_audit" "index:$index" "build script:$script"; do
    [ -n "${c#*:}" ] || { fail "the docs have no ${c%%:*} command"; finish; exit 1; }
    say "the docs' ${c%%:*} command: ${c#*:}"
done
# The packs POM's commands with the default builder (no builder image given), run with the
# Debian-based builder's options and the -gnu triples, as the quick start says.
default_builder=$(doc_commands | grep -E '^mvn -f packs/pom\.xml (package|deploy)' | grep -v -e '-Dpack\.builder\.image=' || true)
[ -n "$default_builder" ] || { fail "the docs have no packs POM command with the default builder"; finish; exit 1; }

"$repo/scripts/test/fresh-copy.sh" "$clone"
# The files of a fresh clone's packs, the directories of packs/ (its own top-level files, such as
# pom.xml, are no pack's): with the static sensor, all the packs volume may hold.
(cd "$clone/packs" && { find . -mindepth 2 -type f; echo ./core/sensors/attune-core-timer-sensor; } \
    | sed 's|^\./||' | LC_ALL=C sort -u) >"$work/expected"
skopeo copy --all --src-tls-verify=false --dest-tls-verify=false -q \
    "docker://$PACK_TEST_BASE_IMAGE" "docker://$standin"

cd "$clone"
started=$(date +%s)
doc_ran "$install"
if sh -c "$install" >"$work/install.log" 2>&1; then
    pass "install, as the docs write it ($(($(date +%s) - started))s)"
else
    tail -40 "$work/install.log"; fail "install: $install"; finish; exit 1
fi
started=$(date +%s)
doc_ran "$deploy"
if sh -c "$(substitute "$deploy")" >"$work/deploy.log" 2>&1; then
    pass "deploy, as the docs write it ($(($(date +%s) - started))s)"
else
    tail -60 "$work/deploy.log"; fail "deploy: $(substitute "$deploy")"; finish; exit 1
fi
plain "$work/deploy.log" >"$work/deploy.txt"
grep -E 'Tags to write|Pushed |Audited [^ ]*@' "$work/deploy.txt" || true
# The packs POM unbinds both: its release is the image, and neither plugin is even loaded.
if grep -E -- '--- (maven-)?(install|deploy)(-plugin)?:' "$work/deploy.txt"; then
    fail "maven-install-plugin or maven-deploy-plugin ran in the packs POM's deploy"
else
    pass "maven-install-plugin and maven-deploy-plugin did not run (unbound in the packs POM)"
fi

# The same deploy again with nothing changed: the release rebuilds and pushes nothing (the packs
# POM's output directory goes through "..", which once made every run rebuild the init image; a
# build record that differed after a no-op build once made the push sign everything again).
started=$(date +%s)
if sh -c "$(substitute "$deploy")" >"$work/redeploy.log" 2>&1; then
    plain "$work/redeploy.log" >"$work/redeploy.txt"
    if grep -q 'is up to date (sources, Cargo.lock, builder image and parameters unchanged); no container started' "$work/redeploy.txt" \
        && grep -q 'init image up to date' "$work/redeploy.txt" \
        && ! grep -q 'Building the linux/' "$work/redeploy.txt" \
        && grep -q 'already published with tags .*; nothing pushed' "$work/redeploy.txt"; then
        pass "deploy again, nothing changed: no container started, no image rebuilt, nothing pushed ($(($(date +%s) - started))s)"
    else
        grep -E 'up to date|Building the|already published|Pushing|took' "$work/redeploy.txt"
        fail "deploy again rebuilt or pushed something"
    fi
else
    tail -40 "$work/redeploy.log"; fail "deploy again: $(substitute "$deploy")"
fi

# The page's other Building and Verifying commands, after the deploy (which staged this
# machine's sensor in packs/core/sensors for the verify command).
# run_as_written NAME COMMAND [AS-RUN [SUCCESS-PATTERN]]: COMMAND as the page writes it, run as
# AS-RUN (default: COMMAND itself), must print SUCCESS-PATTERN (default: BUILD SUCCESS).
run_as_written() {
    doc_ran "$2"
    say "$1: $2"
    if sh -c "${3:-$2}" >"$work/$1.log" 2>&1 && plain "$work/$1.log" | grep -q "${4:-BUILD SUCCESS}"; then
        pass "$1, as the docs write it"
    else
        tail -30 "$work/$1.log"; fail "$1: ${3:-$2}"
    fi
}
run_as_written package "$package"
run_as_written verify "$verify"
# With the default builder written: the -gnu triples in the packs POM and on the command line, and
# the Debian-based builder's options (the builds are up to date after the deploy, the push finds
# everything published).
sed -i 's/-unknown-linux-musl/-unknown-linux-gnu/g' packs/pom.xml
n=0
printf '%s\n' "$default_builder" >"$work/default-builder"
while IFS= read -r command; do
    n=$((n + 1))
    run_as_written "default-builder-$n" "$command" "$(substitute "$(doc_debian_builder "$command")")"
done <"$work/default-builder"
run_as_written "build script" "$script" "$script" 'build-pack-binaries: verdict'

if grep -qE "Audited $registry/attune/pack-binaries-init@sha256:[0-9a-f]+: 2 binaries on 2 platforms, all static" "$work/deploy.txt"; then
    pass "the push ended with the audit of what it pushed, and it passed"
else
    fail "the push did not end with a passing audit of what it pushed"
fi

# run_audit COMMAND NAME REFERENCE [DIRECTORY]: one of the docs' audit commands, with its example
# image replaced by REFERENCE, run in DIRECTORY (default: here); output in $work/NAME.txt.
run_audit() {
    command=$(printf '%s' "$1" \
        | sed "s|registry\.example\.com/attune/pack-binaries-init:1\.2\.0|$3|")
    [ "$command" != "$1" ] || { fail "the docs' $2 command names another example image"; return 1; }
    doc_ran "$1"
    (cd "${4:-.}" && sh -c "$command") >"$work/$2.log" 2>&1 || true
    plain "$work/$2.log" >"$work/$2.txt"
    # What the user reads: the verdict line, or the failure's first reason.
    grep -E -m2 'Audited [^ ]*:|^  linux/|ERROR\] [^ ]' "$work/$2.txt" || true
}
# audit_image NAME REFERENCE: the docs' audit command; output in $work/audit-NAME.txt.
audit_image() { run_audit "$audit" "audit-$1" "$2"; }
# bad_image NAME PLATFORM BINARY: BINARY as the sensor in an image built for PLATFORM from the
# local busybox (by that platform's digest: the classic builder reuses whichever platform of a tag
# it pulled last), pushed with docker push.
bad_image() {
    context=$work/context-$1
    mkdir -p "$context"
    cp "$3" "$context/sensor"
    digest=$(skopeo inspect --raw --tls-verify=false "docker://$PACK_TEST_BASE_IMAGE" | tr -d ' \n' \
        | grep -o "\"digest\":\"sha256:[0-9a-f]*\"[^}]*\"architecture\":\"${2#linux/}\"" \
        | grep -o 'sha256:[0-9a-f]*' | head -1)
    printf 'FROM %s@%s\nCOPY sensor /pack-binaries/core/sensors/attune-core-timer-sensor\n' \
        "${PACK_TEST_BASE_IMAGE%:*}" "$digest" >"$context/Dockerfile"
    docker build -q --platform "$2" -t "$4" "$context" >/dev/null
    docker push -q "$4" >/dev/null
    docker rmi -f "$4" >/dev/null
}

audit_image published "$registry/attune/pack-binaries-init:0.1.0"
if grep -q 'BUILD SUCCESS' "$work/audit-published.txt" \
    && grep -q 'all static and of their platform' "$work/audit-published.txt"; then
    pass "audit, as the docs write it, passes on what was pushed"
else
    tail -30 "$work/audit-published.txt"; fail "audit of what was pushed"
fi
bad_image wrong-arch linux/arm64 target/packs/pack-binaries/x86_64-unknown-linux-gnu/attune-core-timer-sensor "$bad_arch"
audit_image wrong-arch "$bad_arch"
if grep -q 'BUILD FAILURE' "$work/audit-wrong-arch.txt" \
    && grep -q 'linux/arm64: /pack-binaries/core/sensors/attune-core-timer-sensor is an x86-64 binary' "$work/audit-wrong-arch.txt"; then
    pass "audit fails on an arm64 image carrying the x86-64 sensor, naming platform and file"
else
    tail -30 "$work/audit-wrong-arch.txt"; fail "audit of the arm64 image with the x86-64 sensor"
fi
# /bin/true of this amd64 machine: dynamically linked against glibc.
bad_image dynamic linux/amd64 /bin/true "$bad_dynamic"
audit_image dynamic "$bad_dynamic"
if grep -q 'BUILD FAILURE' "$work/audit-dynamic.txt" \
    && grep -q 'linux/amd64: /pack-binaries/core/sensors/attune-core-timer-sensor.*dynamically linked' "$work/audit-dynamic.txt"; then
    pass "audit fails on an image whose sensor is dynamic, naming platform and file"
else
    tail -30 "$work/audit-dynamic.txt"; fail "audit of the image with a dynamic sensor"
fi

# the docs' signed release: its deploy command with -Dpack.sign.key added, as the docs' Supply chain
# section says (an unencrypted key: the docs' openssl command asks for the passphrase on a terminal),
# then the docs' signed-audit command, run where a cosign.pub is, with its example image replaced:
# on the image before this key signed it (fails), then after (passes, with the cosign.pub the
# deploy wrote beside its documents).
# signed_audit NAME REFERENCE DIRECTORY: the docs' signed-audit command, run where a cosign.pub is;
# output in $work/signed-audit-NAME.txt.
signed_audit() { run_audit "$signed_audit" "signed-audit-$1" "$2" "$3"; }
keys=$work/keys
mkdir -p "$keys"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/cosign.key" 2>/dev/null
openssl pkey -in "$keys/cosign.key" -pubout -out "$keys/cosign.pub" 2>/dev/null
signed_audit unsigned "$registry/attune/pack-binaries-init:0.1.0" "$keys"
# The registry outlives a run: an earlier run's release may carry a signature by its own key.
if grep -q 'BUILD FAILURE' "$work/signed-audit-unsigned.txt" \
    && grep -qE 'has no cosign signature|None of the [0-9]+ signature\(s\) of .* verifies with' "$work/signed-audit-unsigned.txt"; then
    pass "signed audit, as the docs write it, fails on the release this key did not sign"
else
    tail -30 "$work/signed-audit-unsigned.txt"; fail "signed audit of the unsigned release"
fi
if sh -c "$(substitute "$deploy") -Dpack.sign.key=$keys/cosign.key" >"$work/signed-deploy.log" 2>&1; then
    plain "$work/signed-deploy.log" >"$work/signed-deploy.txt"
    grep -E 'Signed |Attached the SLSA' "$work/signed-deploy.txt" || true
    signed_audit signed "$registry/attune/pack-binaries-init:0.1.0" \
        "$clone/target/packs/pack-binaries/supply-chain"
    if grep -q 'BUILD SUCCESS' "$work/signed-audit-signed.txt" \
        && grep -q 'all static and of their platform' "$work/signed-audit-signed.txt"; then
        pass "signed audit, as the docs write it, passes on the signed release with the cosign.pub it wrote"
    else
        tail -30 "$work/signed-audit-signed.txt"; fail "signed audit of the signed release"
    fi
else
    tail -40 "$work/signed-deploy.log"; fail "deploy with -Dpack.sign.key"
fi

# the docs' index command, as the last job of per-architecture runners would run it: this deploy's
# two platform images stand in for what the runners pushed, copied by digest to init-amd64 and
# init-arm64; only the registry host and the docs' sha256:… placeholders are replaced.
platform_digest() {
    grep -A1 "\"$1\"" target/packs/pack-binaries/image.json | grep -o 'sha256:[0-9a-f]*'
}
amd64=$(platform_digest linux/amd64)
arm64=$(platform_digest linux/arm64)
for arch in amd64 arm64; do
    eval "digest=\$$arch"
    skopeo copy --preserve-digests --src-tls-verify=false --dest-tls-verify=false -q \
        "docker://$registry/attune/pack-binaries-init@$digest" "docker://$registry/attune/init-$arch:runner-$$"
done
doc_ran "$index"
index_command=$(substitute "$index" \
    | sed "s|init-amd64@sha256:…|init-amd64@$amd64|; s|init-arm64@sha256:…|init-arm64@$arm64|")
if sh -c "$index_command" >"$work/index.log" 2>&1; then
    joined=$(skopeo inspect --raw --tls-verify=false "docker://$registry/attune/pack-binaries-init:1.2.0")
    # The index is reproducible, so an earlier run's :1.2.0 would look the same: the log must
    # show this run writing the tag.
    if printf '%s' "$joined" | grep -q "$amd64" && printf '%s' "$joined" | grep -q "$arm64" \
        && printf '%s' "$joined" | grep -q 'image.index' \
        && plain "$work/index.log" | grep -q 'Tagged .*/attune/pack-binaries-init:1.2.0'; then
        pass "index, as the docs write it, joins the runners' images under :1.2.0"
    else
        printf '%s\n' "$joined"; fail "index: :1.2.0 is not an index of both platforms"
    fi
else
    tail -30 "$work/index.log"; fail "index: $index_command"
fi

# run_host NAME PLATFORM-OR-EMPTY TRIPLE E_MACHINE: one host runs the page's compose command.
run_host() {
    name=$1 platform=$2 triple=$3 machine=$4
    doc_ran "$up"
    forget_images
    log=$work/up-$(printf '%s' "$name" | tr -c 'a-z0-9' '-').log
    (
        [ -z "$platform" ] || export DOCKER_DEFAULT_PLATFORM="$platform"
        export COMPOSE_PROJECT_NAME="$project" INIT_PACKS_IMAGE="$standin" SENSOR_IMAGE="$standin"
        sh -c "$(substitute "$up")"
    ) >"$log" 2>&1 || true
    plain "$log" >"$log.txt"
    cat "$log.txt"
    volume=${project}_packs
    in_volume() {
        if [ -n "$platform" ]; then
            docker run --rm --platform "$platform" -v "$volume:/v:ro" "$standin" "$@"
        else
            docker run --rm -v "$volume:/v:ro" "$standin" "$@"
        fi
    }
    if grep -q 'sensor_1 *| {"trigger":"tick"' "$log.txt"; then
        pass "$name host: the sensor ran from the volume"
    else
        fail "$name host: the sensor printed no tick event"
    fi
    sensor=/v/core/sensors/attune-core-timer-sensor
    got=$(in_volume od -An -tu2 -j18 -N2 "$sensor" | tr -d ' \n')
    if [ "$got" = "$machine" ]; then
        pass "$name host: the sensor in the volume has e_machine $got ($triple)"
    else
        fail "$name host: the sensor in the volume has e_machine '$got', not $machine"
    fi
    sum=$(in_volume sha256sum "$sensor" | cut -d' ' -f1)
    built=$(cut -d' ' -f1 "target/packs/pack-binaries/$triple/attune-core-timer-sensor.sha256")
    if [ "$sum" = "$built" ]; then
        pass "$name host: it is the binary this deploy built for $triple"
    else
        fail "$name host: sha256 $sum in the volume, $built built for $triple"
    fi
    in_volume find /v -type f | sed 's|^/v/||' | LC_ALL=C sort >"$log.volume"
    if cmp -s "$work/expected" "$log.volume"; then
        pass "$name host: the volume holds the packs of packs/ and the static sensor only ($(wc -l <"$work/expected") files)"
    else
        diff "$work/expected" "$log.volume" || true
        fail "$name host: the volume holds other files than the packs of packs/ and the static sensor"
    fi
    COMPOSE_PROJECT_NAME=$project ATTUNE_REGISTRY=$registry \
        docker-compose -f docker/distributable/docker-compose.yaml down -v >/dev/null 2>&1 || true
}

# This machine as it is (no platform named anywhere), then an arm64 host played under qemu.
case $(uname -m) in
    aarch64 | arm64) run_host "this (arm64)" "" aarch64-unknown-linux-gnu 183 ;;
    *) run_host "this (amd64)" "" x86_64-unknown-linux-gnu 62 ;;
esac
run_host arm64 linux/arm64 aarch64-unknown-linux-gnu 183
finish
