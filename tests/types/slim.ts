// Type tests of loyalty-connector/slim: init takes a module, bytes, a Response (or a promise of
// one), a URL or nothing; initSync only what it can instantiate without waiting.
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
// @ts-expect-error initSync cannot wait for a Response
initSync(new Response(bytes));
// @ts-expect-error init takes no number
await init(42);
// @ts-expect-error lootly/slim has no woowup
lootlySlim.woowup;

const hmac: string = lootly.sign({ id: "1" }, { apiKey: "k", apiSecret: "s" }).hmac;
const client = woowup.v3({ apiKey: "k" });
const error: LoyaltyError | undefined = undefined;
export { hmac, client, error };
