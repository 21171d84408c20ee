// Node (and Bun): the wasm is read from disk and instantiated synchronously at import time.
import { readFileSync } from "node:fs";
import { initSync } from "./loyalty_connector.js";
import { api } from "./api.js";

initSync({ module: readFileSync(new URL("./loyalty_connector_bg.wasm", import.meta.url)) });

// Defined here, not re-exported, so that no bundler can skip this module and its initialisation.
export const { lootly, php, woowup, LoyaltyError } = api();
