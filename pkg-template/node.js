// Node (and Bun): the wasm is read from disk and instantiated synchronously at import time.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync, useHmacSha256 } from "./loyalty_connector.js";
import { api } from "./api.js";

initSync({ module: readFileSync(new URL("./loyalty_connector_bg.wasm", import.meta.url)) });
// Lootly's HMAC-SHA256 through node:crypto, which uses the CPU's SHA instructions (wasm has none).
useHmacSha256((key, data) => createHmac("sha256", key).update(data).digest());

// Defined here, not re-exported, so that no bundler can skip this module and its initialisation.
export const { lootly, php, woowup, LoyaltyError } = api();
