# loyalty-connector: every command installs what it needs on a fresh machine.
#   make test      every test (Rust, PHP vectors and differential run, JS in every runtime, Worker)
#   make quick     the inner loop: the core's Rust tests, fewer generated cases (seconds when warm)
#   make demo      the whole thing end to end against the local emulator
#   make package   the npm package in pkg/
#   make bench     benchmarks against peers, written to bench/results.json
# Each area keeps its targets in mk/<area>.mk, adds its suite to TEST_TARGETS, what the suite
# compiles to TEST_BUILDS and the tools it needs to TEST_NEEDS.
#
# `make test` runs in three phases: the tools, one install at a time (two package managers at once
# would fight over their locks); every compile, two at a time; then the suites, TEST_JOBS at a
# time, longest first. Most suites wait on servers, rate limits and browsers, not on the CPU, so
# they share the two cores well; each prints its output whole when it ends.

SHELL := /bin/bash
.DEFAULT_GOAL := test
# Recipes do not see make's jobserver: cargo would warn that it cannot use it, and compiles on
# its own threads anyway (each phase below passes its own -j).
unexport MAKEFLAGS MFLAGS
TEST_TARGETS :=
TEST_BUILDS :=
TEST_NEEDS :=
TEST_JOBS ?= 2
# Started first: the suites that take longest (minutes each).
LONGEST_FIRST := test-worker test-cli test-runtimes test-core test-js

include $(sort $(wildcard mk/*.mk))

.PHONY: test test-needs test-builds test-suites quick
test:
	@start=$$SECONDS; \
	$(MAKE) --no-print-directory test-needs && \
	$(MAKE) --no-print-directory -j2 --output-sync=target test-builds && \
	echo "make test: tools and builds ready after $$((SECONDS - start)) s" && \
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target test-suites && \
	echo "make test: all suites passed in $$((SECONDS - start)) s ($(TEST_TARGETS))"

test-needs:
	scripts/need $(sort $(TEST_NEEDS))

test-builds: $(TEST_BUILDS)

test-suites: $(LONGEST_FIRST) $(filter-out $(LONGEST_FIRST),$(TEST_TARGETS))

# Rust only, in the quick profile: the core's unit, vector, differential, batch and fuzz tests
# with fewer generated cases than make test runs.
quick:
	DIFF_CASES=2000 PROPTEST_CASES=64 cargo test --profile quick --all-targets
