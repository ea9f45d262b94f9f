# The Dockerfile pipeline at its best for a warm release (bench/run.sh, scenario "deps"): as
# bench/crate.Dockerfile, but built with BuildKit (DOCKER_BUILDKIT=1) and cargo's target
# directory in a cache mount, so a one-line change recompiles only the crate, as the plugin's kept
# target directory does. No `# syntax=` line: the engine's built-in Dockerfile frontend has cache
# mounts, and no public registry is reachable to fetch another.
ARG BUILDER_IMAGE
ARG BASE_IMAGE
ARG PLATFORM=linux/amd64

FROM ${BUILDER_IMAGE} AS builder
ARG RUST_TARGET
ARG BINARY
ARG STRIP=strip
ENV CARGO_HOME=/tmp/cargo
WORKDIR /workspace
COPY crate/ /workspace/
RUN --mount=type=cache,id=pack-binaries-bench-target,target=/workspace/target \
    cargo build --release --offline --target "${RUST_TARGET}" \
    && cp "target/${RUST_TARGET}/release/${BINARY}" /sensor \
    && { "${STRIP}" /sensor || echo "warning: ${STRIP} failed; keeping the unstripped binary"; }

FROM --platform=${PLATFORM} ${BASE_IMAGE} AS pack-binaries-init
ARG BINARY
COPY --from=builder /sensor /pack-binaries/core/sensors/${BINARY}
COPY pack-binaries-init.sh /usr/local/bin/pack-binaries-init.sh
ENTRYPOINT ["/bin/sh", "/usr/local/bin/pack-binaries-init.sh", "/pack-binaries", "/packs"]
