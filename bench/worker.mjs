// 6. Worker overhead: order events per second through the loyalty-connector Worker (examples/
//    worker, under `wrangler dev`: Standard Webhooks check, per-order ledger, queue, Lootly
//    webhook signed by the core) until the emulator (examples/emulator) has received every
//    signed webhook, vs a pass-through Worker (bench/worker/passthrough.mjs) that only forwards
//    each POST to the same emulator endpoint with one fetch. Same shop client (concurrency
//    `concurrency`), same machine, same run; ratio = ours ÷ pass-through events/s.
//    Needs `make worker-build` (examples/worker/build/index.js) and the Worker's node tools.
//    Standalone: node bench/worker.mjs [--quick]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./lib/ours.mjs";

const BUILD = join(repoRoot, "examples/worker/build/index.js");
const HARNESS = join(repoRoot, "examples/worker/test/harness.mjs");
const WRANGLER = join(repoRoot, "examples/worker/node_modules/.bin/wrangler");

async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++);
  }));
}

export async function benchWorker({ events = 200, concurrency = 8 } = {}) {
  for (const [file, how] of [[BUILD, "make worker-build"], [HARNESS, "the Worker's e2e harness"], [WRANGLER, "scripts/need worker-node-deps"]]) {
    if (!existsSync(file)) return { skipped: `${file} is missing (${how})`, rows: [] };
  }
  const h = await import(pathToFileURL(HARNESS).href);
  const procs = new h.Processes();
  try {
    const emulator = await h.startEmulator(procs);
    const template = h.sampleEvents().find((e) => e.kind === "order" && e.event.status === "completed").event;
    const event = (i, tag) => ({ ...template, order_id: `BENCH-${tag}-${i}` });
    const lootlyDelivered = async () => (await emulator.state()).lootly.requests.length;

    // Ours: post every event, then wait until the emulator has every signed webhook.
    const worker = await h.startWorker(procs, h.workerVars({ lootly: emulator.url }));
    await worker.shop.post("orders", event(0, "warm")); // first request: compiles the wasm
    const base = await waitFor(async () => (await lootlyDelivered()) >= 1 && (await lootlyDelivered()));
    let refused = 0;
    const t0 = performance.now();
    await pool(events, concurrency, async (i) => {
      const r = await worker.shop.post("orders", event(i, "ours"));
      if (r.status !== 202) refused++;
    });
    const acceptedS = (performance.now() - t0) / 1000;
    await waitFor(async () => (await lootlyDelivered()) >= base + events, 300_000);
    const oursS = (performance.now() - t0) / 1000;

    // Pass-through: the same posts, each forwarded with one fetch to the same endpoint.
    const target = `${emulator.url}/integrations/webhooks/common/orders-completed`;
    const port = await h.freePort();
    const state = mkdtempSync(join(tmpdir(), "bench-passthrough-"));
    procs.onStop(() => rmSync(state, { recursive: true, force: true }));
    const child = procs.spawn("passthrough", WRANGLER, ["dev", "--config", join(repoRoot, "bench/worker/wrangler.toml"),
      "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--show-interactive-dev-session=false",
      "--var", `TARGET:${target}`], { env: h.wranglerEnv() });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(url).catch(() => ({ status: 0 }))).status === 404, 120_000, child);
    const shop = new h.Shop(url);
    await shop.post("orders", event(0, "warm-pass"));
    const t1 = performance.now();
    await pool(events, concurrency, async (i) => {
      await shop.post("orders", event(i, "pass"));
    });
    const passS = (performance.now() - t1) / 1000;

    const rows = [
      { name: "pass-through Worker (one fetch per event)", events_per_s: events / passS, ratio: 1 },
      { name: "loyalty-connector Worker (verify, ledger, queue, sign, deliver)", events_per_s: events / oursS, ratio: passS / oursS },
      { name: "loyalty-connector Worker, intake only (answered 202)", events_per_s: events / acceptedS, ratio: passS / acceptedS },
    ];
    const notes = [`${events} order events, ${concurrency} at a time; ours timed until the emulator held every signed webhook`];
    if (refused) notes.push(`${refused} posts to our Worker were not answered 202`);
    if (worker.shop.retried || shop.retried) notes.push(`wrangler dev answered 503 and the shop retried: ours ${worker.shop.retried ?? 0}, pass-through ${shop.retried ?? 0}`);
    return { events, concurrency, rows, notes };
  } finally {
    await procs.stopAll();
  }
}

async function waitFor(check, timeoutMs = 60_000, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => false);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out${child ? `: ${child.output.slice(-2000)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchWorker(quick ? { events: 20 } : {}), null, 1));
}
