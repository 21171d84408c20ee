// The public surface, shared by every entry point: namespaces of re-exported wasm functions and
// the error class. Call api() only once the wasm instance is initialised (the entry points do).
// A new namespace goes here and into each entry point's `export const { … } = api()` line.
import * as lootly from "./lootly.js";
import * as php from "./php.js";
import * as woowup from "./woowup.js";
import { loyaltyErrorClass } from "./loyalty_connector.js";

export function api() {
  return { lootly, php, woowup, LoyaltyError: loyaltyErrorClass() };
}
