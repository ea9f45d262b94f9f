#!/bin/sh
# End-to-end run of docker/distributable/docker-compose.yaml against a real registry, for one
# platform named with the PACK_BINARIES_PLATFORM override (the file pins none by default; the docs'
# own flow, with Docker picking the platform, is docker/test/readme-release.sh): the published
# init image puts the static sensor into the volume, init-packs copies the host's packs (holding a
# stale dynamic sensor) without overwriting it, and the sensor then runs from the volume in a
# busybox container, which has no libc.
#
# Usage: distributable-e2e.sh REGISTRY VERSION PLATFORM BASE_IMAGE
#   e.g. distributable-e2e.sh 127.0.0.1:5000 1.0.0 linux/arm64 127.0.0.1:5000/library/busybox:1.36
# BASE_IMAGE stands in for python:3.11-slim (init-packs) and is the sensor's container.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 REGISTRY VERSION PLATFORM BASE_IMAGE" >&2; exit 2; }
registry=$1 version=$2 platform=$3 base=$4
repo_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
project="attune-e2e-$(printf '%s' "$platform" | tr '/' '-')-$$"

compose() {
    ATTUNE_REGISTRY=$registry ATTUNE_VERSION=$version PACK_BINARIES_PLATFORM=$platform \
        INIT_PACKS_IMAGE=$base SENSOR_IMAGE=$base \
        docker-compose -p "$project" -f "$work/docker/distributable/docker-compose.yaml" "$@"
}
cleanup() {
    compose down -v >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The compose file mounts ../init-packs.sh and ../../packs relative to itself.
mkdir -p "$work/docker/distributable" "$work/packs/core/sensors"
cp "$repo_dir/docker/init-packs.sh" "$work/docker/"
cp "$repo_dir/docker/distributable/docker-compose.yaml" "$work/docker/distributable/"
cp "$repo_dir/packs/core/pack.yaml" "$work/packs/core/"
cp "$repo_dir/packs/core/sensors/timer.yaml" "$work/packs/core/sensors/"
# The stale host copy of the incident: dynamic, needing the host's glibc loader.
cp /bin/true "$work/packs/core/sensors/attune-core-timer-sensor"

compose pull --quiet init-pack-binaries
compose up --no-color >"$work/log" 2>&1 || true
cat "$work/log"
ok=1
grep -q 'sensor_1 *| {"trigger":"tick"' "$work/log" \
    || { echo "e2e: the sensor printed no tick event" >&2; ok=0; }
grep -q 'init-packs: preserved static binary core/sensors/attune-core-timer-sensor' "$work/log" \
    || { echo "e2e: init-packs did not report preserving the static binary" >&2; ok=0; }
for service in init-pack-binaries init-packs sensor; do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -q "$service")" 2>/dev/null || echo missing)
    [ "$code" = 0 ] || { echo "e2e: $service exited with $code" >&2; ok=0; }
done
sum=$(docker run --rm --platform "$platform" -v "${project}_packs:/packs:ro" "$base" \
    sha256sum /packs/core/sensors/attune-core-timer-sensor | cut -d' ' -f1)
echo "e2e: $platform: sha256 of the sensor in the volume: $sum"
[ "$ok" -eq 1 ] || { echo "e2e: FAILED for $platform" >&2; exit 1; }
echo "e2e: OK for $platform: the static sensor from $registry ran from the volume"
