#!/bin/sh
# The local test environment: every real component the plugin's tests talk to.
#
#   scripts/test-env.sh up      bring up whatever is missing (idempotent), then self-check
#   scripts/test-env.sh down    stop only what `up` started (by process id)
#   scripts/test-env.sh env     print the shell variables the tests read
#   scripts/test-env.sh path    print the directory holding its state (PACK_TEST_ENV)
#
# Parts: a Docker engine, a plain registry on 127.0.0.1:5000, a registry with htpasswd auth
# behind TLS on 127.0.0.1:5443, a registry with token (Bearer) auth on 127.0.0.1:5002 whose
# token server the tests run themselves on 127.0.0.1:5003, qemu-user binfmt for arm64 and arm, a builder image with a Rust
# cross toolchain made only from Debian's packages, and a two-platform busybox base image.
# A part that already works (for example a developer's own Docker engine) is used as it is.
set -eu

STATE="${PACK_TEST_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/pack-binaries-test-env}"
REGISTRY=127.0.0.1:5000
SECURE_REGISTRY=127.0.0.1:5443
TOKEN_REGISTRY=127.0.0.1:5002
# The token server is a test utility (TokenServer), started by the tests that need it.
TOKEN_REALM=http://127.0.0.1:5003/token
TOKEN_SERVICE=pack-binaries-token-registry
TOKEN_ISSUER=pack-binaries-test-token-issuer
REGISTRY_USER=attune
BUILDER_IMAGE=attune/pack-binaries-builder:debian-bookworm
BASE_IMAGE="$REGISTRY/library/busybox:1.36"
# Bump when the builder's recipe changes, so `up` rebuilds it.
BUILDER_RECIPE=4

log() { printf '%s\n' "test-env: $*"; }
die() { printf '%s\n' "test-env: error: $*" >&2; exit 1; }
now() { date +%s; }

# Runs one part and prints one line: reused or created, and how long it took.
part() {
    name=$1; shift
    started=$(now)
    if "$@"; then
        printf 'test-env: %-16s %-8s %3ss\n' "$name" "$RESULT" "$(($(now) - started))"
    else
        die "$name could not be brought up (see above)"
    fi
}

