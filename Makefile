# Everyday entry points. `make pack-binaries` is the main job, `make test` runs every test;
# both bring up what they need first (see scripts/test-env.sh).

SHELL := /bin/sh
MVN ?= mvn -B -ntp
TEST_ENV := scripts/test-env.sh
# The variables the test environment exports (registry, builder image, base image).
WITH_ENV = set -a && . "$$($(TEST_ENV) path)/env" && set +a &&

# Which builder compiles the sensors (scripts/build-pack-binaries.sh holds the options):
#   local    (default) the Debian-based builder image the test environment makes offline,
#            `cargo build` with +crt-static, *-unknown-linux-gnu triples
#   zigbuild the plugin's default: the public cargo-zigbuild image, *-unknown-linux-musl
PACK_BUILDER ?= local
HOST_ARCH := $(shell uname -m | sed 's/arm64/aarch64/')
LIBC := $(if $(filter zigbuild,$(PACK_BUILDER)),musl,gnu)
PACK_BINARIES_RUST_TARGET ?= $(HOST_ARCH)-unknown-linux-$(LIBC)
ALL_TARGETS := x86_64-unknown-linux-$(LIBC),aarch64-unknown-linux-$(LIBC)
BUILD_PACK = PACK_BUILDER=$(PACK_BUILDER) MVN="$(MVN)" scripts/build-pack-binaries.sh

.PHONY: help plugin pack-binaries dev-up docker-build-pack-binaries docker-build-pack-binaries-arm64 \
	docker-build-pack-binaries-all test test-env test-env-down test-java test-docker test-sensor test-maven-versions \
	test-scripts test-release test-site-recipes test-split-release test-same-digests test-release-bundle \
	test-concurrent-releases test-doc-commands \
	docs bench bench-scale fuzz mutation clean

help:
	@echo "make pack-binaries        build the plugin, then the core pack's sensor for this host"
	@echo "make test                 every test (brings the test environment up first)"
	@echo "make docker-build-pack-binaries[-arm64|-all]   sensor + init image per target"
	@echo "make dev-up               the development compose stack with this host's sensor"
	@echo "make test-env / test-env-down                   the local Docker, registries, qemu"
	@echo "make bench                the plugin against the Dockerfile pipeline"
	@echo "make bench-scale          each goal's time and heap against bytes and binary count (BENCH_SCALE_CASES)"
	@echo "make docs                 the documentation site in target/site/"

plugin:
	$(MVN) -q install -DskipTests -Dinvoker.skip

test-env:
	$(TEST_ENV) up

test-env-down:
	$(TEST_ENV) down

# The main job: the release build of packs/ for the host's architecture.
pack-binaries: test-env plugin
	RUST_TARGET=$(PACK_BINARIES_RUST_TARGET) $(BUILD_PACK)
	@echo "Sensor: packs/core/sensors/attune-core-timer-sensor; all outputs: target/packs/pack-binaries/"

docker-build-pack-binaries: test-env plugin
	RUST_TARGET=$(PACK_BINARIES_RUST_TARGET) $(BUILD_PACK) -Dpack.image.load=true
	@echo "Outputs: target/packs/pack-binaries/ (binary, image tarball, OCI layout)"

docker-build-pack-binaries-arm64: test-env plugin
	RUST_TARGET=aarch64-unknown-linux-$(LIBC) $(BUILD_PACK)
	@echo "Outputs: target/packs/pack-binaries/aarch64-unknown-linux-$(LIBC)/ and target/packs/pack-binaries/image/"

docker-build-pack-binaries-all: test-env plugin
	RUST_TARGET=$(ALL_TARGETS) $(BUILD_PACK)
	@echo "Outputs: target/packs/pack-binaries/{x86_64,aarch64}-unknown-linux-$(LIBC)/ and the two-platform OCI archive in target/packs/pack-binaries/image/"

