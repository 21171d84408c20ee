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

/**
 * A compiled `WebAssembly.Module` from another realm (Next.js's and Vercel's edge sandboxes
 * compile the wasm outside the sandbox) made to pass wasm-bindgen's `instanceof
 * WebAssembly.Module` check, which would otherwise try to recompile it from bytes and fail.
 * Instantiation itself checks the module's internal slot, which holds across realms.
 */
export function sameRealmModule(module) {
  if (module instanceof WebAssembly.Module) return module;
  if (Object.prototype.toString.call(module) === "[object WebAssembly.Module]") {
    return Object.setPrototypeOf(module, WebAssembly.Module.prototype);
  }
  return module;
}
