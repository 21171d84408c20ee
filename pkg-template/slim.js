// `loyalty-connector/slim`: no loading at import time, for hosts no other entry point knows
// (Fastly Compute, service workers, custom bundlers). The caller hands over the wasm once:
//   await init(input)   input: a WebAssembly.Module, bytes, a Response (or a promise of one),
//                       a URL or a string to fetch; nothing: the .wasm next to this file
//   initSync(input)     a WebAssembly.Module or bytes, for hosts without top-level await
// `lootly`, `php`, `woowup` and `LoyaltyError` are bound once the wasm is ready.
import initAsync, { initSync as initWasmSync } from "./loyalty_connector.js";
import { api, sameRealmModule } from "./api.js";

export let lootly, php, woowup, LoyaltyError;

function bind() {
  ({ lootly, php, woowup, LoyaltyError } = api());
}

function isModule(input) {
  return Object.prototype.toString.call(input) === "[object WebAssembly.Module]";
}

function isBytes(input) {
  return input instanceof ArrayBuffer || ArrayBuffer.isView(input) || Object.prototype.toString.call(input) === "[object ArrayBuffer]";
}

/** Instantiates the wasm from `input` (see above); later calls return at once. */
export async function init(input) {
  if (LoyaltyError) return;
  let source = await input;
  if (isModule(source)) source = sameRealmModule(source);
  else if (source && !isBytes(source) && typeof source.arrayBuffer === "function" && !(typeof Response === "function" && source instanceof Response)) {
    // A Response of another realm or library: its bytes, since wasm-bindgen checks `instanceof Response`.
    source = await source.arrayBuffer();
  }
  await initAsync(source === undefined ? undefined : { module_or_path: source });
  bind();
}

/** Instantiates the wasm synchronously from a WebAssembly.Module or its bytes. */
export function initSync(input) {
  if (LoyaltyError) return;
  if (!isModule(input) && !isBytes(input)) {
    throw new TypeError("loyalty-connector/slim initSync() takes a WebAssembly.Module or the wasm's bytes; use init() for a Response or a URL");
  }
  initWasmSync({ module: isModule(input) ? sameRealmModule(input) : input });
  bind();
}
