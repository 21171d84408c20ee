// Browsers and other runtimes with fetch: the wasm next to this file is fetched and compiled
// while the module loads (top-level await), so importers get ready-to-call functions.
import init from "./loyalty_connector.js";
import { api } from "./api.js";

await init();

export const { lootly, php, woowup, LoyaltyError } = api();
