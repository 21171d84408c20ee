// 1. Signing a Lootly order (object in, body and hmac out), per operation, in one Node process;
//    the guide's PHP code and our Rust core natively as processes timing themselves, run in the
//    same rounds. Next to each: the share of PHP's vectors (tests/vectors/lootly_sign.json) it
//    signs byte-identically (body and hmac), each peer given the vector's params as a shop
//    would (JSON.parse'd).
//    Standalone: node bench/sign.mjs [--quick]
import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadOurs, repoRoot } from "./lib/ours.mjs";
import { signers, asyncSigners } from "./lib/peers.mjs";
import { writeOrders } from "./lib/orders.mjs";
import { race, timeSync, timeAsync, processTimer } from "./lib/timing.mjs";

export const OURS = "loyalty-connector (wasm, object in)";
export const OURS_TEXT = "loyalty-connector (wasm, JSON text in)";
export const NAIVE = "JSON.stringify + node:crypto";
export const PHP = "PHP guide code (php-cli)";
export const NATIVE = "Rust core natively (no wasm, text in)";

const VECTORS = join(repoRoot, "tests/vectors/lootly_sign.json");
const NATIVE_BIN = join(repoRoot, "target/release/examples/sign_throughput");
const KEY = "bench-api-key", SECRET = "bench-api-secret";

/** How many PHP vectors a signer gets byte-identical: `sign(params as given) → {hmac, body}`. */
function share(vectors, sign, input = (v) => JSON.parse(v.params)) {
  let ok = 0;
  const wrong = [];
  for (const v of vectors) {
    let r;
    try {
      r = sign(input(v), v.api_key, v.api_secret);
    } catch {
      r = null;
    }
    if (r && r.hmac === v.hmac && r.body === v.body) ok++;
    else wrong.push(v.name);
  }
  return { correct: ok, total: vectors.length, wrong };
}

async function shareAsync(vectors, sign) {
  let ok = 0;
  const wrong = [];
  for (const v of vectors) {
    const r = await sign(JSON.parse(v.params), v.api_key, v.api_secret).catch(() => null);
    if (r && r.hmac === v.hmac && r.body === v.body) ok++;
    else wrong.push(v.name);
  }
  return { correct: ok, total: vectors.length, wrong };
}

export async function benchSign({ rounds = 7, ms = 200, outDir = join(repoRoot, "bench/out") } = {}) {
  mkdirSync(outDir, { recursive: true });
  const ordersPath = join(outDir, "orders.jsonl");
  const texts = writeOrders(ordersPath, 200, 7);
  const orders = texts.map((t) => JSON.parse(t));
  const n = orders.length;
  const vectors = JSON.parse(readFileSync(VECTORS, "utf8")).vectors;
  const ours = await loadOurs();
  const notes = [];

  const contenders = [];
  const correctness = {};
  if (ours) {
    const creds = { apiKey: KEY, apiSecret: SECRET };
    const sign = (p, apiKey, apiSecret) => ours.lootly.sign(p, { apiKey, apiSecret });
    contenders.push({ name: OURS, time: async () => timeSync((i) => ours.lootly.sign(orders[i % n], creds), ms) });
    contenders.push({ name: OURS_TEXT, time: async () => timeSync((i) => ours.lootly.sign(texts[i % n], creds), ms) });
    correctness[OURS] = share(vectors, sign);
    correctness[OURS_TEXT] = share(vectors, sign, (v) => v.params);
  } else {
    notes.push("no npm package found (make package, or LC_PKG=dir): ours measured natively only");
  }
  for (const [name, f] of Object.entries(signers)) {
    contenders.push({ name, time: async () => timeSync((i) => f(orders[i % n], KEY, SECRET), ms) });
    correctness[name] = share(vectors, f);
  }
  for (const [name, f] of Object.entries(asyncSigners)) {
    contenders.push({ name, time: async () => timeAsync((i) => f(orders[i % n], KEY, SECRET), ms) });
    correctness[name] = await shareAsync(vectors, f);
  }
  // Processes that time themselves: the iteration count is calibrated to about `ms` per round.
  // PHP also names the vectors whose params a JS object cannot hold (JSON.parse loses them).
  const roundtripped = join(outDir, "vectors-roundtripped.json");
  writeFileSync(roundtripped, JSON.stringify(vectors.map((v) => JSON.stringify(JSON.parse(v.params)))));
  const phpArgs = (iters) => [join(repoRoot, "bench/php/sign.php"), ordersPath, String(iters), VECTORS, roundtripped];
  const lostInJs = processTimer("php", phpArgs(1))().lost_in_js;
  const external = [[PHP, "php", phpArgs]];
  if (existsSync(NATIVE_BIN)) external.push([NATIVE, NATIVE_BIN, (iters) => [ordersPath, String(Math.ceil(iters / 7)), VECTORS]]);
  else notes.push("target/release/examples/sign_throughput missing: no native row");
  for (const [name, cmd, args] of external) {
    const probe = processTimer(cmd, args(200))();
    const iters = Math.max(200, Math.round((ms * 1e6) / probe.ns_per_op));
    correctness[name] = { correct: probe.correct, total: probe.total, wrong: [] };
    contenders.push({ name, time: async () => processTimer(cmd, args(iters))().ns_per_op });
  }

  const reference = ours ? OURS : NAIVE;
  const timed = await race(contenders, reference, rounds);
  const rows = timed.map((t) => ({ ...t, ...correctness[t.name] }));
  return { reference, lost_in_js: lostInJs, orders: n, order_bytes: Math.round(texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / n), rows, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  const r = await benchSign(quick ? { rounds: 3, ms: 50 } : {});
  console.log(JSON.stringify(r, null, 1));
}
