// Cloudflare Workers (workerd): the wasm is imported as a compiled module (workerd refuses to
// compile wasm from bytes at run time) and instantiated synchronously at import time.
import wasm from "./loyalty_connector_bg.wasm";
import { initSync } from "./loyalty_connector.js";
import { api } from "./api.js";

initSync({ module: wasm });

export const { lootly, php, woowup, LoyaltyError } = api();
