# The packed package in every runtime people deploy to (tests/runtimes/): each runtime has a small
# project that installs build/loyalty-connector-*.tgz by name and runs tests/js's suite there —
# Node 22.12 and 24 (import and require), Deno 1.46 and current (no permission), Bun (run and
# --compile), Vercel's edge-runtime, Next.js middleware and an edge route (Turbopack and webpack),
# Vite pages in Chromium — plus the library's installed size and the command line's launcher.
# The tools come from tests/runtimes/package-lock.json, installed once (scripts/need runtime-tools).
TEST_TARGETS += test-runtimes
TEST_NEEDS += node runtime-tools chromium

.PHONY: test-runtimes
test-runtimes: pack
	scripts/need node runtime-tools chromium
	node --test --test-concurrency=1 tests/runtimes/
