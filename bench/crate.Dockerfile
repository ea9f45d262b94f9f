# The Dockerfile pipeline for one of the bench's crates (bench/crates/, scenario "small"), as
# bench/baseline.Dockerfile builds the sensor: a builder stage compiling the crate, a busybox init
# stage per architecture. Classic `docker build`, pushed per architecture, joined with
# `docker manifest`. The context is bench/run.sh's work directory for the crate: crate/ (a copy of
# bench/crates/CRATE) and pack-binaries-init.sh.
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
RUN cargo build --release --offline --target "${RUST_TARGET}" \
    && cp "target/${RUST_TARGET}/release/${BINARY}" /sensor \
    && { "${STRIP}" /sensor || echo "warning: ${STRIP} failed; keeping the unstripped binary"; }

FROM --platform=${PLATFORM} ${BASE_IMAGE} AS pack-binaries-init
ARG BINARY
COPY --from=builder /sensor /pack-binaries/core/sensors/${BINARY}
COPY pack-binaries-init.sh /usr/local/bin/pack-binaries-init.sh
ENTRYPOINT ["/bin/sh", "/usr/local/bin/pack-binaries-init.sh", "/pack-binaries", "/packs"]
