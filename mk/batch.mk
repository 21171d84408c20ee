# The end-of-day batch connector. Its Rust tests run in test-core (tests/batch*.rs); this target
# runs the sample day end to end against the local emulator (retries, exactly-once, the log).
TEST_TARGETS += test-batch
TEST_BUILDS += batch-demo-build
TEST_NEEDS += node

.PHONY: test-batch batch-demo batch-demo-build gen-purchases
batch-demo-build:
	cargo build --quiet --profile quick --example batch_demo

test-batch:
	scripts/need node
	scripts/batch-demo.sh

batch-demo: test-batch

# A large purchases file for benchmarks: `make gen-purchases ROWS=1000000 OUT=/tmp/purchases-2019_03_11.csv`.
ROWS ?= 1000000
OUT ?= /tmp/purchases-2019_03_11.csv
gen-purchases:
	cargo run --release --example gen_purchases -- $(OUT) $(ROWS)
