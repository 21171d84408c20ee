# The Cloudflare Worker (examples/worker): host unit tests, the worker-build output, a dry-run
# deploy, and end-to-end runs under `wrangler dev` against the local emulator.
TEST_TARGETS += test-worker
TEST_BUILDS += worker-build test-worker-unit-build
TEST_NEEDS += php node worker-build worker-node-deps

WORKER_DIR := examples/worker
WORKER_OUT := $(WORKER_DIR)/build/index.js
WORKER_SOURCES := $(shell find src $(WORKER_DIR)/src -name '*.rs') Cargo.toml \
	$(WORKER_DIR)/Cargo.toml $(WORKER_DIR)/Cargo.lock
# wrangler needs Node 22.12 or later: it runs on the `node` package next to it (first in PATH).
WRANGLER := $(WORKER_DIR)/node_modules/.bin/wrangler

.PHONY: worker-build test-worker test-worker-unit test-worker-unit-build test-worker-deploy test-worker-e2e

# What wrangler.toml's `main` points at; `wrangler dev` and `wrangler deploy` need it built first.
worker-build: $(WORKER_OUT)

$(WORKER_OUT): $(WORKER_SOURCES)
	scripts/need worker-build worker-node-deps
	cd $(WORKER_DIR) && WASM_BINDGEN_BIN="$$(command -v wasm-bindgen)" \
		WASM_OPT_BIN="$$PWD/node_modules/.bin/wasm-opt" ESBUILD_BIN="$$PWD/node_modules/.bin/esbuild" \
		worker-build --release
	touch $@

# The end-to-end runs first: they take longest.
test-worker: test-worker-e2e test-worker-deploy test-worker-unit

test-worker-unit-build:
	cd $(WORKER_DIR) && cargo test --quiet --no-run

test-worker-unit:
	cd $(WORKER_DIR) && cargo test

# `wrangler deploy --dry-run`: the bundle, bindings, migrations and queue settings are valid.
test-worker-deploy: worker-build
	scripts/need worker-node-deps
	PATH="$(CURDIR)/$(WORKER_DIR)/node_modules/.bin:$$PATH" WRANGLER_SEND_METRICS=false $(WRANGLER) deploy --dry-run --outdir $(WORKER_DIR)/build/dry-run

test-worker-e2e: worker-build
	scripts/need php node worker-node-deps
	node --test --test-concurrency=1 $(WORKER_DIR)/test/*.test.mjs
