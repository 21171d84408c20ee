// Next.js (middleware, edge routes; Turbopack and webpack) and Vercel's edge runtime: the wasm
// is imported as a compiled module (`?module`, the only way these sandboxes allow: they forbid
// compiling wasm from bytes) and instantiated synchronously at import time (no top-level await).
import wasm from "./loyalty_connector_bg.wasm?module";
import { initSync } from "./loyalty_connector.js";
import { api, sameRealmModule } from "./api.js";

initSync({ module: sameRealmModule(wasm) });

export const { lootly, php, woowup, LoyaltyError } = api();
