# The local emulator of Lootly and WoowUp (examples/emulator): its tests, and running it by hand.
TEST_TARGETS += test-emulator
TEST_NEEDS += node php

EMULATOR_PORT ?= 8790

.PHONY: test-emulator emulator
test-emulator:
	scripts/need node php
	node --test examples/emulator/test/

# In the foreground, with examples/emulator/config.json: `make emulator EMULATOR_PORT=9000`.
emulator:
	scripts/need node
	node examples/emulator/server.mjs --port $(EMULATOR_PORT)
