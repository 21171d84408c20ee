# The npm package (pkg/, from the wasm build and pkg-template/) and its tests in every runtime.
#   make package    pkg/ (the library) and pkg-cli/ (loyalty-connector-cli, the command line);
#                   prints the wasm sizes
#   make pack       npm pack of both into build/, installed by name into node_modules/ for the tests
#   make test-js    the JS suite in Node, Deno, workerd and Chromium; the types test; the
#                   binding's wasm-bindgen tests in Node and Chromium
TEST_TARGETS += test-js
TEST_BUILDS += pack test-wasm-bindgen-build
TEST_NEEDS += node node-deps wasm32 wasm-bindgen chromium

JS_TESTS := test-js-node test-js-deno test-js-workerd test-js-browser test-js-types test-wasm-bindgen
WASM_TEST := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown
IN_CHROMIUM := CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/tests/webdriver.json

.PHONY: package pack test-js test-wasm-bindgen-build $(JS_TESTS)

# Real file targets: nothing is rebuilt when nothing it is made of changed (the stamps are
# written last, so an interrupted build is redone).
PACKAGE_SOURCES := $(shell find src widget pkg-template -type f) Cargo.toml Cargo.lock scripts/build-package README.md package-lock.json
PACKAGE_STAMP := pkg/.built
# In node_modules/: an `npm ci` that empties it empties the stamp too, and the package is installed again.
PACK_STAMP := node_modules/.loyalty-connector-installed

package: $(PACKAGE_STAMP)
pack: $(PACK_STAMP)

$(PACKAGE_STAMP): $(PACKAGE_SOURCES)
	scripts/build-package
	touch $@

$(PACK_STAMP): $(PACKAGE_STAMP)
	mkdir -p build && rm -f build/loyalty-connector-*.tgz
	cd pkg && npm pack --pack-destination ../build --loglevel=error
	cd pkg-cli && npm pack --pack-destination ../build --loglevel=error
	npm install --no-save --no-audit --no-fund --loglevel=error ./build/loyalty-connector-[0-9]*.tgz ./build/loyalty-connector-cli-*.tgz
	touch $@

test-js: $(JS_TESTS)
	@echo "test-js: the package passed in Node, Deno, workerd and Chromium"

test-js-node: pack
	node --test tests/js/node.test.mjs tests/js/woowup-node.test.mjs

# Read access to the vectors only: the package must load without any permission.
test-js-deno: pack
	NO_COLOR=1 node_modules/.bin/deno test --allow-env=LOYALTY_VECTORS \
	  --allow-read=$${LOYALTY_VECTORS:-tests/vectors} tests/js/deno.test.mjs

test-js-workerd: pack
	WRANGLER_SEND_METRICS=false node --test tests/js/workerd.test.mjs

test-js-browser: pack
	scripts/need chromium
	node --test tests/js/browser.test.mjs

test-js-types: pack
	node_modules/.bin/tsc -p tests/types
	node_modules/.bin/tsc -p tests/types/tsconfig.no-dom.json
	node tests/types/surface.mjs && node_modules/.bin/tsc -p build/surface
	@echo "test-js-types: index.d.ts passed (with and without the DOM library) and matches every entry's exports"

test-wasm-bindgen-build:
	scripts/need wasm32 wasm-bindgen
	$(WASM_TEST) --quiet --test wasm_binding --test wasm_woowup --test wasm_dom --no-run

test-wasm-bindgen:
	scripts/need wasm32 wasm-bindgen chromium
	$(WASM_TEST) --test wasm_binding
	$(WASM_TEST) --test wasm_woowup
	$(IN_CHROMIUM) WASM_BINDGEN_USE_BROWSER=1 $(WASM_TEST) --test wasm_binding
	$(IN_CHROMIUM) $(WASM_TEST) --test wasm_dom
