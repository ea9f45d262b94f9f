#!/bin/sh
# Acceptance: the split release (issue 27), as the CI examples under examples/ci/ run it, on this
# machine, against the test environment's registry.
#
#   1. examples/ci/github-actions.yml: each matrix entry of the part job in its own clean clone
#      (git clone), the fan-in job in a third; artifacts passed between them by directory;
#   2. the result: the recipes' signed-audit command passes with the fan-in's key, skopeo shows
#      an index of both platforms, and its digest is the single-machine release's of the same
#      commit (the packs POM's deploy command of src/site/markdown/attune-release.md, in a fourth
#      clone); the recipes' fan-in command joins the same parts into the same index;
#   3. examples/ci/gitlab-ci.yml the same way: the same index digest again;
#   4. failure cases of the fan-in, each a BUILD FAILURE naming the part, with no tag written: a
#      platform's part missing, a part whose image the registry does not hold, two parts of one platform, a part built from
#      another commit, a part whose image fails the audit (an arm64 image carrying the x86-64
#      sensor); the part of another commit is the recipes' part command, run in packs/.
#
# The jobs' steps are read from the CI files with a YAML parser (docker/test/ci_steps.py) and run
# as written; only what the docs allow is substituted (the quick start's "Without the public
# images"): the registry host (the CI's REGISTRY), the -gnu triples for the -musl ones,
# and, on the deploy command, the local builder's options (-Dpack.builder.image,
# -Dpack.builder.command, -Dpack.image.base). The docs' commands are read from their ```sh blocks
# (docker/test/doc-commands.sh); each one run goes, as the page writes it, into
# target/doc-commands/ran-split-release.txt (make test-doc-commands). actions/checkout is the clone,
# setup-java and docker/login-action have nothing to do here (Java is installed, the registry
# takes anonymous pushes).
#
# Each job runs in a git clone of this repository's last commit (as CI checks a commit out).
# Needs: the test environment (scripts/test-env.sh env), Docker, skopeo, git, python3 with yaml.
# The CI files install the plugin with `mvn install` (into ~/.m2); with SPLIT_RELEASE_M2=DIR, Maven
# uses DIR as its local repository instead, with ~/.m2 as its only remote, and ~/.m2 is untouched.
# Usage: docker/test/split-release.sh   (prints "N passed, N failed" last)
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=docker/test/doc-commands.sh
. "$repo/docker/test/doc-commands.sh"
: "${PACK_TEST_REGISTRY:?load the test environment: set -a; . \"\$(scripts/test-env.sh path)/env\"; set +a}"
: "${PACK_TEST_BASE_IMAGE:?load the test environment first}"
: "${PACK_TEST_BUILDER_IMAGE:?load the test environment first}"
registry=$PACK_TEST_REGISTRY
image=$registry/attune/pack-binaries-init
work=$(mktemp -d)
tab=$(printf '\t')
tally_name=split-release
# shellcheck source=docker/test/tally.sh
. "$repo/docker/test/tally.sh"
trap 'rm -rf "$work"' EXIT
doc_ledger split-release
# The docs' commands as the pages write them (doc_*), and with the example registry replaced by
# ours (as run).
doc_part=$(doc_command '^mvn deploy -Dpack\.push\.part=true ')
doc_fan_in=$(doc_command '^mvn io\.attune:pack-binaries-maven-plugin:[^ ]*:index -Dpack\.index\.parts=')
doc_signed_audit=$(doc_command ':audit .*-Dpack\.verify\.publicKey=cosign\.pub$')
doc_deploy=$(doc_command '^mvn -f packs/pom.xml deploy .*-Dpack\.builder\.image=')
for c in "part:$doc_part" "fan-in:$doc_fan_in" "signed audit:$doc_signed_audit" "deploy:$doc_deploy"; do
    [ -n "${c#*:}" ] || { fail "the docs have no ${c%%:*} command"; finish; exit 1; }
