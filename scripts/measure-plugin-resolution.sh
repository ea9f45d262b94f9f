#!/bin/sh
# How long Maven takes to run the plugin's trivial goal (pack-binaries:help) on an empty project,
# with the plugin as built (the shaded jar and its dependency-reduced POM: variant "built") and as
# a plain jar whose POM lists all its libraries (target/original-*.jar and pom.xml: "plain");
# VARIANTS="built" measures one. Each variant is installed into its own local repository; "cold" is the first run
# (the plain variant downloads its libraries from Maven Central), "warm" the median of the next
# runs, offline. Run after `mvn package` (it reads target/). Usage:
#   scripts/measure-plugin-resolution.sh MVN_HOME... (default: the mvn on PATH)
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
artifact=pack-binaries-maven-plugin
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project"
cat > "$work/project/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>trivial</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
</project>
POM

seconds() {
  start=$(date +%s%N)
  "$@" > "$work/out.log" 2>&1 || { cat "$work/out.log" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 ))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for home in "${@:-}"; do
  mvn=${home:+$home/bin/}mvn
  label=$("$mvn" -B -v | sed -n '1s/.*Apache Maven \([^ ]*\).*/\1/p')
  for variant in ${VARIANTS:-built plain}; do
    repo="$work/repo-$variant"
    rm -rf "$repo"
    if [ "$variant" = built ]; then
      jar=target/$artifact-$version.jar pom=dependency-reduced-pom.xml
    else
      jar=target/original-$artifact-$version.jar pom=pom.xml
    fi
    # Laid out as `mvn install` would (a file without _remote.repositories is a local install).
    dir="$repo/io/attune/$artifact/$version"
    mkdir -p "$dir"
    cp "$jar" "$dir/$artifact-$version.jar"
    cp "$pom" "$dir/$artifact-$version.pom"
    goal="io.attune:$artifact:$version:help"
    cold=$(cd "$work/project" && seconds "$mvn" -B -q -Dmaven.repo.local="$repo" "$goal")
    warm=$(for _ in $(seq "$runs"); do
      (cd "$work/project" && seconds "$mvn" -B -q -o -Dmaven.repo.local="$repo" "$goal")
    done | median)
    files=$(find "$repo" -name '*.jar' | wc -l)
    echo "Maven $label $variant: cold ${cold} ms, warm ${warm} ms (median of $runs), $files jars in the local repository"
  done
done
