# `make demo`: on a fresh machine, builds the Worker, starts the emulator and `wrangler dev` on
# 127.0.0.1, posts the sample events of examples/data/events as a signed shop, prints what Lootly
# and WoowUp received and each customer's points, then stops everything it started.
.PHONY: demo

demo: worker-build
	scripts/need node worker-node-deps
	WRANGLER_SEND_METRICS=false node examples/worker/demo.mjs
