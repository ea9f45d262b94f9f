#!/bin/sh
# End-to-end run of an init image of several packs through compose, for one platform: the image
# (a platform tarball the image goal wrote, as `docker load` takes it) installs every pack's
# sensors into the packs volume, init-packs.sh copies the host's packs around them (the host holds
# a stale, non-ELF copy of each sensor), then each pack's sensor runs from the volume in a busybox
# container of that platform, which has no libc. Each sensor in the volume is checked with
# `file`: an ELF executable of the platform's machine, statically linked.
#
# Usage: several-packs-e2e.sh TARBALL PLATFORM BASE_IMAGE PACK...
#   e.g. several-packs-e2e.sh target/pack-binaries/image/linux-arm64.tar linux/arm64 \
#        127.0.0.1:5000/library/busybox:1.36 core extra
# Each PACK ships a sensor named `sensor` that prints "<pack> sensor: <its arguments>". BASE_IMAGE
# stands in for python:3.11-slim (init-packs) and is the sensors' container.
set -eu

[ $# -ge 4 ] || { echo "usage: $0 TARBALL PLATFORM BASE_IMAGE PACK..." >&2; exit 2; }
tarball=$1 platform=$2 base=$3
shift 3
case $platform in
    linux/amd64) machine='x86-64' ;;
    linux/arm64) machine='ARM aarch64' ;;
    *) echo "several-packs-e2e: no machine known for $platform" >&2; exit 2 ;;
esac
repo_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
project="attune-packs-$(printf '%s' "$platform" | tr '/' '-')-$$"
image="attune/pack-binaries-init:several-packs-$$"

compose() {
    docker-compose -p "$project" -f "$work/docker-compose.yaml" "$@"
}
cleanup() {
    compose down -v >/dev/null 2>&1 || true
    docker rmi "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

loaded=$(docker load -q -i "$tarball" | sed -n 's/^Loaded image: //p' | tail -n 1)
[ -n "$loaded" ] || { echo "several-packs-e2e: docker load named no image in $tarball" >&2; exit 1; }
docker tag "$loaded" "$image"

cp "$repo_dir/docker/init-packs.sh" "$work/"
{
    cat <<YAML
services:
  init-pack-binaries:
    image: $image
    platform: $platform
    volumes:
      - packs:/packs
  init-packs:
    image: $base
    entrypoint: ["/bin/sh", "/init-packs.sh", "/source/packs", "/opt/attune/packs"]
    volumes:
      - ./init-packs.sh:/init-packs.sh:ro
      - ./packs:/source/packs:ro
      - packs:/opt/attune/packs
    depends_on:
      init-pack-binaries:
        condition: service_completed_successfully
YAML
    for pack; do
        mkdir -p "$work/packs/$pack/sensors"
        echo "ref: $pack" >"$work/packs/$pack/pack.yaml"
        # The stale host copy: not a binary at all; the volume's static one must win.
        printf '#!/bin/sh\necho stale %s\n' "$pack" >"$work/packs/$pack/sensors/sensor"
        cat <<YAML
  sensor-$pack:
    image: $base
    platform: $platform
    entrypoint: ["/opt/attune/packs/$pack/sensors/sensor"]
    command: ["--once", "$pack"]
    volumes:
      - packs:/opt/attune/packs:ro
    depends_on:
      init-packs:
        condition: service_completed_successfully
YAML
    done
    printf 'volumes:\n  packs: {}\n'
} >"$work/docker-compose.yaml"

compose up --no-color >"$work/log" 2>&1 || true
cat "$work/log"
ok=1
for pack; do
    grep -q "sensor-${pack}_1 *| $pack sensor: --once $pack\$" "$work/log" ||
        { echo "several-packs-e2e: the $pack sensor did not run from the volume" >&2; ok=0; }
    grep -q "init-packs: preserved static binary $pack/sensors/sensor" "$work/log" ||
        { echo "several-packs-e2e: init-packs did not keep the $pack sensor" >&2; ok=0; }
done
services="init-pack-binaries init-packs"
for pack; do services="$services sensor-$pack"; done
for service in $services; do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -q "$service")" 2>/dev/null || echo missing)
    [ "$code" = 0 ] || { echo "several-packs-e2e: $service exited with $code" >&2; ok=0; }
done

# What the volume holds, copied out and looked at as `file` sees it.
mkdir "$work/volume"
docker run --rm -v "${project}_packs:/packs:ro" "$base" tar -C /packs -cf - . |
    tar -C "$work/volume" -xf -
for pack; do
    sensor=$work/volume/$pack/sensors/sensor
    description=$(file -b "$sensor")
    echo "several-packs-e2e: $platform: $pack/sensors/sensor: $description"
    echo "several-packs-e2e: $platform: sha256 of $pack/sensors/sensor: $(sha256sum "$sensor" | cut -d' ' -f1)"
    case $description in
        ELF*", $machine,"*) ;;
        *) echo "several-packs-e2e: $pack/sensors/sensor is not an ELF file for $machine" >&2; ok=0 ;;
    esac
    case $description in
        *"statically linked"* | *"static-pie linked"*) ;;
        *) echo "several-packs-e2e: $pack/sensors/sensor is not statically linked" >&2; ok=0 ;;
    esac
done
listed=$(cd "$work/volume" && find . -path './*/sensors/*' | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
echo "several-packs-e2e: $platform: files in the volume's sensors/ directories: $listed"
[ "$ok" -eq 1 ] || { echo "several-packs-e2e: FAILED for $platform" >&2; exit 1; }
echo "several-packs-e2e: OK for $platform: every pack's static sensor ran from the volume"
