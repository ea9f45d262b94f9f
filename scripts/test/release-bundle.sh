#!/usr/bin/env bash
# The release as Maven Central would receive it, from a fresh copy of this tree with the version
# made a release (0.1.0-SNAPSHOT -> 0.1.0): a throwaway GnuPG key without passphrase in a
# temporary GNUPGHOME, `mvn -Prelease deploy` into a file repository (tests and ITs skipped: other
# targets run them), the bundle zipped as Central's Portal takes it, then
# scripts/check-central-bundle.sh on it, and on two broken copies that it must refuse.
# Nothing is published. Leaves the bundle at target/central-bundle.zip.
#
# Usage: scripts/test/release-bundle.sh   (MVN overrides the Maven command)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
mvn=${MVN:-mvn -B -ntp}
work=$(mktemp -d /tmp/release-bundle.XXXXXX)
export GNUPGHOME="$work/gnupg"
cleanup() {
  gpgconf --kill gpg-agent 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$repo/scripts/test/fresh-copy.sh" "$work/src"
snapshot=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$work/src/pom.xml" | head -n 1)
release=${snapshot%-SNAPSHOT}
sed -i "0,\\:^  <version>$snapshot</version>$:s::  <version>$release</version>:" "$work/src/pom.xml"

mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key \
  'pack-binaries release test <release-test@attune.invalid>' ed25519 sign 1d

echo "release-bundle: mvn -Prelease deploy of $release into a file repository"
(cd "$work/src" && $mvn -Prelease deploy -DskipTests -Dinvoker.skip -Dmaven.install.skip \
  -DaltDeploymentRepository="bundle::file://$work/staging") > "$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log" >&2
  exit 1
}

# Central's bundle: the repository layout of one version, without maven-metadata files.
(cd "$work/staging" && zip -qr "$work/bundle.zip" io -x '*maven-metadata*')
mkdir -p "$repo/target"
cp "$work/bundle.zip" "$repo/target/central-bundle.zip"
unzip -Z1 "$work/bundle.zip" | sed 's:.*/::' | grep -v '^$' | sort | sed 's/^/  /'
"$repo/scripts/check-central-bundle.sh" "$work/bundle.zip"

# The SBOM as a user fetches it (src/site/markdown/libraries.md), as written, VERSION being this
# release: in a directory of its own whose .mvn/maven.config names a settings.xml that adds the
# file repository as a remote one and keeps a local repository of its own (the plugin's
# coordinates there are a test release's, which ~/.m2 must not hold). The command goes into
# target/doc-commands/ran-release-bundle.txt (make test-doc-commands).
# shellcheck source=docker/test/doc-commands.sh
. "$repo/docker/test/doc-commands.sh"
doc_ledger release-bundle
sbom_command=$(doc_command '^mvn dependency:copy -Dartifact=io\.attune:pack-binaries-maven-plugin:VERSION:json:cyclonedx ')
[ -n "$sbom_command" ] || { echo "release-bundle: libraries.md has no SBOM command" >&2; exit 1; }
mkdir -p "$work/sbom/.mvn"
cat > "$work/sbom-settings.xml" <<EOF
<settings>
  <localRepository>$work/sbom-m2</localRepository>
  <profiles><profile><id>bundle</id><repositories><repository>
    <id>bundle</id><url>file://$work/staging</url>
  </repository></repositories></profile></profiles>
  <activeProfiles><activeProfile>bundle</activeProfile></activeProfiles>
</settings>
EOF
printf -- '-B\n-ntp\n-s\n%s\n' "$work/sbom-settings.xml" > "$work/sbom/.mvn/maven.config"
doc_ran "$sbom_command"
echo "release-bundle: ${sbom_command//VERSION/$release}"
(cd "$work/sbom" && sh -c "${sbom_command//VERSION/$release}") > "$work/sbom.log" 2>&1 || {
  tail -n 30 "$work/sbom.log" >&2
  exit 1
}
sbom=pack-binaries-maven-plugin-$release-cyclonedx.json
cmp "$work/sbom/$sbom" "$work/staging/io/attune/pack-binaries-maven-plugin/$release/$sbom" || {
  echo "release-bundle: the SBOM the libraries page's command fetched is not the release's" >&2
  exit 1
}
echo "release-bundle: the libraries page's command fetches the release's SBOM"

# The check refuses what Central would: a missing signature, a checksum that does not match.
refuses() {
  local what=$1 expected=$2
  shift 2
  rm -rf "$work/broken" && mkdir "$work/broken" && unzip -q "$work/bundle.zip" -d "$work/broken"
  (cd "$work/broken"/io/attune/pack-binaries-maven-plugin/* && "$@")
  if "$repo/scripts/check-central-bundle.sh" "$work/broken" > "$work/check.log" 2>&1; then
    echo "release-bundle: the check accepted a bundle with $what" >&2
    exit 1
  fi
  grep -q -- "$expected" "$work/check.log" || {
    echo "release-bundle: for $what, expected \"$expected\" in:" >&2
    cat "$work/check.log" >&2
    exit 1
  }
  echo "release-bundle: the check refuses a bundle with $what"
}
# Each breaks the bundle in the current directory (the version's directory).
no_javadoc_signature() { rm -- *-javadoc.jar.asc; }
wrong_sources_sha1() { echo 0000000000000000000000000000000000000000 > "$(ls -- *-sources.jar).sha1"; }
tampered_jar() {
  local jar
  jar=$(ls -- *-"$(basename "$PWD")".jar)
  echo x >> "$jar"
  md5sum < "$jar" | cut -d' ' -f1 > "$jar.md5"
  sha1sum < "$jar" | cut -d' ' -f1 > "$jar.sha1"
}
refuses "no javadoc signature" "javadoc.jar has no signature" no_javadoc_signature
refuses "a wrong sha1" "sources.jar.sha1 does not match" wrong_sources_sha1
refuses "a tampered jar" "jar.asc does not verify" tampered_jar
echo "release-bundle: ok"