apt_install() {
    missing=""
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    [ "$(id -u)" = 0 ] || die "missing packages:$missing; install them (as root: apt-get install$missing)"
    command -v apt-get >/dev/null || die "missing packages:$missing, and this is not a Debian system"
    # The package lists may be absent or stale on a new machine.
    if [ ! -f "$STATE/apt-updated" ] || [ -n "$(find "$STATE/apt-updated" -mmin +720)" ]; then
        apt-get update -qq >"$STATE/apt.log" 2>&1 || die "apt-get update failed, see $STATE/apt.log"
        touch "$STATE/apt-updated"
    fi
    # With recommends, as measured: mmdebstrap wants arch-test for the arm64 packages, and
    # dockerd its cgroup and AppArmor helpers on some hosts.
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing \
        >>"$STATE/apt.log" 2>&1 || die "apt-get install$missing failed, see $STATE/apt.log"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {
    what=$1; seconds=$2; shift 2
    i=0
    while ! "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -le $((seconds * 4)) ] || return 1
        sleep 0.25
    done
    [ -n "$what" ]
}

# --- Docker engine ---------------------------------------------------------------------------
docker_engine() {
    if docker info >/dev/null 2>&1; then RESULT=reused; return 0; fi
    apt_install docker.io
    [ "$(id -u)" = 0 ] || die "no Docker engine answers; start yours (dockerd), or run this as root to start one"
    pid_alive "$STATE/dockerd.pid" && kill "$(cat "$STATE/dockerd.pid")" && sleep 2
    dockerd --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 &
    wait_for docker 60 docker info || die "dockerd did not answer within 60s, see $STATE/dockerd.log"
    RESULT=created
}

# --- Registries ------------------------------------------------------------------------------
registry_answers() { curl -fsS "$@" >/dev/null 2>&1; }

plain_registry() {
    if registry_answers "http://$REGISTRY/v2/"; then RESULT=reused; return 0; fi
    apt_install docker-registry curl
    mkdir -p "$STATE/registry/data"
    cat >"$STATE/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $STATE/registry/data}
  delete: {enabled: true}
http:
  addr: $REGISTRY
EOF
    docker-registry serve "$STATE/registry/config.yml" >"$STATE/registry/registry.log" 2>&1 &
    echo $! >"$STATE/registry/pid"
    wait_for registry 30 registry_answers "http://$REGISTRY/v2/" \
        || die "registry on $REGISTRY did not answer, see $STATE/registry/registry.log"
    RESULT=created
}

# A self-signed CA and a server certificate for 127.0.0.1 and localhost; a PKCS12 trust store
# for Java; bcrypt htpasswd (the registry accepts nothing else); a random password kept in a
# file of mode 600 that tests read, never print.
secure_registry_files() {
    dir="$STATE/secure-registry"
    [ -f "$dir/htpasswd" ] && return 0
    apt_install openssl apache2-utils
    mkdir -p "$dir/data"
    (
        cd "$dir"
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pack-binaries test CA" \
            -keyout ca.key -out ca.crt 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile san.ext -out server.crt 2>/dev/null
        openssl rand -hex 16 >password
        htpasswd -Bbn "$REGISTRY_USER" "$(cat password)" >htpasswd.new 2>/dev/null
        mv htpasswd.new htpasswd
    )
    chmod 644 "$dir/ca.crt"
}

# A trust store for the JVMs of the tests: the JDK's own CAs (Maven still downloads plugins from
# its remote repositories) plus the test CA.
java_truststore() {
    dir="$STATE/secure-registry"
    [ -f "$dir/truststore.p12" ] && [ -f "$dir/truststore.complete" ] && return 0
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    rm -f "$dir/truststore.p12" "$dir/truststore.complete"
    keytool -importkeystore -noprompt -srckeystore "$java_home/lib/security/cacerts" \
        -srcstorepass changeit -destkeystore "$dir/truststore.p12" -deststoretype PKCS12 \
        -deststorepass changeit >/dev/null 2>&1 || die "cannot copy the JDK's CAs from $java_home"
    keytool -importcert -noprompt -alias pack-binaries-test-ca -file "$dir/ca.crt" \
        -keystore "$dir/truststore.p12" -storetype PKCS12 -storepass changeit >/dev/null 2>&1 \
        || die "cannot add the test CA to $dir/truststore.p12"
    chmod 644 "$dir/truststore.p12"
    touch "$dir/truststore.complete"
}

secure_registry() {
    dir="$STATE/secure-registry"
    if registry_answers --cacert "$dir/ca.crt" -u "$REGISTRY_USER:$(cat "$dir/password" 2>/dev/null)" \
        "https://$SECURE_REGISTRY/v2/"; then
        java_truststore
        RESULT=reused; return 0
    fi
    apt_install docker-registry curl
    secure_registry_files
    java_truststore
    cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
auth:
  htpasswd: {realm: pack-binaries-test, path: $dir/htpasswd}
http:
  addr: $SECURE_REGISTRY
  tls: {certificate: $dir/server.crt, key: $dir/server.key}
EOF
    pid_alive "$dir/pid" && kill "$(cat "$dir/pid")" && sleep 1
    docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    echo $! >"$dir/pid"
    # Docker's own trust for this registry, so `docker pull` works in end-to-end tests.
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "/etc/docker/certs.d/$SECURE_REGISTRY"
        cp "$dir/ca.crt" "/etc/docker/certs.d/$SECURE_REGISTRY/ca.crt"
    fi
    wait_for secure 30 registry_answers --cacert "$dir/ca.crt" -u "$REGISTRY_USER:$(cat "$dir/password")" \
        "https://$SECURE_REGISTRY/v2/" || die "registry on $SECURE_REGISTRY did not answer, see $dir/registry.log"
    RESULT=created
}

# Token auth: the registry trusts JWTs signed by the key of a self-signed certificate (the
# token server puts that certificate in the JWT's x5c header) and sends clients to the realm.
# Loopback only, so plain HTTP. The key is mode 600; tests read it, never print it.
token_registry_answers() {
    curl -sS -o /dev/null -D - "http://$TOKEN_REGISTRY/v2/" 2>/dev/null \
        | grep -qi "^www-authenticate: Bearer realm=\"$TOKEN_REALM\""
}

token_registry() {
    dir="$STATE/token-registry"
    if token_registry_answers; then RESULT=reused; return 0; fi
    apt_install docker-registry curl openssl
    mkdir -p "$dir/data"
    if [ ! -f "$dir/token.key" ] || [ ! -f "$dir/token.crt" ]; then
        (
            cd "$dir"
            umask 077
            openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pack-binaries test token issuer" \
                -keyout token.key -out token.crt 2>/dev/null
        )
        chmod 644 "$dir/token.crt"
    fi
    cat >"$dir/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
auth:
  token:
    realm: $TOKEN_REALM
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $dir/token.crt
http:
  addr: $TOKEN_REGISTRY
EOF
    pid_alive "$dir/pid" && kill "$(cat "$dir/pid")" && sleep 1
    docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    echo $! >"$dir/pid"
    wait_for token 30 token_registry_answers \
        || die "registry on $TOKEN_REGISTRY did not answer with a Bearer challenge, see $dir/registry.log"
    RESULT=created
}

# --- Foreign architectures -------------------------------------------------------------------
binfmt_enabled() { grep -q '^enabled' "/proc/sys/fs/binfmt_misc/qemu-$1" 2>/dev/null; }

qemu_binfmt() {
    if binfmt_enabled aarch64 && binfmt_enabled arm; then RESULT=reused; return 0; fi
    apt_install qemu-user-static binfmt-support
    [ "$(id -u)" = 0 ] || die "qemu binfmt for aarch64 is not enabled; as root: update-binfmts --enable qemu-aarch64"
    [ -f /proc/sys/fs/binfmt_misc/register ] \
        || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
        || die "cannot mount binfmt_misc"
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
    update-binfmts --enable qemu-arm >/dev/null 2>&1 || true
    binfmt_enabled aarch64 || die "update-binfmts --enable qemu-aarch64 did not enable it"
    RESULT=created
}

# --- Builder image ---------------------------------------------------------------------------
builder_image() {
    if [ "$(docker image inspect -f '{{index .Config.Labels "io.attune.recipe"}}' "$BUILDER_IMAGE" 2>/dev/null)" = "$BUILDER_RECIPE" ]; then
        RESULT=reused; return 0
    fi
    apt_install mmdebstrap
    sources=""
    for candidate in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
        [ -s "$candidate" ] && { sources=$candidate; break; }
    done
    [ -n "$sources" ] || die "no apt sources file to build the builder image from"
    rootfs="$STATE/builder-rootfs.tar"
    # Only Debian's packages: rustc-web/cargo-web (bookworm-updates), the arm64 std and a gcc
    # cross linker with its libc, so `+crt-static` gives static x86_64 and aarch64 binaries.
    # The librust-*-dev packages put crate sources (serde with derive, serde_json, regex with its
    # default features, chrono) under /usr/share/cargo/registry, a directory source the bench's
    # crate with dependencies builds from offline (bench/crates/deps/.cargo/config.toml).
    mmdebstrap --quiet --variant=apt --architectures=amd64,arm64 \
        --include=ca-certificates,rustc-web,cargo-web,libstd-rust-web-dev,libstd-rust-web-dev:arm64,gcc,libc6-dev,binutils,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,binutils-aarch64-linux-gnu,librust-serde-dev,librust-serde+serde-derive-dev,librust-serde-json-dev,librust-regex+default-dev,librust-chrono-dev \
        bookworm "$rootfs" - <"$sources" >"$STATE/mmdebstrap.log" 2>&1 \
        || die "mmdebstrap failed, see $STATE/mmdebstrap.log"
    docker import \
        -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
        -c 'ENV RUSTFLAGS="-C target-feature=+crt-static"' \
        -c 'ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc' \
        -c 'ENV CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=x86_64-linux-gnu-gcc' \
        -c "LABEL io.attune.recipe=$BUILDER_RECIPE" \
        -c 'WORKDIR /workspace' \
        "$rootfs" "$BUILDER_IMAGE" >/dev/null
    rm -f "$rootfs"
    RESULT=created
}

# --- Busybox base image ----------------------------------------------------------------------
# A two-platform OCI layout written by hand from Debian's busybox-static, then copied with
# skopeo: no public registry is needed.
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

blob() { # FILE -> moves it into the layout's blobs, prints its digest
    d=$(sha256_of "$1")
    mv "$1" "$LAYOUT/blobs/sha256/$d"
    printf '%s' "$d"
}

busybox_platform() { # DEB_ARCH OCI_ARCH VARIANT -> prints the manifest descriptor
    deb_arch=$1; oci_arch=$2; variant=$3
    work="$STATE/busybox/$deb_arch"
    rm -rf "$work"; mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
    (cd "$work" && apt-get download -qq "busybox-static:$deb_arch" >/dev/null 2>&1) \
        || die "apt-get download busybox-static:$deb_arch failed"
    dpkg-deb -x "$work"/busybox-static_*.deb "$work/deb"
    cp "$work/deb/bin/busybox" "$work/rootfs/bin/busybox"
    for applet in $(/bin/busybox --list 2>/dev/null || "$work/rootfs/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$work/rootfs/bin/$applet"
    done
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf - . \
        | gzip -n >"$work/layer.tar.gz"
    diff_id=$(gzip -dc "$work/layer.tar.gz" | sha256sum | cut -d' ' -f1)
    layer_size=$(stat -c %s "$work/layer.tar.gz")
    layer=$(blob "$work/layer.tar.gz")
    variant_json=""; [ -n "$variant" ] && variant_json=",\"variant\":\"$variant\""
    printf '{"architecture":"%s"%s,"os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$oci_arch" "$variant_json" "$diff_id" >"$work/config.json"
    config_size=$(stat -c %s "$work/config.json")
    config=$(blob "$work/config.json")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
    manifest_size=$(stat -c %s "$work/manifest.json")
    manifest=$(blob "$work/manifest.json")
    printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"%s}}' \
        "$manifest" "$manifest_size" "$oci_arch" "$variant_json"
}

base_image() {
    if skopeo inspect --raw --tls-verify=false "docker://$BASE_IMAGE" 2>/dev/null | grep -q '"arm64"'; then
        RESULT=reused; return 0
    fi
    apt_install skopeo
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        dpkg --add-architecture arm64
        rm -f "$STATE/apt-updated"
    fi
    if [ ! -f "$STATE/apt-updated" ] || ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
        apt-get update -qq >"$STATE/apt.log" 2>&1 || die "apt-get update failed, see $STATE/apt.log"
        touch "$STATE/apt-updated"
    fi
    LAYOUT="$STATE/busybox/layout"
    rm -rf "$LAYOUT"; mkdir -p "$LAYOUT/blobs/sha256"
    amd64=$(busybox_platform amd64 amd64 "")
    arm64=$(busybox_platform arm64 arm64 v8)
    printf '{"imageLayoutVersion":"1.0.0"}' >"$LAYOUT/oci-layout"
    # skopeo copies a multi-platform image out of a layout when the layout names one index.
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
        "$amd64" "$arm64" >"$STATE/busybox/index.json"
    index_size=$(stat -c %s "$STATE/busybox/index.json")
    index=$(blob "$STATE/busybox/index.json")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"base"}}]}' \
        "$index" "$index_size" >"$LAYOUT/index.json"
    skopeo copy --quiet --all --dest-tls-verify=false "oci:$LAYOUT:base" "docker://$BASE_IMAGE" \
        >"$STATE/busybox/skopeo.log" 2>&1 || die "skopeo copy of the busybox base failed, see $STATE/busybox/skopeo.log"
    RESULT=created
}