done
with_registry() { printf '%s' "$1" | sed "s/registry\.example\.com/$registry/g"; }
readme_fan_in=$(with_registry "$doc_fan_in")
signed_audit=$(with_registry "$doc_signed_audit")
deploy=$(with_registry "$doc_deploy")

# Maven: as installed, or with a local repository of this test's own (SPLIT_RELEASE_M2).
mkdir -p "$work/bin"
if [ -n "${SPLIT_RELEASE_M2:-}" ]; then
    cat >"$work/settings.xml" <<EOF
<settings><mirrors><mirror><id>home-m2</id><mirrorOf>*</mirrorOf>
<url>file://$HOME/.m2/repository</url></mirror></mirrors></settings>
EOF
    real_mvn=$(command -v mvn)
    printf '#!/bin/sh\nexec "%s" -s "%s" -Dmaven.repo.local="%s" "$@"\n' \
        "$real_mvn" "$work/settings.xml" "$SPLIT_RELEASE_M2" >"$work/bin/mvn"
    chmod +x "$work/bin/mvn"
    PATH=$work/bin:$PATH
    export PATH
fi

[ -z "$(git -C "$repo" status --porcelain)" ] \
    || say "note: the jobs run in clones of the last commit; uncommitted changes are not in them"
keys=$work/keys
mkdir -p "$keys"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/cosign.key" 2>/dev/null
openssl pkey -in "$keys/cosign.key" -pubout -out "$keys/cosign.pub" 2>/dev/null

# The substitutions the docs allow (for the CI files' steps): -gnu triples and, on the packs POM's deploy, the local builder.
local_builder() {
    sed -e 's/-unknown-linux-musl/-unknown-linux-gnu/g' \
        -e "s|\(-f packs/pom.xml deploy .*\)\$|\1 -Dpack.builder.image=$PACK_TEST_BUILDER_IMAGE '-Dpack.builder.command=cargo build --release --target {target}' -Dpack.image.base=$PACK_TEST_BASE_IMAGE|"
}
decode() { printf '%s' "$1" | base64 -d; }

# run_ci KIND FILE NAME: every job of the CI file, each matrix entry in its own clone of this
# repository under $work/NAME/, artifacts under $work/NAME/artifacts/. Logs: $work/NAME/*.log.
run_ci() {
    kind=$1 file=$2 name=$3
    root=$work/$name
    mkdir -p "$root/artifacts"
    CI_VAR_REGISTRY=$registry CI_SECRET_COSIGN_KEY=$(cat "$keys/cosign.key") \
        python3 "$repo/docker/test/ci_steps.py" "$kind" "$repo/$file" >"$root/plan"
    clone=
    envs=$root/env
    : >"$envs"
    while IFS=$tab read -r what a b; do
        case $what in
            JOB)
                job=$a-$b
                clone=$root/$job
                git clone -q "$repo" "$clone"
                mkdir -p "$root/temp-$job"
                say "$name: job $a, matrix entry $b, in $clone"
                ;;
            CHECKOUT | JAVA) ;;
            LOGIN) say "$name: docker login $a: nothing to do, the test registry is anonymous" ;;
            ENV) printf '%s\t%s\n' "$a" "$b" >>"$envs" ;;
            RUN)
                command=$(decode "$a" | local_builder)
                say "$name/$job: $command"
                if ! (
                    cd "$clone"
                    export RUNNER_TEMP="$root/temp-$job" REGISTRY="$registry" COSIGN_KEY="$keys/cosign.key"
                    while IFS=$tab read -r var value; do
                        export "$var=$(decode "$value" | local_builder)"
                    done <"$envs"
                    bash -e -c "$command"
                ) >>"$root/$job.log" 2>&1; then
                    tail -40 "$root/$job.log"
                    fail "$name: job $job failed"
                    return 1
                fi
                : >"$envs"
                ;;
            UPLOAD) mkdir -p "$root/artifacts/$a" && cp "$clone/$b" "$root/artifacts/$a/" ;;
            DOWNLOAD)
                for artifact in "$root"/artifacts/$a; do
                    mkdir -p "$clone/$b/${artifact##*/}"
                    cp -R "$artifact/." "$clone/$b/${artifact##*/}/"
                done
                ;;
            KEEP) mkdir -p "$root/artifacts/$job" && (cd "$clone" && cp -R --parents "$a" "$root/artifacts/$job/") ;;
            FETCH)
                for artifact in "$root"/artifacts/"$a"-*; do
                    cp -R "$artifact/." "$clone/"
                done
                ;;
            *) fail "$name: unknown plan line $what"; return 1 ;;
        esac
    done <"$root/plan"
}

