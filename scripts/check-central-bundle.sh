#!/usr/bin/env bash
# Checks a Maven Central bundle of the plugin offline, against Central's publishing rules
# (https://central.sonatype.org/publish/requirements/): a release version; the POM, the jar, the
# sources and javadoc jars, each with a .asc signature that gpg verifies and .md5/.sha1 checksums
# that match; the POM's required fields (name, description, url, licenses, developers, scm) and
# coordinates matching the bundle's path. For this plugin, also: the CycloneDX SBOM is there
# (signed and checksummed like the rest) and names, at its version, every library the POM depends
# on (compile and runtime scope) and every library whose Maven metadata is inside the jar (were it
# ever shaded again); and every goal parameter in the plugin descriptor has a description.
#
# Usage: scripts/check-central-bundle.sh BUNDLE.zip|DIRECTORY
#   A directory is a Maven repository layout (as `mvn deploy` to a file:// URL writes it).
#   GNUPGHOME must hold the signer's public key; SKIP_SIGNATURE_CHECK=1 checks only presence.
# Prints one line per problem and exits 1 if there is any; needs unzip, gpg and python3.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUNDLE.zip|DIRECTORY" >&2; exit 2; }
GROUP_PATH=io/attune
ARTIFACT=pack-binaries-maven-plugin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -d "$1" ]; then
  root=$1
else
  unzip -q "$1" -d "$work/bundle"
  root=$work/bundle
fi

problems=0
problem() {
  echo "bundle: $*" >&2
  problems=$((problems + 1))
}

