// The public surface, shared by every entry point: namespaces of re-exported wasm functions and
// the error class. Call api() only once the wasm instance is initialised (the entry points do).
import * as lootly from "./lootly.js";
import * as php from "./php.js";
import { loyaltyErrorClass } from "./loyalty_connector.js";

export function api() {
  return { lootly, php, LoyaltyError: loyaltyErrorClass() };
}