pushed_index() { sed -n 's/.*"indexDigest" *: *"\(sha256:[0-9a-f]*\)".*/\1/p' "$1"; }

say "GitHub Actions: examples/ci/github-actions.yml"
if run_ci github examples/ci/github-actions.yml github; then
    pass "GitHub Actions: two parts in their own clones, the fan-in in a third"
fi
fanin=$work/github/index-0
plain "$fanin.log" >"$fanin.txt" 2>/dev/null || : >"$fanin.txt"
grep -E 'Part linux|Index .* published|Tagged|Pushed |Audited|Signed' "$fanin.txt" || true
split_digest=$(pushed_index "$fanin/target/pack-binaries/image.json" 2>/dev/null || true)
say "split release index: ${split_digest:-none}"
raw=$(skopeo inspect --raw --tls-verify=false "docker://$image:0.1.0" 2>/dev/null || true)
if [ -n "$split_digest" ] && printf '%s' "$raw" | grep -q '"architecture":"amd64"' \
    && printf '%s' "$raw" | grep -q '"architecture":"arm64"' \
    && [ "sha256:$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)" = "$split_digest" ]; then
    pass "skopeo: $image:0.1.0 is the fan-in's index $split_digest, of linux/amd64 and linux/arm64"
else
    printf '%s\n' "$raw"; fail "skopeo: $image:0.1.0 is not the fan-in's two-platform index"
fi

# The recipes' signed-audit command, with its example image replaced by the release's tag.
doc_ran "$doc_signed_audit"
audit_command=$(printf '%s' "$signed_audit" | sed "s|$registry/attune/pack-binaries-init:1\.2\.0|$image:0.1.0|")
if (cd "$keys" && sh -c "$audit_command") >"$work/audit.log" 2>&1 \
    && plain "$work/audit.log" | grep -q 'all static and of their platform'; then
    plain "$work/audit.log" | grep -E 'Audited|signature|provenance' | head -5
    pass "signed audit, as the docs write it, passes on the split release with the fan-in's key"
else
    tail -30 "$work/audit.log"; fail "signed audit of the split release: $audit_command"
fi

# The recipes' fan-in command, run where the GitHub fan-in ran (its parts/ and a cosign.key
# there): the same index, tagged again.
cp "$keys/cosign.key" "$fanin/cosign.key"
doc_ran "$doc_fan_in"
if (cd "$fanin" && sh -c "$readme_fan_in") >"$work/readme-fan-in.log" 2>&1 \
    && [ "$(pushed_index "$fanin/target/pack-binaries/image.json")" = "$split_digest" ] \
    && plain "$work/readme-fan-in.log" | grep -q "Tagged $image:0.1.0"; then
    pass "the recipes' fan-in command joins the same parts into the same index $split_digest"
else
    tail -30 "$work/readme-fan-in.log"; fail "the recipes' fan-in command: $readme_fan_in"
fi

