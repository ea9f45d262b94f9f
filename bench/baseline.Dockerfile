# The pipeline this plugin replaces, with the same toolchain as the plugin's bench run: a
# builder stage compiling the sensor, and a busybox init stage per architecture. Built with the
# classic `docker build`, pushed per architecture, joined with `docker manifest`.
ARG BUILDER_IMAGE
ARG BASE_IMAGE
ARG PLATFORM=linux/amd64

FROM ${BUILDER_IMAGE} AS builder
ARG RUST_TARGET
ARG STRIP=strip
ENV SQLX_OFFLINE=true CARGO_HOME=/tmp/cargo
WORKDIR /workspace
COPY packs/core/ /workspace/
RUN cargo build --release --offline --target "${RUST_TARGET}" \
    && cp "target/${RUST_TARGET}/release/attune-core-timer-sensor" /sensor \
    && { "${STRIP}" /sensor || echo "warning: ${STRIP} failed; keeping the unstripped binary"; }

FROM --platform=${PLATFORM} ${BASE_IMAGE} AS pack-binaries-init
COPY --from=builder /sensor /pack-binaries/core/sensors/attune-core-timer-sensor
COPY docker/pack-binaries-init.sh /usr/local/bin/pack-binaries-init.sh
ENTRYPOINT ["/bin/sh", "/usr/local/bin/pack-binaries-init.sh", "/pack-binaries", "/packs"]
