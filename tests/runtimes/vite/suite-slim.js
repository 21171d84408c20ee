// The suite through loyalty-connector/slim, initialised by hand from a fetch() of the wasm's URL
// as the bundler emitted it (a promise of a Response).
import { init, lootly, php, woowup, LoyaltyError } from "loyalty-connector/slim";
import wasmUrl from "loyalty-connector/loyalty_connector_bg.wasm?url";
import { runPageSuite } from "./page-suite.js";

await init(fetch(wasmUrl));
window.runSuite = (vectorFiles) => runPageSuite({ lib: { lootly, php, woowup, LoyaltyError }, vectorFiles });
