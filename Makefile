# ferrolite: every build, test and benchmark entry point.
#
#   make            build everything (engine, wasm, C library + header, Go)
#   make wasm       rebuild the engine wasm committed in go/internal/wasmhost
#   make test       all tests (what .ci/run calls through `make ci`)
#   make bench      the 1M-row benchmark, native and Go/wasm vs SQLite (not a test)
#
# The wasm32 target is built with rustup's wasm32-unknown-unknown std when it
# is installed (or installable), else with Debian's rustc-web/rust-web-src and
# lld-19 through -Z build-std (see docs/building.md).

SHELL := /bin/bash
ROOT := $(abspath .)
WASM_OUT := go/internal/wasmhost/ferrolite.wasm
WASM_TARGET_DIR ?= $(ROOT)/target/wasm-build
export CARGO_TERM_COLOR := never

.PHONY: all wasm wasm-check engine bindings header header-check c-example go test ci deps slt bench

all: wasm bindings header c-example go

wasm:
	@scripts/build-wasm.sh "$(WASM_TARGET_DIR)" "$(WASM_OUT)"

wasm-check:
	@scripts/check-wasm.sh "$(WASM_TARGET_DIR)" "$(WASM_OUT)"

engine:
	cargo build --release -p ferrolite-parser -p ferrolite-engine

bindings:
	cargo build --release -p ferrolite

header:
	@scripts/gen-header.sh

header-check:
	@scripts/check-header.sh

c-example:
	@scripts/c-example.sh

go:
	cd go && CGO_ENABLED=0 go build ./...

deps:
	@scripts/deps.sh

# Everything a fresh machine needs to run, then every test.
test: deps
	cargo test --release -p ferrolite-parser -p ferrolite-engine -p ferrolite-wasm -p ferrolite-slt
	$(MAKE) wasm-check
	$(MAKE) header-check
	cargo test --release -p ferrolite
	$(MAKE) c-example
	scripts/go-test.sh
	scripts/killtest.sh delete
	scripts/killtest.sh wal
	scripts/litestream-test.sh
	scripts/slt-quick.sh
	scripts/interop-test.sh

# 1M rows inserted in one transaction, then scanned: ferrolite vs SQLite,
# native and through the Go driver (docs/benchmarks.md). BENCH_ROWS=n to vary.
bench:
	scripts/bench.sh

# The whole sqllogictest corpus in ../shared/sqllogictest (long).
slt:
	cargo run --release -p ferrolite-slt -- ../shared/sqllogictest

ci: test