# --- Tools the tests call ---------------------------------------------------------------------
# Command, then the Debian package that brings it.
TEST_TOOLS="bats:bats shellcheck:shellcheck docker-compose:docker-compose skopeo:skopeo umoci:umoci
musl-gcc:musl-tools busybox:busybox-static gcc:gcc curl:curl openssl:openssl cargo:cargo-web
dash:dash setpriv:util-linux timeout:coreutils"

test_tools() {
    missing=""
    for entry in $TEST_TOOLS; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || missing="$missing ${entry#*:}"
    done
    if [ -z "$missing" ]; then RESULT=reused; return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        # shellcheck disable=SC2086 # a list of package names
        apt_install $missing
        RESULT=created
    else
        # A developer's machine: tests needing these skip (they fail only under CI=true).
        RESULT="missing:$missing"
    fi
}

# --- Self-check: each part does its job ------------------------------------------------------
self_check() {
    RESULT=passed
    docker info --format '{{.ServerVersion}}' >/dev/null
    curl -fsS "http://$REGISTRY/v2/" >/dev/null
    index=$(skopeo inspect --raw --tls-verify=false "docker://$BASE_IMAGE")
    printf '%s' "$index" | grep -q '"arm64"' || die "base image $BASE_IMAGE has no arm64 manifest"
    # An aarch64 binary runs under binfmt.
    "$STATE/busybox/arm64/rootfs/bin/busybox" true 2>/dev/null \
        || die "the aarch64 busybox does not run; is qemu binfmt enabled?"
    # A foreign-architecture container runs (the engine uses the same binfmt handlers).
    [ "$(docker run --rm --platform linux/arm64 "$BASE_IMAGE" uname -m 2>/dev/null)" = aarch64 ] \
        || die "docker run --platform linux/arm64 $BASE_IMAGE does not run"
    # The builder cross-compiles a static aarch64 binary (checked once per builder image).
    marker="$STATE/builder-checked-$(docker image inspect -f '{{.Id}}' "$BUILDER_IMAGE" | cut -c8-19)"
    if [ ! -f "$marker" ]; then
        crate="$STATE/hello"
        rm -rf "$crate"; mkdir -p "$crate/src"
        printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n' >"$crate/Cargo.toml"
        printf 'fn main() { println!("hello from {}", std::env::consts::ARCH); }\n' >"$crate/src/main.rs"
        docker run --rm --network none -v "$crate:/workspace" -e CARGO_HOME=/tmp/cargo "$BUILDER_IMAGE" \
            cargo build --quiet --release --offline --target aarch64-unknown-linux-gnu \
            >"$STATE/builder-check.log" 2>&1 || die "cargo build in $BUILDER_IMAGE failed, see $STATE/builder-check.log"
        out=$("$crate/target/aarch64-unknown-linux-gnu/release/hello")
        [ "$out" = "hello from aarch64" ] || die "the cross-built binary printed '$out'"
        rm -rf "$crate"
        touch "$marker"
    fi
}

