# The command line (`npx loyalty-connector …`, pkg-template/cli/): tests/cli/ runs the command npm
# installed from the packed package (make pack), against the local emulator in the test process:
# the batch run (10,000 purchases, killed and resumed, a 429 storm, lost answers), the dry run,
# exit codes, every --help, and lootly sign/verify/widget against the PHP vectors.
TEST_TARGETS += test-cli
TEST_BUILDS += pack
TEST_NEEDS += node

.PHONY: test-cli
test-cli: pack
	scripts/need node
	node --test --test-concurrency=1 tests/cli/
