// Type tests of loyalty-connector/slim: init takes a module, bytes, a Response (or a promise of
// one), a URL or nothing; initSync a module or bytes.
import { init, initSync, lootly, woowup, LoyaltyError } from "loyalty-connector/slim";
import * as lootlySlim from "loyalty-connector/lootly/slim";

declare const module: WebAssembly.Module;
declare const bytes: Uint8Array;
await init();
await init(module);
await init(bytes);
await init(bytes.buffer);
await init(fetch("/loyalty_connector_bg.wasm"));
await init(new URL("https://cdn.example/loyalty_connector_bg.wasm"));
initSync(module);
initSync(bytes);
await lootlySlim.init(module);
// @ts-expect-error lootly/slim has no woowup
lootlySlim.woowup;

const hmac: string = lootly.sign({ id: "1" }, { apiKey: "k", apiSecret: "s" }).hmac;
const client: woowup.Client = woowup.v2({ appId: "14", apiKey: "k" });
const error: LoyaltyError | undefined = undefined;
export { hmac, client, error };
