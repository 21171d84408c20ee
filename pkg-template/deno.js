// Deno (2.6 and later): the wasm is imported as a compiled module (a source phase import, so no
// --allow-read is needed) and instantiated synchronously at import time.
import source wasm from "./loyalty_connector_bg.wasm";
import { initSync } from "./loyalty_connector.js";
import { api } from "./api.js";

initSync({ module: wasm });

export const { lootly, php, woowup, LoyaltyError } = api();