# The single-machine release of the same commit: the packs POM's deploy command for machines
# without the public images, in a clone of its own (after installing the plugin).
single=$work/single
git clone -q "$repo" "$single"
doc_ran "$doc_deploy"
if (cd "$single" && mvn -B -ntp -q install -DskipTests -Dinvoker.skip && sh -c "$deploy") >"$work/single.log" 2>&1; then
    single_digest=$(pushed_index "$single/target/packs/pack-binaries/image.json")
    say "single-machine release index: $single_digest ($deploy)"
    if [ -n "$single_digest" ] && [ "$single_digest" = "$split_digest" ]; then
        pass "the split release's index is the single-machine release's: $single_digest"
    else
        fail "index digests differ: split $split_digest, single machine $single_digest"
    fi
    # The SBOMs too: the fan-in makes them from the parts' records, the push from its own.
    for platform in linux-amd64 linux-arm64; do
        sbom=supply-chain/sbom-$platform.cdx.json
        if cmp -s "$fanin/target/pack-binaries/$sbom" "$single/target/packs/pack-binaries/$sbom"; then
            pass "the fan-in's $sbom is byte for byte the single-machine release's"
        else
            fail "the fan-in's $sbom differs from the single-machine release's"
        fi
    done
else
    tail -40 "$work/single.log"; fail "the single-machine release: $deploy"
fi

say "GitLab CI: examples/ci/gitlab-ci.yml"
if run_ci gitlab examples/ci/gitlab-ci.yml gitlab; then
    gitlab_digest=$(pushed_index "$work/gitlab/release-0/target/pack-binaries/image.json")
    if [ "$gitlab_digest" = "$split_digest" ]; then
        pass "GitLab CI: two parts and the fan-in, the same index $gitlab_digest"
    else
        fail "GitLab CI's index $gitlab_digest is not $split_digest"
    fi
fi

# The fan-in's failures: the GitHub fan-in's own index command, with the parts replaced and a tag
# of this run's own (besides latest, which the compose file pulls); each must fail naming the part
# and leave that tag unwritten.
index_command=$(decode "$(grep -o "^RUN$tab.*" "$work/github/plan" | tail -1 | cut -f2)" | grep ':index ')
parts=$work/github/index-0/parts
amd64_part=$(find "$parts" -path '*x86_64*' -name part.json)
arm64_part=$(find "$parts" -path '*aarch64*' -name part.json)
# fan_in NAME PART…: the fan-in over the parts given, which must fail naming MESSAGE ($expect).
fan_in() {
    case_name=$1
    shift
    tag=split-$$-$case_name
    list=$(printf '%s,' "$@")
    command="$index_command -Dpack.index.parts=${list%,} -Dpack.image.tags=$tag,latest"
    (cd "$fanin" && RUNNER_TEMP="$work/github/temp-index-0" IMAGE=$image bash -e -c "$command") \
        >"$work/fail-$case_name.log" 2>&1 || true
    plain "$work/fail-$case_name.log" >"$work/fail-$case_name.txt"
    if grep -q 'BUILD FAILURE' "$work/fail-$case_name.txt" && grep -q -- "$expect" "$work/fail-$case_name.txt"; then
        grep -m1 -E '^\[ERROR\] .*(part|Part)' "$work/fail-$case_name.txt" | cut -c1-400
        if skopeo inspect --raw --tls-verify=false "docker://$image:$tag" >/dev/null 2>&1; then
            fail "$case_name: the tag $tag was written"
        else
            pass "$case_name: BUILD FAILURE naming the part, and no tag $tag (skopeo finds none)"
        fi
    else
        tail -30 "$work/fail-$case_name.txt"; fail "$case_name: no BUILD FAILURE saying '$expect'"
    fi
}
cases=$work/cases
mkdir -p "$cases/unpublished" "$cases/twice" "$cases/stale" "$cases/bad"
# A part missing: the arm64 runner's part.json did not reach the fan-in.
expect="No part for linux/arm64 among $amd64_part"
fan_in missing "$amd64_part"
# A part whose image is not in the registry: its manifest digest changed to one nobody pushed.
python3 - "$arm64_part" "$cases/unpublished/part.json" <<'EOF'
import json, sys
part = json.load(open(sys.argv[1]))
part["manifest"]["digest"] = "sha256:" + "0" * 64
json.dump(part, open(sys.argv[2], "w"), indent=2)
EOF
expect="The part $cases/unpublished/part.json (linux/arm64) names an image the registry does not hold"
fan_in unpublished "$amd64_part" "$cases/unpublished/part.json"
cp "$amd64_part" "$cases/twice/part.json"
expect="Two parts for linux/amd64: .*$cases/twice/part.json"
fan_in twice "$amd64_part" "$arm64_part" "$cases/twice/part.json"
# A part built from another commit: the amd64 runner's clone one commit further, its part again.
amd64_clone=$work/github/part-0
# The recipes' part command, for the amd64 runner, in its project packs/ (Attune's), with the
# Debian-based builder's options and the -gnu triples.
deploy_part=$(with_registry "$(doc_debian_builder "$doc_part")")
doc_ran "$doc_part"
if ! (cd "$amd64_clone" \
    && git -c user.name=test -c user.email=test@example.com commit -q --allow-empty -m "a later commit" \
    && cd packs && sh -c "$deploy_part") >"$work/stale.log" 2>&1; then
    tail -20 "$work/stale.log"; fail "the part of a later commit: $deploy_part"