base="$root/$GROUP_PATH/$ARTIFACT"
versions=()
if [ -d "$base" ]; then
  for dir in "$base"/*/; do
    [ -d "$dir" ] && versions+=("$(basename "$dir")")
  done
fi
if [ "${#versions[@]}" -ne 1 ]; then
  echo "bundle: expected exactly one version under $GROUP_PATH/$ARTIFACT/, found ${#versions[@]}" >&2
  exit 1
fi
version=${versions[0]}
dir="$base/$version"
prefix="$ARTIFACT-$version"
case "$version" in
  *-SNAPSHOT) problem "version $version is a SNAPSHOT: Central accepts releases only" ;;
esac

# Every file Central requires; other artifacts (the SBOM) are checked the same way below.
for required in "$prefix.pom" "$prefix.jar" "$prefix-sources.jar" "$prefix-javadoc.jar" \
    "$prefix-cyclonedx.json"; do
  [ -s "$dir/$required" ] || problem "missing $required"
done

for file in "$dir"/*; do
  name=$(basename "$file")
  case "$name" in
    *.asc | *.md5 | *.sha1 | *.sha256 | *.sha512) continue ;;
    maven-metadata*) problem "$name: Central makes its own metadata, leave it out of the bundle"; continue ;;
  esac
  [ -s "$file.asc" ] || problem "$name has no signature $name.asc"
  for algorithm in md5 sha1; do
    if [ ! -s "$file.$algorithm" ]; then
      problem "$name has no checksum $name.$algorithm"
    else
      expected=$(tr -d ' \n' < "$file.$algorithm" | cut -c1-64)
      actual=$("${algorithm}sum" < "$file" | cut -d' ' -f1)
      [ "${expected%%[^0-9a-f]*}" = "$actual" ] || problem "$name.$algorithm does not match $name"
    fi
  done
  if [ -s "$file.asc" ] && [ "${SKIP_SIGNATURE_CHECK:-}" != 1 ]; then
    gpg --batch --verify "$file.asc" "$file" > "$work/gpg.log" 2>&1 ||
      problem "$name.asc does not verify: $(tail -n 1 "$work/gpg.log")"
  fi
done

for jar in "$prefix-sources.jar" "$prefix-javadoc.jar"; do
  [ -s "$dir/$jar" ] || continue
  case "$jar" in
    *-sources.jar) wanted='\.java$' ;;
    *) wanted='index\.html$' ;;
  esac
  # The listing first: grep -q would close the pipe early, which pipefail counts as a failure.
  entries=$(unzip -Z1 "$dir/$jar")
  grep -q "$wanted" <<< "$entries" || problem "$jar holds no $wanted files"
done

# The POM's fields, the SBOM against the jar, the descriptor's parameter descriptions.
python3 - "$dir" "$prefix" "$version" <<'PY' || problems=$((problems + 1))
import json, sys, zipfile
import xml.etree.ElementTree as ET

directory, prefix, version = sys.argv[1:]
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
problems = []

properties = {}

def text(node, path):
    found = node.find(path, ns)
    value = (found.text or "").strip() if found is not None else ""
    for name, replacement in properties.items():  # the POM's own ${...} properties
        value = value.replace("${" + name + "}", replacement)
    return value

try:
    pom = ET.parse(f"{directory}/{prefix}.pom").getroot()
    for prop in pom.findall("m:properties/*", ns):
        properties[prop.tag.split("}")[-1]] = (prop.text or "").strip()
    for field, path in [("groupId", "m:groupId"), ("artifactId", "m:artifactId"),
                        ("version", "m:version"), ("name", "m:name"),
                        ("description", "m:description"), ("url", "m:url"),
                        ("licenses/license/name", "m:licenses/m:license/m:name"),
                        ("licenses/license/url", "m:licenses/m:license/m:url"),
                        ("scm/url", "m:scm/m:url"), ("scm/connection", "m:scm/m:connection")]:
        if not text(pom, path):
            problems.append(f"POM has no {field}")
    if text(pom, "m:groupId") != "io.attune" or text(pom, "m:artifactId") != "pack-binaries-maven-plugin" \
            or text(pom, "m:version") != version:
        problems.append("POM coordinates do not match the bundle's path")
    developers = pom.findall("m:developers/m:developer", ns)
    if not developers or not all(text(d, "m:name") for d in developers):
        problems.append("POM has no developers, or one without a name")
    if pom.find("m:parent", ns) is not None:
        problems.append("POM has a parent: check that it is on Central too")
except (OSError, ET.ParseError) as e:
    problems.append(f"POM unreadable: {e}")

try:
    with zipfile.ZipFile(f"{directory}/{prefix}.jar") as jar:
        bundled = {}
        for entry in jar.namelist():
            if entry.startswith("META-INF/maven/") and entry.endswith("/pom.properties"):
                props = dict(line.split("=", 1) for line in jar.read(entry).decode().splitlines()
                             if "=" in line and not line.startswith("#"))
                key = (props.get("groupId"), props.get("artifactId"))
                if key != ("io.attune", "pack-binaries-maven-plugin"):
                    bundled[key] = props.get("version")
        descriptor = ET.fromstring(jar.read("META-INF/maven/plugin.xml"))
    with open(f"{directory}/{prefix}-cyclonedx.json") as f:
        sbom = json.load(f)
    listed = {(c.get("group"), c.get("name")): c.get("version") for c in sbom.get("components", [])}
    # Libraries another library's own jar carries relocated inside it, with their Maven metadata:
    # the SBOM lists the carrier (cyclonedx-maven-plugin sees Maven dependencies only).
    embedded = {("net.java.dev.msv", "xsdlib"): ("com.fasterxml.woodstox", "woodstox-core"),
                ("com.sun.xml.bind.jaxb", "isorelax"): ("com.fasterxml.woodstox", "woodstox-core")}
    for (group, artifact), bundled_version in sorted(bundled.items()):
        carrier = embedded.get((group, artifact))
        if carrier and carrier in listed:
            continue
        if listed.get((group, artifact)) != bundled_version:
            problems.append(f"SBOM does not list {group}:{artifact}:{bundled_version}, "
                            f"which is inside the jar (SBOM has {listed.get((group, artifact))})")
    for dependency in pom.findall("m:dependencies/m:dependency", ns):
        key = (text(dependency, "m:groupId"), text(dependency, "m:artifactId"))
        if text(dependency, "m:scope") in ("", "compile", "runtime") \
                and listed.get(key) != text(dependency, "m:version"):
            problems.append(f"SBOM does not list {key[0]}:{key[1]}:{text(dependency, 'm:version')}, "
                            f"a dependency of the POM (SBOM has {listed.get(key)})")
    print(f"bundle: the SBOM lists {len(listed)} libraries; the POM has "
          f"{len(pom.findall('m:dependencies/m:dependency', ns))} dependencies, the jar bundles {len(bundled)}")
    for mojo in descriptor.iter("mojo"):
        goal = mojo.findtext("goal")
        if not (mojo.findtext("description") or "").strip():
            problems.append(f"goal {goal} has no description")
        for parameter in mojo.iter("parameter"):
            if parameter.findtext("editable") == "false":
                continue  # injected by Maven (${project}, ${session}): not a user's setting
            if not (parameter.findtext("description") or "").strip():
                problems.append(f"goal {goal}: parameter {parameter.findtext('name')} has no description")
except (OSError, KeyError, ValueError, ET.ParseError, zipfile.BadZipFile) as e:
    problems.append(f"jar, descriptor or SBOM unreadable: {e}")

for p in problems:
    print(f"bundle: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

if [ "$problems" -ne 0 ]; then
  echo "bundle: $problems problem(s) in $1" >&2
  exit 1
fi
echo "bundle: $GROUP_PATH/$ARTIFACT/$version fits Central's rules ($(find "$dir" -type f | wc -l) files)"