# The development stack on this machine: the init image the build loads into Docker, then
# docker/docker-compose.yaml. With the local builder its public images (python, busybox) are
# replaced by the test environment's busybox; INIT_PACKS_IMAGE and SENSOR_IMAGE override.
DEV_PLATFORM = $(if $(findstring aarch64,$(PACK_BINARIES_RUST_TARGET)),linux/arm64,linux/amd64)
dev-up: docker-build-pack-binaries
	$(WITH_ENV) cd docker && PACK_BINARIES_PLATFORM=$(DEV_PLATFORM) \
		$(if $(filter local,$(PACK_BUILDER)),INIT_PACKS_IMAGE="$${INIT_PACKS_IMAGE:-$$PACK_TEST_BASE_IMAGE}" SENSOR_IMAGE="$${SENSOR_IMAGE:-$$PACK_TEST_BASE_IMAGE}") \
		docker-compose up --no-build

test: test-env
	$(WITH_ENV) $(MAKE) --no-print-directory test-sensor test-docker test-scripts test-release \
		test-site-recipes test-split-release test-java test-maven-versions test-same-digests \
		test-release-bundle test-concurrent-releases test-doc-commands

# scripts/: shellcheck and the build script's tests (it builds with the installed plugin).
test-scripts: plugin
	shellcheck -x scripts/build-pack-binaries.sh scripts/test/fresh-copy.sh docker/test/readme-release.sh \
		docker/test/split-release.sh docker/test/site-recipes.sh docker/test/doc-commands.sh \
		docker/test/doc-commands-check.sh bench/scale/run.sh bench/scale/gen-crate.sh
	bats scripts/test/build-pack-binaries.bats

# Attune's release as the docs write it (src/site/markdown/attune-release.md), from a fresh copy:
# install, deploy, the distributable stack as an amd64 and as an arm64 host, the recipes' audit and
# index commands (docker/test/readme-release.sh). DOC_TEST_M2=DIR: Maven's local repository there.
test-release:
	docker/test/readme-release.sh

# The quick start's and the recipes' commands as written, in a project made of the quick start's
# POM and the bench's small crate (docker/test/site-recipes.sh); the plugin as `make plugin`
# installs it.
test-site-recipes: plugin
	docker/test/site-recipes.sh

# Every command of README's and the site's sh blocks was run by one of the tests above, which
# leave their ledgers in target/doc-commands/ (docker/test/doc-commands-check.sh); last in make test.
test-doc-commands:
	shellcheck -x docker/test/doc-commands-check.sh docker/test/doc-commands.sh
	docker/test/doc-commands-check.sh

# The split release as the CI examples run it (examples/ci/): each job in its own clone, the
# parts by digest, the fan-in; the index against the single-machine release's; the fan-in's
# failures (docker/test/split-release.sh).
test-split-release:
	docker/test/split-release.sh

# The Maven Central bundle, signed with a throwaway GnuPG key and checked offline against
# Central's rules (scripts/check-central-bundle.sh). Nothing is published.
test-release-bundle:
	shellcheck -x scripts/check-central-bundle.sh scripts/test/release-bundle.sh scripts/measure-plugin-resolution.sh
	MVN="$(MVN)" scripts/test/release-bundle.sh

# The documentation site in target/site/: src/site's pages and one page per goal with every
# parameter (maven-plugin-report-plugin). Works offline (MVN="mvn -B -ntp -o") after a first run.
docs:
	$(MVN) -q process-classes site -Dinvoker.skip
	@echo "Site: target/site/index.html (goal pages: target/site/build-mojo.html, ...)"

test-java:
	$(MVN) verify

test-docker:
	docker/test/run.sh

# Six pushes of one release to one repository at once (two from one target/ dir), two index
# fan-ins beside them, three rounds; then two builds of one crate at once in one working tree.
test-concurrent-releases: plugin
	$(WITH_ENV) docker/test/concurrent-releases.sh

