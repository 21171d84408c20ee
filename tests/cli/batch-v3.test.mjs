// `loyalty-connector batch --api v3` against the emulator's API v3 (in this process): a day of
// 10,000 purchases at a scaled rate limit, within 1.1× the minimum time the limit allows and
// without a storm of 429s; the same day SIGKILLed at a random point and resumed; purchases
// whose answers are lost after WoowUp recorded them. Every purchase is in the ledger once, and
// the run's integration stats count it once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { API_KEY, APP_ID, customers, endLine, revenueOf, run, startEmulator, tempDir, waitUntil, writePurchases } from "./support.mjs";

const USERS = customers(200);
let emu;

before(async () => {
  emu = await startEmulator(USERS);
});
after(async () => {
  await emu?.close();
});

const v3 = () => emu.state().woowup_v3;
const account = () => v3().accounts[APP_ID] ?? { purchases: [], customers: [], integration_stats: [] };

async function control(body) {
  const res = await fetch(`${emu.url}/_emulator/woowup-v3`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

async function faults(body) {
  const res = await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

function args(dir, journal, ...more) {
  return ["batch", dir, "--api", "v3", "--base-url", `${emu.url}/apiv3`, "--journal", journal, "--no-progress", ...more];
}
const ENV = { LOYALTY_WOOWUP_API_KEY: API_KEY };

/** A day: the 200 customers, then `invoices` purchases of theirs. */
function day(invoices, seed) {
  const dir = tempDir("v3-");
  const rows = ["uid,email,first_name,last_name", ...USERS.map((u) => `${u.uid},${u.email},${u.first_name},${u.last_name}`)];
  writeFileSync(join(dir, "customers-2019_03_11.csv"), rows.join("\n") + "\n");
  return { dir, ...writePurchases(dir, invoices, USERS, seed) };
}

/** Every invoice of the day stored once, with its total. */
function exactlyOnce(d) {
  const stored = account().purchases;
  const byNumber = new Map(stored.map((p) => [String(p.invoice_number), p]));
  assert.equal(stored.length, d.invoices.length, "purchases in the ledger");
  assert.equal(byNumber.size, d.invoices.length, "distinct invoice numbers");
  for (const inv of d.invoices) {
    const p = byNumber.get(inv.number);
    assert.ok(p, `${inv.number} missing`);
    assert.equal(Math.round(p.prices.total * 100), inv.total, `${inv.number} total`);
    assert.equal(p.purchase_detail.length, inv.items, `${inv.number} items`);
  }
}

/** The run's integration stats count the day once. */
function statsMatch(d) {
  const list = account().integration_stats;
  assert.equal(list.length, 1, "one integration-stats record");
  const { customers: c, purchases: p } = list[0];
  assert.deepEqual([p.created, p.updated, p.duplicated, p.failed.length], [d.invoices.length, 0, 0, 0], "purchases: created once each");
  assert.equal(p.revenue, revenueOf(d.invoices));
  assert.equal(p.units, d.lines);
  assert.equal(c.created + c.updated, USERS.length);
  assert.equal(c.failed.length, 0);
}

function noSecret(result, ...files) {
  for (const [name, text] of [["stdout", result.stdout], ["stderr", result.stderr], ...files.filter(existsSync).map((f) => [f, readFileSync(f, "utf8")])]) {
    assert.ok(!text.includes(API_KEY), `the API key appears in ${name}`);
  }
}

test("10,000 purchases at a limit of 6,000/min on both sides: within 1.1× the minimum time, a handful of 429s at most, each once", async () => {
  emu.reset();
  const LIMIT = 6000;
  await control({ rate_limit: LIMIT });
  const d = day(10000, 20190311);
  const journal = join(d.dir, "journal.jsonl");
  const r = await run(args(d.dir, journal, "--rate-limit", String(LIMIT)), { env: ENV, cwd: d.dir });
  assert.equal(r.code, 0, r.stderr);
  noSecret(r, journal);
  exactlyOnce(d);
  statsMatch(d);
  // The estimate is the limit's: customers 200–400 requests, purchases 10,000–20,000.
  assert.match(r.stderr, /estimate: 10,200–20,400 requests at WoowUp's limit of 6,000\/min, spent evenly/);
  const requests = v3().requests;
  const limited = requests.filter((q) => q.status === 429).length;
  const end = endLine(journal);
  assert.equal(end.requests, requests.length, "every request the CLI sent reached the emulator");
  assert.equal(end.requests, 2 * 200 + 10000 + 1 + limited, "customers: update then create; one POST a purchase; the stats");
  assert.ok(limited <= 3, `${limited} answers 429`);
  const minimum = (end.requests / LIMIT) * 60;
  const seconds = r.ms / 1000;
  assert.ok(seconds <= 1.1 * minimum, `${seconds.toFixed(1)} s for ${end.requests} requests; the limit allows ${minimum.toFixed(1)} s at best`);
  console.log(`# v3, 10,000 purchases at ${LIMIT}/min: ${end.requests} requests in ${seconds.toFixed(1)} s (minimum ${minimum.toFixed(1)} s, ×${(seconds / minimum).toFixed(3)}), ${limited} answers 429`);
});

test("killed with SIGKILL at a random point and resumed: every purchase once, counted once", async () => {
  emu.reset();
  await control({ rate_limit: 600000 });
  // Latency: creates are in flight when the process dies; some land after it.
  await faults({ latencyMs: 15, programs: ["woowup"], pathPrefix: "/apiv3" });
  const d = day(10000, 7);
  const journal = join(d.dir, "journal.jsonl");
  const a = args(d.dir, journal, "--rate-limit", "600000", "--concurrency", "16");
  const killAt = 1000 + Math.floor(Math.random() * 8000);
  let killedAt = 0;
  const first = await run(a, {
    env: ENV,
    cwd: d.dir,
    onStart: (child) => {
      waitUntil(() => account().purchases.length >= killAt, 240000, 5).then(() => {
        killedAt = account().purchases.length;
        child.kill("SIGKILL");
      });
    },
  });
  assert.equal(first.signal, "SIGKILL", first.stderr);
  await new Promise((r) => setTimeout(r, 200)); // what the dead process left in flight lands
  const landed = account().purchases.length;
  assert.ok(landed < 10000, `killed at ${killedAt}`);
  await faults({});

  const refused = await run(a, { env: ENV, cwd: d.dir });
  assert.equal(refused.code, 2, "an existing journal without --resume is refused");
  const second = await run([...a, "--resume"], { env: ENV, cwd: d.dir });
  assert.equal(second.code, 0, second.stderr);
  noSecret(second, journal);
  assert.match(second.stderr, /resuming .*: [\d,]+ rows finished by the earlier run/);
  exactlyOnce(d);
  statsMatch(d);
  const end = endLine(journal);
  const repeats = v3().requests.filter((q) => q.verdict === "duplicate").length;
  console.log(`# v3 killed at ${killedAt} purchases (${landed} once in-flight requests landed); resumed: ${end.requests} requests, ${repeats} repeats answered duplicated_purchase_number and counted as created`);
});

test("purchases answered 503 after WoowUp recorded them: sent again, the repeat read as already recorded, each once", async () => {
  emu.reset();
  await control({ rate_limit: 600000 });
  await faults({ programs: ["woowup"], pathPrefix: "/apiv3/purchases", errorRate: 0.25, status: 503, retryAfter: 0, when: "after", seed: 5 });
  const d = day(200, 13);
  const journal = join(d.dir, "journal.jsonl");
  const r = await run(args(d.dir, journal, "--rate-limit", "600000", "--concurrency", "16"), { env: ENV, cwd: d.dir });
  await faults({});
  assert.equal(r.code, 0, r.stderr);
  const lost = v3().requests.filter((q) => q.status === 503 && q.method === "POST").length;
  assert.ok(lost > 20, `${lost} answers lost`);
  exactlyOnce(d);
  statsMatch(d);
  const end = endLine(journal);
  assert.ok(end.retries_by_reason["503"] >= lost);
  const journalText = readFileSync(journal, "utf8");
  assert.ok(journalText.includes("already recorded, sent before, not again"), "a repeat after a lost answer is recorded as the first attempt's success");
  console.log(`# v3 503 after the purchase: ${lost} answers lost, every purchase once and counted as created once`);
});

test("--api v3 refuses v2 options and --rate-limit without v3 (exit 2, nothing sent)", async () => {
  emu.reset();
  const d = day(3, 1);
  const journal = join(d.dir, "journal.jsonl");
  const bad = await run(args(d.dir, journal, "--sale-points", "5"), { env: ENV, cwd: d.dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--sale-points is an API v2 option/);
  const v2 = await run(["batch", d.dir, "--rate-limit", "100", "--dry-run", "--sale-points", "5"], { cwd: d.dir });
  assert.equal(v2.code, 2);
  assert.match(v2.stderr, /--rate-limit needs --api v3/);
  const dry = await run([...args(d.dir, journal), "--dry-run"], { cwd: d.dir });
  assert.equal(dry.code, 0, dry.stderr);
  const lines = dry.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.slice(200, 203).map((l) => [l.request.method, new URL(l.request.url).pathname]), Array(3).fill(["POST", "/apiv3/purchases"]));
  assert.equal(lines.at(-1).log.url, `${emu.url}/apiv3/integration-stats`);
  assert.equal(v3().requests.length, 0);
});

test("two runs of one v3 journal at once: the second refuses before sending anything (exit 2)", async () => {
  emu.reset();
  const d = day(20, 3);
  const journal = join(d.dir, "journal.jsonl");
  // 420 requests at 600 a minute: the first run is busy for about 40 s; it is stopped once the
  // second one has been refused.
  const a = args(d.dir, journal, "--rate-limit", "600");
  let first;
  const done = run(a, { env: ENV, cwd: d.dir, onStart: (child) => (first = child) });
  await waitUntil(() => v3().requests.length >= 3, 30000, 10);
  const second = await run(a, { env: ENV, cwd: d.dir });
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /lock|running|another/i);
  assert.doesNotMatch(second.stderr, /estimate|files, in processing order/, "refused before reading the files");
  first.kill("SIGKILL");
  await done;
});
