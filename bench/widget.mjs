// 2. Widget signatures: md5(customer id . api secret) as lowercase hex, per operation, ours vs
//    node:crypto, js-md5 and spark-md5; next to each, the share of PHP's widget vectors
//    (tests/vectors/lootly_widget.json: shop ids and customer signatures) it gets identical.
//    Standalone: node bench/widget.mjs [--quick]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadOurs, repoRoot } from "./lib/ours.mjs";
import { md5Peers } from "./lib/peers.mjs";
import { race, timeSync } from "./lib/timing.mjs";

export const OURS = "loyalty-connector (wasm)";
const VECTORS = join(repoRoot, "tests/vectors/lootly_widget.json");

export async function benchWidget({ rounds = 7, ms = 200 } = {}) {
  const vectors = JSON.parse(readFileSync(VECTORS, "utf8")).vectors;
  const ours = await loadOurs();
  const peers = { ...md5Peers };
  if (ours) {
    // shopId and customerSignature are the same md5(a . b); both are checked, customerSignature timed.
    peers[OURS] = (a, b) => ours.lootly.customerSignature(a, b);
  }
  const secret = "4f1c2b8e9a7d6c5b4a3f2e1d0c9b8a7f";
  const ids = Array.from({ length: 256 }, (_, i) => `C-${10000 + i * 37}`);
  const rows = [];
  const contenders = Object.entries(peers).map(([name, f]) => ({
    name,
    time: async () => timeSync((i) => f(ids[i & 255], secret), ms),
  }));
  const correctness = {};
  for (const [name, f] of Object.entries(peers)) {
    let ok = 0;
    for (const v of vectors) {
      const shop = name === OURS ? ours.lootly.shopId(v.shop_domain, v.api_secret) : f(v.shop_domain, v.api_secret);
      if (shop === v.shop_id) ok++;
      if (f(v.customer_id, v.api_secret) === v.customer_signature) ok++;
    }
    correctness[name] = { correct: ok, total: vectors.length * 2 };
  }
  const reference = ours ? OURS : "node:crypto md5";
  for (const t of await race(contenders, reference, rounds)) rows.push({ ...t, ...correctness[t.name] });
  return { reference, rows, notes: ours ? [] : ["no npm package found: peers only"] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchWidget(quick ? { rounds: 3, ms: 50 } : {}), null, 1));
}
