#!/bin/sh
# End-to-end run of docker/docker-compose.yaml with stand-ins, reproducing the
# original bug: the host's packs/ holds a stale dynamic binary and the volume
# gets a static one from the init image; the sensor must run the static one.
#
# Usage: SMOKE_BASE_IMAGE=<busybox image already in the engine> compose-smoke.sh
#
# Stand-ins, because the real images need the network: a static C program
# plays the sensor (built with musl-gcc, or cc -static), an image FROM
# SMOKE_BASE_IMAGE with docker/pack-binaries-init.sh plays pack-binaries-init,
# and SMOKE_BASE_IMAGE also replaces python:3.11-slim for init-packs.
# Needs a running engine and docker-compose; pulls nothing.
set -eu

: "${SMOKE_BASE_IMAGE:?set SMOKE_BASE_IMAGE to a busybox image present in the engine}"
docker_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
project=attune-compose-smoke-$$
image=attune/pack-binaries-init:compose-smoke-$$

compose() {
    PACK_BINARIES_INIT_IMAGE=$image INIT_PACKS_IMAGE=$SMOKE_BASE_IMAGE \
        SENSOR_IMAGE=$SMOKE_BASE_IMAGE \
        docker-compose -p "$project" -f "$work/docker/docker-compose.yaml" "$@"
}
cleanup() {
    compose down -v >/dev/null 2>&1 || true
    docker rmi "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The compose file mounts ./init-packs.sh and ../packs relative to itself.
cp -R "$docker_dir" "$work/docker"
mkdir -p "$work/packs/core/sensors" "$work/bin"
echo "name: core" >"$work/packs/core/pack.yaml"
cat >"$work/sensor.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv) {
    printf("%s sensor:", KIND);
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
EOF
if command -v musl-gcc >/dev/null 2>&1; then
    musl-gcc -static -O2 -DKIND='"static"' -o "$work/bin/sensor" "$work/sensor.c"
else
    cc -static -O2 -DKIND='"static"' -o "$work/bin/sensor" "$work/sensor.c"
fi
# The stale host copy: dynamic, so it would not even start in busybox.
cc -O2 -DKIND='"stale-dynamic"' \
    -o "$work/packs/core/sensors/attune-core-timer-sensor" "$work/sensor.c"

cat >"$work/Dockerfile" <<EOF
FROM $SMOKE_BASE_IMAGE
COPY bin/sensor /pack-binaries/core/sensors/attune-core-timer-sensor
COPY docker/pack-binaries-init.sh /usr/local/bin/pack-binaries-init.sh
ENTRYPOINT ["/bin/sh", "/usr/local/bin/pack-binaries-init.sh", "/pack-binaries", "/packs"]
EOF
docker build -q -t "$image" "$work" >/dev/null

# No --abort-on-container-exit: all three services are one-shot, and the
# first one exiting would stop the rest.
compose up --no-build --no-color >"$work/log" 2>&1 || true
cat "$work/log"
ok=1
grep -q 'sensor_1 *| static sensor: --once --triggers \[{"id":"tick","type":"interval","seconds":1}\]' "$work/log" || ok=0
grep -q 'init-packs: preserved static binary core/sensors/attune-core-timer-sensor (host copy ignored: ELF file in source)' "$work/log" || ok=0
for svc in init-pack-binaries init-packs sensor; do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$(compose ps -q "$svc")" 2>/dev/null || echo missing)
    echo "compose-smoke: $svc exited with $code"
    [ "$code" = 0 ] || ok=0
done
if [ "$ok" -eq 1 ]; then
    echo "compose-smoke: OK, the sensor ran the static binary"
else
    echo "compose-smoke: FAILED" >&2
    exit 1
fi
