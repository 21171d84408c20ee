# Benchmarks against peers (bench/README.md): `make bench` prints one table and writes
# bench/results.json; every comparison is a ratio of two measurements taken in the same run.
# Not part of `make test` (minutes, and timings): test-bench only checks that the scripts parse.
#   make bench         the full run (~10 minutes on 2 cores; installs what it needs)
#   make bench-quick   a smoke run of every part (its numbers mean nothing)
TEST_TARGETS += test-bench
TEST_NEEDS += node php

BENCH_EXAMPLES := --example sign_throughput --example batch_prepare --example gen_purchases

.PHONY: bench bench-quick bench-prepare test-bench

bench: bench-prepare
	node bench/run.mjs

bench-quick: bench-prepare
	node bench/run.mjs --quick

bench-prepare: package worker-build
	scripts/need php node gnu-time bench-node-deps worker-node-deps
	cargo build --quiet --release $(BENCH_EXAMPLES)

# Syntax only, no dependencies, a second or two.
test-bench:
	scripts/need node php
	@for f in bench/*.mjs bench/lib/*.mjs bench/worker/*.mjs; do node --check "$$f" || exit 1; done
	@for f in bench/php/*.php; do php -l "$$f" >/dev/null || exit 1; done
	@echo "test-bench: the bench scripts parse (run them with make bench)"