fi
later=$(cd "$amd64_clone" && git rev-parse HEAD)
cp "$amd64_clone/target/packs/pack-binaries/part.json" "$cases/stale/part.json"
expect="The part $cases/stale/part.json (linux/amd64) was built from commit $later"
fan_in stale "$arm64_part" "$cases/stale/part.json"
# A part whose image fails the audit: linux/arm64 by its config, with the x86-64 sensor inside,
# put in the release's repository by digest (registry API: blobs mounted, manifest by digest).
context=$work/bad-context
mkdir -p "$context"
cp "$amd64_clone/target/packs/pack-binaries/x86_64-unknown-linux-gnu/attune-core-timer-sensor" "$context/sensor"
base_digest=$(skopeo inspect --raw --tls-verify=false "docker://$PACK_TEST_BASE_IMAGE" | tr -d ' \n' \
    | grep -o '"digest":"sha256:[0-9a-f]*"[^}]*"architecture":"arm64"' | grep -o 'sha256:[0-9a-f]*' | head -1)
printf 'FROM %s@%s\nCOPY sensor /pack-binaries/core/sensors/attune-core-timer-sensor\n' \
    "${PACK_TEST_BASE_IMAGE%:*}" "$base_digest" >"$context/Dockerfile"
bad=$registry/attune-split-test/wrong-arch:$$
docker build -q --platform linux/arm64 -t "$bad" "$context" >/dev/null
docker push -q "$bad" >/dev/null
docker rmi -f "$bad" >/dev/null
manifest=$work/bad-manifest.json
skopeo inspect --raw --tls-verify=false "docker://$bad" >"$manifest"
media_type=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mediaType"])' "$manifest")
for blob in $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join([m["config"]["digest"]]+[l["digest"] for l in m["layers"]]))' "$manifest"); do
    curl -fsS -o /dev/null -X POST "http://$registry/v2/attune/pack-binaries-init/blobs/uploads/?mount=$blob&from=attune-split-test/wrong-arch"
done
bad_digest=sha256:$(sha256sum <"$manifest" | cut -d' ' -f1)
curl -fsS -o /dev/null -X PUT -H "Content-Type: $media_type" --data-binary "@$manifest" \
    "http://$registry/v2/attune/pack-binaries-init/manifests/$bad_digest"
python3 - "$arm64_part" "$cases/bad/part.json" "$bad_digest" "$(wc -c <"$manifest")" "$media_type" <<'EOF'
import json, sys
part = json.load(open(sys.argv[1]))
part["manifest"] = {"mediaType": sys.argv[5], "digest": sys.argv[3], "size": int(sys.argv[4])}
json.dump(part, open(sys.argv[2], "w"), indent=2)
EOF
expect="The part $cases/bad/part.json (linux/arm64) failed the audit"
fan_in audit "$amd64_part" "$cases/bad/part.json"
if grep -q 'linux/arm64: /pack-binaries/core/sensors/attune-core-timer-sensor is an x86-64 binary' "$work/fail-audit.txt"; then
    pass "audit: the failure names the platform and the file"
else
    fail "audit: the failure does not name the x86-64 sensor of linux/arm64"
fi
finish
