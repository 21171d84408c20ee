# The core crate: unit tests, PHP vectors, the differential run against php-cli, fuzzing.
TEST_TARGETS += test-core

.PHONY: test-core vectors
test-core:
	scripts/need php
	cargo test --release --all-targets
	cargo test --doc

# Regenerates tests/vectors/ with the committed PHP script and real php-cli.
vectors:
	scripts/need php
	php tests/php/make_vectors.php tests/vectors
