# The core crate: unit tests, PHP vectors, the differential run against php-cli, fuzzing.
TEST_TARGETS += test-core
TEST_BUILDS += test-core-build
TEST_NEEDS += php php7

.PHONY: test-core test-core-build vectors vectors-check soak
test-core-build:
	cargo test --quiet --profile quick --all-targets --no-run
	cargo test --quiet --profile quick -p loyalty-connector-widget --no-run

# The doc tests build on the quick profile's library too (no second, unoptimised build).
test-core: vectors-check
	scripts/need php php7
	cargo test --profile quick --all-targets
	cargo test --profile quick -p loyalty-connector-widget
	cargo test --profile quick --doc

# Regenerates tests/vectors/ with the committed PHP script and real php-cli.
vectors:
	scripts/need php
	php tests/php/make_vectors.php tests/vectors

# The committed vectors are exactly what the committed script prints (nobody edited them by
# hand); only the line naming the PHP version may differ.
vectors-check:
	scripts/need php
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  php tests/php/make_vectors.php "$$tmp" >/dev/null && \
	  diff -r -q -I '"source": ' tests/vectors "$$tmp" && echo "vectors-check: tests/vectors matches make_vectors.php"

# Longer differential and fuzzing runs than make test does (a few minutes).
soak:
	scripts/need php php7
	DIFF_CASES=200000 DIFF_SEED=$${DIFF_SEED:-$$RANDOM} PROPTEST_CASES=20000 \
	  cargo test --profile quick --test differential --test fuzz -- --nocapture
