// Bun (`bun run` and `bun build --compile`): the wasm is imported as a file, which Bun embeds
// in a compiled executable (`/$bunfs/…`), read and instantiated synchronously at import time.
import wasmPath from "./loyalty_connector_bg.wasm" with { type: "file" };
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync, useHmacSha256 } from "./loyalty_connector.js";
import { api } from "./api.js";

initSync({ module: readFileSync(wasmPath) });
// Lootly's HMAC-SHA256 through node:crypto, as in the Node entry.
useHmacSha256((key, data) => createHmac("sha256", key).update(data).digest());

export const { lootly, php, woowup, LoyaltyError } = api();