# The sensor's own Rust tests, inside the builder image (no Rust needed on the host).
test-sensor:
	docker run --rm --network none -v "$(CURDIR)/packs/core:/workspace" -w /workspace \
		-e CARGO_HOME=/tmp/cargo -e CARGO_TARGET_DIR=/tmp/target -e RUSTFLAGS= \
		--user "$$(id -u):$$(id -g)" "$$PACK_TEST_BUILDER_IMAGE" cargo test --offline

# Every IT again under the newest Maven 3.9 and Maven 4 (the plugin is built by the Maven on
# PATH, 3.8 here); the Maven distributions come from Maven Central into the test environment.
MAVEN_VERSIONS ?= 3.9.16 4.0.0-rc-5
test-maven-versions:
	@set -e; dir="$$($(TEST_ENV) path)"; for version in $(MAVEN_VERSIONS); do \
		home="$$dir/apache-maven-$$version"; \
		[ -x "$$home/bin/mvn" ] || { \
			$(MVN) -q dependency:copy -Dartifact=org.apache.maven:apache-maven:$$version:tar.gz:bin \
				-DoutputDirectory="$$dir" && tar -xzf "$$dir/apache-maven-$$version-bin.tar.gz" -C "$$dir"; }; \
		echo "ITs under Maven $$version"; \
		$(MVN) verify -DskipTests -Dinvoker.mavenHome="$$home" $(if $(IT),-Dinvoker.test='$(IT)'); \
	done

# The packs POM's release builds the same index under the Maven on PATH and under each of
# MAVEN_VERSIONS (fetched by test-maven-versions): its project.build.outputTimestamp is set, and
# where it is not, Maven 3 and Maven 4 give two digests for the same inputs.
PACKS_INDEX = target/packs/pack-binaries/image/layout/index.json
test-same-digests:
	@set -e; dir="$$($(TEST_ENV) path)"; first=; for mvn in mvn $(foreach v,$(MAVEN_VERSIONS),"$$dir/apache-maven-$(v)/bin/mvn"); do \
		RUST_TARGET=$(PACK_BINARIES_RUST_TARGET) PACK_BUILDER=$(PACK_BUILDER) MVN="$$mvn -B -ntp -q" \
			scripts/build-pack-binaries.sh; \
		digest=$$(sed -n 's/.*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p' $(PACKS_INDEX)); \
		echo "packs index under $$("$$mvn" -B -v | sed -n '1s/.*\(Apache Maven [^ ]*\).*/\1/p'): $$digest"; \
		[ -n "$$digest" ] && [ "$${first:-$$digest}" = "$$digest" ] || { echo "the packs POM's index differs between Mavens" >&2; exit 1; }; \
		first=$$digest; \
	done

# The parsers' long fuzz runs (tag "fuzz", see testing/FuzzBudget): 100 x the cases `make test`
# runs, with a fresh seed each run that the summary lines print; PACK_FUZZ_SEED=N replays one.
# The test environment builds the cargo seeds.
fuzz: test-env
	$(WITH_ENV) $(MVN) -Pfuzz test -Dinvoker.skip -Dspotless.check.skip \
		$(if $(PACK_FUZZ_SEED),-Dpack.fuzz.seed=$(PACK_FUZZ_SEED))

# PIT mutation testing, one threshold per package group (pom profile "mutation").
mutation: test-env
	$(WITH_ENV) $(MVN) -Pmutation test-compile \
		org.pitest:pitest-maven:mutationCoverage@elf org.pitest:pitest-maven:mutationCoverage@parsers

bench: test-env plugin
	$(WITH_ENV) bench/run.sh

# Issue 28: each goal against bytes (1 binary of 1, 10, 100 MiB) and count (1, 10, 50 binaries of
# ~1 MiB), under -Xmx256m, beside sha256sum, gzip -6, skopeo copy and loopback floors; a subset
# with e.g. BENCH_SCALE_CASES="1x1 1x100". Writes target/bench-scale/results.md and scale.svg.
bench-scale: test-env plugin
	$(WITH_ENV) bench/scale/run.sh

clean:
	$(MVN) -q clean
	rm -rf target/packs