write_env() {
    cat >"$STATE/env" <<EOF
PACK_TEST_ENV=$STATE
PACK_TEST_REGISTRY=$REGISTRY
PACK_TEST_SECURE_REGISTRY=$SECURE_REGISTRY
PACK_TEST_REGISTRY_USER=$REGISTRY_USER
PACK_TEST_REGISTRY_PASSWORD_FILE=$STATE/secure-registry/password
PACK_TEST_CA=$STATE/secure-registry/ca.crt
PACK_TEST_TRUSTSTORE=$STATE/secure-registry/truststore.p12
PACK_TEST_BUILDER_IMAGE=$BUILDER_IMAGE
PACK_TEST_BASE_IMAGE=$BASE_IMAGE
PACK_TEST_TOKEN_REGISTRY=$TOKEN_REGISTRY
PACK_TEST_TOKEN_REALM=$TOKEN_REALM
PACK_TEST_TOKEN_SERVICE=$TOKEN_SERVICE
PACK_TEST_TOKEN_ISSUER=$TOKEN_ISSUER
PACK_TEST_TOKEN_KEY=$STATE/token-registry/token.key
PACK_TEST_TOKEN_CERT=$STATE/token-registry/token.crt
export PACK_TEST_ENV PACK_TEST_REGISTRY PACK_TEST_SECURE_REGISTRY PACK_TEST_REGISTRY_USER
export PACK_TEST_REGISTRY_PASSWORD_FILE PACK_TEST_CA PACK_TEST_TRUSTSTORE PACK_TEST_BUILDER_IMAGE PACK_TEST_BASE_IMAGE
export PACK_TEST_TOKEN_REGISTRY PACK_TEST_TOKEN_REALM PACK_TEST_TOKEN_SERVICE PACK_TEST_TOKEN_ISSUER
export PACK_TEST_TOKEN_KEY PACK_TEST_TOKEN_CERT
EOF
}

up() {
    mkdir -p "$STATE"
    started_all=$(now)
    part docker-engine docker_engine
    part registry plain_registry
    part secure-registry secure_registry
    part token-registry token_registry
    part qemu-binfmt qemu_binfmt
    part test-tools test_tools
    part builder-image builder_image
    part busybox-base base_image
    part self-check self_check
    write_env
    log "ready in $(($(now) - started_all))s; variables for the tests: . $STATE/env"
}

stop_pid() {
    if pid_alive "$1"; then
        kill "$(cat "$1")"
        log "stopped $2 (pid $(cat "$1"))"
    fi
    rm -f "$1"
}

down() {
    stop_pid "$STATE/token-registry/pid" token-registry
    stop_pid "$STATE/secure-registry/pid" secure-registry
    stop_pid "$STATE/registry/pid" registry
    stop_pid "$STATE/dockerd.pid" dockerd
}

case "${1:-up}" in
    up) up ;;
    down) down ;;
    env) cat "$STATE/env" ;;
    path) printf '%s\n' "$STATE" ;;
    *) die "usage: $0 up|down|env|path" ;;
esac
