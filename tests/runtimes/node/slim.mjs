// loyalty-connector/slim (and lootly/slim) initialised by hand from what argv[2] names; the
// vector files on stdin, the suite's results on stdout.
import { readFileSync } from "node:fs";
import { createContext, runInContext } from "node:vm";
import * as slim from "loyalty-connector/slim";
import * as lootlySlim from "loyalty-connector/lootly/slim";
import { runSuites } from "../suites.mjs";

const INPUTS = {
  bytes: (bytes) => bytes,
  module: (bytes) => new WebAssembly.Module(bytes),
  "module from another realm": (bytes) => runInContext("new WebAssembly.Module(bytes)", createContext({ bytes })),
  Response: (bytes) => new Response(bytes, { headers: { "content-type": "application/wasm" } }),
};
const [, call, input] = process.argv[2].match(/^(init|initSync)\((.+)\)$/);

const wasm = INPUTS[input](readFileSync(new URL(import.meta.resolve("loyalty-connector/lootly/loyalty_connector_bg.wasm"))));
if (slim.lootly !== undefined || lootlySlim.lootly !== undefined) throw new Error("slim is bound before init");
if (call === "init") await slim.init(wasm);
else slim.initSync(wasm);
await slim.init(wasm); // a second call is a no-op
// loyalty-connector/lootly/slim is the same instance without woowup: initialised already.
await lootlySlim.init(wasm);
if (lootlySlim.lootly !== slim.lootly || lootlySlim.LoyaltyError !== slim.LoyaltyError) throw new Error("lootly/slim is not the root instance");

const pick = ({ lootly, php, woowup, LoyaltyError }) => (woowup ? { lootly, php, woowup, LoyaltyError } : { lootly, php, LoyaltyError });
const vectorFiles = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(await runSuites({ name: `slim ${process.argv[2]}`, lib: pick(slim), lootlyOnly: pick(lootlySlim), vectorFiles })));
