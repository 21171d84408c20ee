# loyalty-connector: every command installs what it needs on a fresh machine.
#   make test      every test (Rust, PHP vectors and differential run, JS in every runtime, Worker)
#   make demo      the whole thing end to end against the local emulator
#   make package   the npm package in pkg/
#   make bench     benchmarks against peers, written to bench/results.json
# Each area keeps its targets in mk/<area>.mk and adds its test target to TEST_TARGETS.

SHELL := /bin/bash
.DEFAULT_GOAL := test
TEST_TARGETS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: test
test: $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"
