// `loyalty-connector batch` against the local emulator (in this process), through the command
// npm installed: the sample day, 10,000 purchases, a run killed half-way and resumed, a 429
// storm, sales answered 503 after being recorded, the dry run, exit codes. Every run's output,
// journal and failures file are checked for the API key.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { start } from "../../examples/emulator/server.mjs";
import {
  API_KEY, BIN, CREDS, SAMPLE_DIR, customers, endLine, revenueOf, run, startEmulator, tempDir, waitUntil, woowupArgs, writePurchases,
} from "./support.mjs";

const USERS = customers(200);
let emu;
const FAST = ["--rate", "1000000/min", "--concurrency", "16", "--no-progress"];

before(async () => {
  emu = await startEmulator(USERS);
});
after(async () => {
  await emu?.close();
});

/** The key never shows: not in the output, the journal or the failures file. */
function noSecret(result, ...files) {
  for (const [name, text] of [["stdout", result.stdout], ["stderr", result.stderr], ...files.filter(existsSync).map((f) => [f, readFileSync(f, "utf8")])]) {
    assert.ok(!text.includes(API_KEY), `the API key appears in ${name}`);
  }
}

/** Each invoice of `day` recorded once in the emulator's ledger, with its points. */
function exactlyOnce(day) {
  const invoices = emu.state().woowup.invoices;
  const byNumber = new Map(invoices.map((i) => [i.nrofactura, i]));
  assert.equal(invoices.length, day.invoices.length, "invoices recorded");
  assert.equal(byNumber.size, day.invoices.length, "distinct invoice numbers");
  const twice = invoices.filter((i) => i.deliveries !== 1 || i.duplicates !== 0);
  assert.deepEqual(twice.map((i) => `${i.nrofactura}: ${i.deliveries} deliveries`), [], "every invoice delivered exactly once");
  for (const inv of day.invoices) {
    const got = byNumber.get(inv.number);
    assert.ok(got, `${inv.number} missing`);
    // ceil_of_floored_total at 5 sale points
    assert.equal(Number(got.points), 5 * Math.floor(inv.total / 100), `${inv.number} points`);
  }
}

function lastLog() {
  const logs = emu.state().connectors.logs;
  return logs[logs.length - 1];
}

function logMatchesDay(log, day) {
  const p = log.stats.purchases;
  assert.equal(p.total_created, day.invoices.length);
  assert.equal(p.total_failed, 0);
  assert.equal(p.total_revenue, revenueOf(day.invoices));
  assert.equal(p.total_invoice_items, day.lines);
  assert.deepEqual(p.per_branches.map((b) => b.branch), ["Palermo", "Shopping Unicenter"]);
  assert.equal(p.per_branches.reduce((s, b) => s + b.total_created, 0), day.invoices.length);
  assert.deepEqual(log.files, ["purchases-2019_03_11.csv"]);
  assert.match(log.processingtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
}

/** A directory with the sample day's four files. */
function sampleDay() {
  const dir = tempDir();
  for (const f of ["customers", "purchases", "products", "branches"]) copyFileSync(join(SAMPLE_DIR, `${f}-2019_03_11.csv`), join(dir, `${f}-2019_03_11.csv`));
  return dir;
}

test("the sample day: 7 failing rows in the failures file, exit 1, the log posted and read back", async () => {
  const sample = await start({ port: 0, config: join(SAMPLE_DIR, "emulator-config.json") });
  try {
    const dir = sampleDay();
    const r = await run(["batch", ".", ...woowupArgs(sample.url), "--rate", "6000"], { env: CREDS, cwd: dir });
    const journal = join(dir, ".loyalty-batch/2019_03_11.journal.jsonl");
    const failures = join(dir, ".loyalty-batch/2019_03_11.failures.jsonl");
    assert.equal(r.code, 1, r.stderr);
    noSecret(r, journal, failures);
    assert.match(r.stderr, /estimate: \d+–\d+ requests at 6,000\/min/);
    assert.match(r.stderr, /purchases\s+4 created\s+0 updated\s+3 failed\s+revenue 212\.040/);
    assert.match(r.stderr, /connectors log: posted/);
    assert.match(r.stderr, /^progress: 100% 18\/18 rows · [\d,]+ req\/min · ETA 0 s · 7 failed · 0 retries$/m, "plain progress lines when piped");
    const failed = readFileSync(failures, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(failed.length, 7);
    assert.deepEqual(failed.map((f) => `${f.file}:${f.line}`).sort(), [
      "customers-2019_03_11.csv:5", "customers-2019_03_11.csv:6", "customers-2019_03_11.csv:7", "products-2019_03_11.csv:4",
      "purchases-2019_03_11.csv:11", "purchases-2019_03_11.csv:12", "purchases-2019_03_11.csv:9",
    ]);
    for (const f of failed) assert.ok(f.reason && f.entity && "key" in f);
    // Each with a stable code to branch on.
    const codes = Object.fromEntries(failed.map((f) => [`${f.file}:${f.line}`, f.code]));
    assert.equal(codes["purchases-2019_03_11.csv:12"], "unknown_customer");
    for (const f of failed) assert.match(f.code, /^[a-z_]+$/, JSON.stringify(f));
    // The log the emulator accepted (it checks the payload against the connectors page's JSON
    // schema and answers 400 otherwise), with the day's numbers.
    const logs = sample.state().connectors.logs;
    assert.equal(logs.length, 1);
    const { stats, files } = logs[0];
    assert.deepEqual(files, ["customers-2019_03_11.csv", "products-2019_03_11.csv", "branches-2019_03_11.csv", "purchases-2019_03_11.csv"]);
    assert.deepEqual(
      [stats.customers.total_created, stats.customers.total_updated, stats.customers.total_failed],
      [0, 3, 3],
    );
    assert.equal(stats.purchases.total_revenue, 212);
    assert.equal(stats.purchases.total_invoice_items, 6);
    for (const row of stats.customers.per_branches) {
      for (const k of ["created", "updated", "failed", "total_created", "total_updated", "total_failed"]) assert.equal(typeof row[k], "number", k);
    }
    assert.deepEqual(stats.products, { total_created: 2, total_updated: 0, total_failed: 1 });
    assert.ok(sample.state().woowup.invoices.every((i) => i.deliveries === 1));
    // And read back with `woowup logs`.
    const logsRun = await run(["woowup", "logs", "--connectors-url", sample.url, "--entity", "purchases"], { env: CREDS });
    assert.equal(logsRun.code, 0, logsRun.stderr);
    assert.match(logsRun.stdout, /purchases\s+4 created\s+0 updated\s+3 failed\s+revenue 212, 6 items/);
    const asJson = await run(["woowup", "logs", "--connectors-url", sample.url, "--json", "--limit", "1"], { env: CREDS });
    assert.equal(JSON.parse(asJson.stdout)[0].stats.purchases.created, 4);
    const refused = await run(["woowup", "logs", "--connectors-url", sample.url], { env: { LOYALTY_WOOWUP_API_KEY: "wrong" } });
    assert.equal(refused.code, 1);
  } finally {
    await sample.close();
  }
});

test("10,000 purchases (20,069 lines): every invoice exactly once, the log posted with the day's totals", async () => {
  emu.reset();
  const dir = tempDir();
  const day = writePurchases(dir, 10000, USERS);
  const journal = join(dir, "journal.jsonl");
  const r = await run(["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal], { env: CREDS, cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  noSecret(r, journal);
  exactlyOnce(day);
  logMatchesDay(lastLog(), day);
  const end = endLine(journal);
  assert.equal(end.log, "posted");
  assert.equal(end.requests, 2 * 10000 + 2, "a lookup and a sale per purchase, the sale points and the log");
  assert.equal(end.retries, 0);
  console.log(`# 10,000 purchases: ${end.requests} requests in ${(r.ms / 1000).toFixed(1)} s`);
});

test("killed with SIGKILL at ~50 % and resumed from the journal: every purchase exactly once", async () => {
  emu.reset();
  // A little latency: requests are in flight when the process dies, and some of them land
  // after it: the resumed run must ask WoowUp about those instead of sending them again.
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: JSON.stringify({ latencyMs: 20, programs: ["woowup"] }) });
  const dir = tempDir();
  const day = writePurchases(dir, 10000, USERS, 7);
  const journal = join(dir, "journal.jsonl");
  const args = ["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal];
  let killedAt = 0;
  const first = await run(args, {
    env: CREDS,
    cwd: dir,
    onStart: (child) => {
      waitUntil(() => emu.state().woowup.invoices.length >= 5000, 120000, 5).then(() => {
        killedAt = emu.state().woowup.invoices.length;
        child.kill("SIGKILL");
      });
    },
  });
  assert.equal(first.signal, "SIGKILL", first.stderr);
  await new Promise((r) => setTimeout(r, 100)); // the requests the dead process left land
  const landedAfterKill = emu.state().woowup.invoices.length;
  assert.ok(killedAt >= 5000 && landedAfterKill < 10000, `killed at ${killedAt}`);
  const journalLines = readFileSync(journal, "utf8").split("\n").length;
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });

  // Without --resume the journal is not overwritten.
  const refused = await run(args, { env: CREDS, cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--resume/);

  const second = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  noSecret(second, journal);
  assert.match(second.stderr, /resuming .*: [\d,]+ rows finished by the earlier run/);
  exactlyOnce(day);
  // The resumed run's log covers the whole day: rows of the first run are counted from the journal.
  const logs = emu.state().connectors.logs;
  assert.equal(logs.length, 1, "one log: the killed run posted none");
  logMatchesDay(logs[0], day);
  const end = endLine(journal);
  const sales = emu.state().woowup.requests.filter((q) => q.path.endsWith("/add_sale_points_by_uid"));
  assert.equal(sales.length, 10000, "one add_sale_points_by_uid request per invoice, over both runs");
  assert.ok(end.requests < 2 * (10000 - killedAt) + 2 * 16 + 50, `resumed run sent ${end.requests} requests`);
  console.log(
    `# killed at ${killedAt} invoices (${landedAfterKill} once the dead process's requests landed; journal ${journalLines} lines); ` +
      `resumed: ${end.requests} requests, ${end.checks} in-doubt checks, ${end.landed} found already in WoowUp, ${(second.ms / 1000).toFixed(1)} s`,
  );
});

test("a 429 storm: every Retry-After honoured by all workers, retries counted, nothing lost or doubled", async () => {
  emu.reset();
  await fetch(`${emu.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ programs: ["woowup"], sequence: Array(24).fill(429), rateLimit: { every: 100, retryAfter: 1 } }),
  });
  const dir = tempDir();
  const day = writePurchases(dir, 400, USERS, 11);
  const journal = join(dir, "journal.jsonl");
  // The storm hits the first requests of 16 workers at once (sale points given: no setup read).
  const r = await run(["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--sale-points", "5", "--journal", journal], { env: CREDS, cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  exactlyOnce(day);
  logMatchesDay(lastLog(), day);
  const requests = emu.state().woowup.requests;
  const storms = requests.filter((q) => q.status === 429);
  const end = endLine(journal);
  assert.ok(storms.length >= 15, `${storms.length} answers 429`);
  assert.equal(end.retries_by_reason["429"], storms.length, "each 429 retried once, and counted");
  assert.equal(end.retries, storms.length);
  // Honoured: after a 429 (Retry-After: 1) no request reaches WoowUp for a second, from any
  // worker. The pause starts when the CLI reads the 429 (requests sent before may still
  // arrive): the window left for that is 400 ms, generous on a loaded machine.
  const times = requests.map((q) => Date.parse(q.at));
  for (const s of storms) {
    const t = Date.parse(s.at);
    const early = times.filter((x) => x > t + 400 && x < t + 900);
    assert.equal(early.length, 0, `${early.length} requests within a second of the 429 at ${s.at}`);
  }
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });
  console.log(`# 429 storm: ${storms.length} answers 429, ${end.retries} retries, ${(r.ms / 1000).toFixed(1)} s for 400 purchases`);
});

test("the log answered 503 after WoowUp recorded it: in doubt (exit 3), never posted again, not even by --resume", async () => {
  emu.reset();
  await fetch(`${emu.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ programs: ["connectors"], pathPrefix: "/v1/log", sequence: [503], when: "after" }),
  });
  const dir = tempDir();
  const day = writePurchases(dir, 20, USERS, 17);
  const journal = join(dir, "journal.jsonl");
  const args = ["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal];
  const r = await run(args, { env: CREDS, cwd: dir });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /connectors log: in doubt: .*HTTP 503/);
  assert.match(r.stderr, /woowup logs/);
  assert.equal(endLine(journal).log, "in_doubt");
  const again = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stderr, /connectors log: in doubt: an earlier run sent it/);
  assert.equal(emu.state().connectors.logs.length, 1, "the log WoowUp recorded, once");
  exactlyOnce(day);
  noSecret(r, journal);
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });
});

test("sales answered 503 after WoowUp recorded them: WoowUp is asked, nothing is sent twice", async () => {
  emu.reset();
  await fetch(`${emu.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ programs: ["woowup"], pathPrefix: "/apiv2/14/add_sale_points_by_uid", errorRate: 0.25, status: 503, retryAfter: 0, when: "after", seed: 5 }),
  });
  const dir = tempDir();
  const day = writePurchases(dir, 300, USERS, 13);
  const journal = join(dir, "journal.jsonl");
  const r = await run(["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal], { env: CREDS, cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const lost = emu.state().woowup.requests.filter((q) => q.status === 503).length;
  assert.ok(lost > 30, `${lost} answers lost`);
  exactlyOnce(day);
  const end = endLine(journal);
  assert.equal(end.landed, lost, "every lost answer found in WoowUp's transactions");
  assert.equal(end.retries_by_reason["503"], lost);
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });
  console.log(`# 503 after the sale: ${lost} answers lost, ${end.checks} checks, ${end.landed} found, 0 sent twice`);
});

test("network errors: a sale that timed out but landed is found, not resent; WoowUp unreachable stops the run (exit 3)", async () => {
  emu.reset();
  // Each sale takes 1.5 s to answer: the CLI gives up at 1 s (a network error), and WoowUp records it anyway.
  await fetch(`${emu.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ programs: ["woowup"], pathPrefix: "/apiv2/14/add_sale_points_by_uid", latencyMs: 1500 }),
  });
  const dir = tempDir();
  const day = writePurchases(dir, 6, USERS, 23);
  const journal = join(dir, "journal.jsonl");
  const r = await run(["batch", day.path, ...woowupArgs(emu.url), "--rate", "1000000/min", "--timeout", "1", "--journal", journal], { env: CREDS, cwd: dir });
  await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: "{}" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no answer in time from \/apiv2\/14\/add_sale_points_by_uid: retry 1 in (1(\.\d)?|2) s/, "min(2^1, 60) s, half of it jittered");
  exactlyOnce(day);
  const end = endLine(journal);
  assert.equal(end.retries_by_reason.network, 6);
  assert.equal(end.landed, 6, "each timed-out sale found in WoowUp's transactions");

  const down = await run(["batch", day.path, "--base-url", "http://127.0.0.1:59999/apiv2", "--api-url", "http://127.0.0.1:59999", "--connectors-url", "http://127.0.0.1:59999",
    "--sale-points", "5", "--max-retries", "1", "--journal", join(dir, "down.jsonl")], { env: CREDS, cwd: dir });
  assert.equal(down.code, 3, down.stderr);
  assert.match(down.stderr, /stopped: woowup: no answer: ECONNREFUSED[^\n]*\(2 attempts\)[\s\S]*--resume/);
});

test("--dry-run: a JSON line per request, credentials redacted, the log request last, nothing sent", async () => {
  emu.reset();
  const dir = sampleDay();
  const r = await run(["batch", dir, "--dry-run", "--sale-points", "5", ...woowupArgs(emu.url)], { env: CREDS, cwd: dir });
  assert.equal(r.code, 1, r.stderr); // some sample rows fail before anything is sent
  noSecret(r);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const log = lines.pop();
  assert.equal(log.log.method, "POST");
  assert.equal(log.log.url, `${emu.url}/v1/log`);
  assert.deepEqual(log.log.headers.find(([n]) => n === "Authorization"), ["Authorization", "[redacted]"]);
  const payload = JSON.parse(log.log.body);
  assert.equal(payload.stats.purchases.total_failed, 2, "rows that fail before sending");
  for (const l of lines) {
    assert.ok(l.file && l.line && l.entity, JSON.stringify(l));
    if (l.request) assert.deepEqual(l.request.headers.find(([n]) => n === "Apikey"), ["Apikey", "[redacted]"]);
    else assert.ok(l.outcome);
  }
  // A purchase shows its lookup, then its sale as sent if WoowUp knows the customer.
  const a1001 = lines.filter((l) => l.key === "A-1001" && l.request);
  assert.equal(a1001.length, 2);
  assert.match(a1001[0].request.url, /user_by_email\?email=ana%40example.com$/);
  assert.equal(a1001[1].assuming, "WoowUp knows the customer");
  assert.match(a1001[1].request.body, /points=105&nrofactura=A-1001&factura=/);
  assert.equal(emu.state().woowup.requests.length + emu.state().connectors.requests.length, 0, "nothing sent");
  assert.ok(!existsSync(join(dir, ".loyalty-batch")), "no journal");
});

test("exit codes: credentials refused (2 before sending, 3 during the run); SIGINT (3) then resumed; a changed file refuses --resume (2)", async () => {
  emu.reset();
  const dir = tempDir();
  const day = writePurchases(dir, 200, USERS, 17);
  const wrong = { LOYALTY_WOOWUP_APP_ID: "14", LOYALTY_WOOWUP_API_KEY: "wrong-key" };
  const setup = await run(["batch", day.path, ...woowupArgs(emu.url), "--journal", join(dir, "a.jsonl")], { env: wrong, cwd: dir });
  assert.equal(setup.code, 2, setup.stderr);
  assert.match(setup.stderr, /refused the credentials/);
  assert.ok(!setup.stderr.includes("wrong-key"));
  const during = await run(["batch", day.path, ...woowupArgs(emu.url), "--sale-points", "5", "--journal", join(dir, "b.jsonl")], { env: wrong, cwd: dir });
  assert.equal(during.code, 3, during.stderr);
  assert.match(during.stderr, /refused the credentials[\s\S]*--resume/);

  // SIGINT: the run stops taking rows, finishes what is in flight and exits 3.
  const journal = join(dir, "journal.jsonl");
  const args = ["batch", day.path, ...woowupArgs(emu.url), "--rate", "1200/min", "--journal", journal];
  const interrupted = await run(args, {
    env: CREDS,
    cwd: dir,
    onStart: (child) => waitUntil(() => emu.state().woowup.invoices.length >= 20, 30000, 5).then(() => child.kill("SIGINT")),
  });
  assert.equal(interrupted.code, 3, interrupted.stderr);
  assert.match(interrupted.stderr, /SIGINT: finishing the requests in flight[\s\S]*stopped: interrupted \(SIGINT\)[\s\S]*--resume/);
  assert.ok(interrupted.ms < 15000);
  assert.equal(emu.state().connectors.logs.length, 0, "no log for an interrupted run");

  // A file that changed since: --resume refuses (rows are identified by file and line).
  const saved = readFileSync(day.path);
  appendFileSync(day.path, "F-999999,c1@example.com,2019-03-11 10:00:00,Palermo,,S,Item,1,1.00\r\n");
  const changed = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, /--resume refused: the files changed[\s\S]*purchases-2019_03_11\.csv changed size/);
  writeFileSync(day.path, saved);

  const resumed = await run([...args, "--resume", "--rate", "1000000/min"], { env: CREDS, cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  exactlyOnce(day);
  // A finished run is not run again.
  const again = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(again.code, 0);
  assert.match(again.stderr, /its log was posted: nothing to do/);
  assert.equal(emu.state().connectors.logs.length, 1);
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

test("a progress bar with rate and ETA, redrawn in place on a terminal", { skip: !hasScript && "script(1) is not installed" }, async () => {
  emu.reset();
  const dir = tempDir();
  const day = writePurchases(dir, 40, USERS, 19);
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  // script(1) runs the command on a pseudo-terminal: stderr is a TTY.
  const command = [BIN, "batch", day.path, ...woowupArgs(emu.url), "--rate", "3000/min", "--journal", join(dir, "j.jsonl")].map(q).join(" ");
  const r = await new Promise((resolve) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, ...CREDS, COLUMNS: "120" }, cwd: dir });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
  assert.equal(r.code, 0, r.out);
  const frames = r.out.split("\r\x1b[K").filter((f) => f.startsWith("["));
  assert.ok(frames.length >= 3, `${frames.length} frames:\n${r.out}`);
  assert.match(frames.at(-1), /^\[#+\] 100% 40\/40 rows · [\d,]+ req\/min · ETA 0 s · 0 failed · 0 retries/);
  assert.ok(frames.some((f) => /^\[#*\.+\] +\d+% \d+\/40 rows · [\d,]+ req\/min · ETA \d+ s/.test(f)), "a frame before the end, with an ETA");
  exactlyOnce(day);
});

test("--unknown-customer initialize adds unknown customers; --direct-uid sends one request a purchase; --mapping reads another layout", async () => {
  emu.reset();
  const dir = tempDir();
  const rows = ["invoice_number,customer_email,customer_uid,customer_first_name,customer_last_name,datetime,branch,total"];
  for (let i = 0; i < 20; i++) rows.push(`N-${i},new${i}@example.com,,New,Customer ${i},2019-03-11 12:00:00,Palermo,${10 + i}.50`);
  const file = join(dir, "purchases-2019_03_11.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  const skip = await run(["batch", file, ...woowupArgs(emu.url), ...FAST, "--journal", join(dir, "a.jsonl")], { env: CREDS, cwd: dir });
  assert.equal(skip.code, 1, "unknown customers fail by default");
  assert.equal(emu.state().woowup.invoices.length, 0);
  const init = await run(["batch", file, ...woowupArgs(emu.url), ...FAST, "--unknown-customer", "initialize", "--journal", join(dir, "b.jsonl")], { env: CREDS, cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  assert.equal(emu.state().woowup.invoices.length, 20);
  assert.equal(emu.state().woowup.users.filter((u) => u.email.startsWith("new")).length, 20);
  // ceil_of_total: ceil(5 × 10.50) = 53 for N-0
  emu.reset();
  const direct = ["invoice_number,customer_uid,total", ...USERS.slice(0, 30).map((u, i) => `D-${i},${u.uid},${10 + i}.50`)];
  writeFileSync(file, direct.join("\n") + "\n");
  const d = await run(["batch", file, ...woowupArgs(emu.url), ...FAST, "--direct-uid", "--points-rule", "ceil_of_total", "--sale-points", "5", "--journal", join(dir, "c.jsonl")], { env: CREDS, cwd: dir });
  assert.equal(d.code, 0, d.stderr);
  assert.equal(endLine(join(dir, "c.jsonl")).requests, 30 + 1, "one request a purchase, and the log");
  assert.equal(emu.state().woowup.invoices.find((i) => i.nrofactura === "D-0").points, 53);

  const sample = await start({ port: 0, config: join(SAMPLE_DIR, "emulator-config.json") });
  try {
    const mapped = join(SAMPLE_DIR, "purchases-mapped-2019_03_11.csv");
    const m = await run(["batch", mapped, ...woowupArgs(sample.url), ...FAST, "--mapping", join(SAMPLE_DIR, "mapping-example.json"), "--journal", join(dir, "d.jsonl")], { env: CREDS, cwd: dir });
    assert.ok(m.code === 0 || m.code === 1, m.stderr);
    const recorded = sample.state().woowup.invoices;
    assert.ok(recorded.length >= 1 && recorded.every((i) => i.deliveries === 1));
    assert.deepEqual(sample.state().connectors.logs[0].files, ["purchases-mapped-2019_03_11.csv"]);
  } finally {
    await sample.close();
  }
});

/** Sets the emulator's faults ({} turns them off). */
async function faults(spec) {
  const r = await fetch(`${emu.url}/_emulator/faults`, { method: "POST", body: JSON.stringify(spec) });
  assert.equal(r.status, 200, await r.text());
}

test("sales answered with an unreadable 200 after WoowUp recorded them are in doubt: WoowUp is asked, nothing is sent twice or lost", async () => {
  emu.reset();
  await faults({ programs: ["woowup"], pathPrefix: "/apiv2/14/add_sale_points_by_uid", errorRate: 0.3, status: 200, when: "after", body: "<html><body>OK</body></html>", seed: 9 });
  const dir = tempDir();
  const day = writePurchases(dir, 100, USERS, 31);
  const journal = join(dir, "journal.jsonl");
  const r = await run(["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal], { env: CREDS, cwd: dir });
  await faults({});
  assert.equal(r.code, 0, r.stderr);
  const garbled = emu.state().woowup.requests.filter((q) => q.fault).length;
  assert.ok(garbled > 10, `${garbled} answers garbled`);
  exactlyOnce(day);
  const end = endLine(journal);
  assert.equal(end.totals.purchases.created, 100, "counted as created, not failed");
  assert.equal(end.landed, garbled, "every sale with an unreadable answer found in WoowUp's transactions");
});

test("new customers with several invoices each, four workers: 'already exists' looks the customer up again, every sale sent once", async () => {
  emu.reset();
  const dir = tempDir();
  const rows = ["invoice_number,customer_email,customer_first_name,customer_last_name,datetime,branch,total"];
  // 6 customers WoowUp does not know, 6 consecutive invoices each: four workers add each at once.
  for (let i = 0; i < 36; i++) rows.push(`M-${i},late${Math.floor(i / 6)}@example.com,Late,Comer ${Math.floor(i / 6)},2019-03-11 12:00:00,Palermo,${10 + i}.50`);
  const file = join(dir, "purchases-2019_03_11.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  await faults({ programs: ["woowup"], latencyMs: 20 }); // the four lookups of a customer overlap
  const r = await run(["batch", file, ...woowupArgs(emu.url), "--rate", "1000000/min", "--concurrency", "4", "--no-progress",
    "--unknown-customer", "initialize", "--journal", join(dir, "j.jsonl")], { env: CREDS, cwd: dir });
  await faults({});
  assert.equal(r.code, 0, r.stderr);
  const state = emu.state().woowup;
  const refused = state.requests.filter((q) => q.endpoint === "initialize_user" && q.verdict === "user-exists").length;
  assert.ok(refused > 0, "some initialize_user found the customer added by another worker");
  assert.equal(state.users.filter((u) => u.email.startsWith("late")).length, 6);
  const recorded = state.invoices.filter((i) => i.nrofactura.startsWith("M-"));
  assert.equal(recorded.length, 36, "every sale sent");
  assert.ok(recorded.every((i) => i.deliveries === 1 && i.duplicates === 0), "each once");
  console.log(`# ${refused} initialize_user answered "already exists", each customer looked up again`);
});

test("two runs of one journal at once: the second refuses before sending anything; a stale lock is taken over", async () => {
  emu.reset();
  await faults({ programs: ["woowup"], latencyMs: 40 });
  const dir = tempDir();
  const day = writePurchases(dir, 60, USERS, 53);
  const journal = join(dir, "journal.jsonl");
  const args = ["batch", day.path, ...woowupArgs(emu.url), "--rate", "1000000/min", "--concurrency", "2", "--no-progress", "--journal", journal];
  const first = run(args, { env: CREDS, cwd: dir });
  await waitUntil(() => existsSync(`${journal}.lock`));
  const before = emu.state().woowup.requests.length;
  const second = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /another run of this journal is in progress \(pid \d+/);
  const one = await first;
  await faults({});
  assert.equal(one.code, 0, one.stderr);
  assert.ok(!existsSync(`${journal}.lock`), "the lock is released at exit");
  assert.ok(emu.state().woowup.requests.length - before <= 2 * 60 + 4, "the second run sent nothing");
  exactlyOnce(day);
  const text = readFileSync(journal, "utf8");
  assert.equal(text.split("\n").filter((l) => l.startsWith('{"journal"')).length, 1, "one header");
  assert.equal(text.split("\n").filter((l) => l.startsWith('{"end"')).length, 1, "one end line");
  // A lock left by a killed run (its pid is gone) does not block the next one.
  writeFileSync(`${journal}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, started: "2019-03-11T00:00:00Z" }));
  const again = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /nothing to do/);
});

test("a full disk stops the run with exit 3 and one clear line, no stack trace", async () => {
  emu.reset();
  const dir = sampleDay();
  const r = await run(["batch", dir, ...woowupArgs(emu.url), ...FAST, "--failures", "/dev/full", "--journal", join(dir, "j.jsonl")], { env: CREDS, cwd: dir });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /cannot (write|fsync) \/dev\/full: no space left on the device/);
  assert.match(r.stderr, /--resume/);
  assert.doesNotMatch(r.stderr, /\.js:\d+|internal error/, "no JavaScript stack");
});

test("a journal restored from an older copy is refused: nothing its lost lines record as sent is sent again", async () => {
  emu.reset();
  const dir = tempDir();
  const day = writePurchases(dir, 30, USERS, 61);
  const journal = join(dir, "journal.jsonl");
  const args = ["batch", day.path, ...woowupArgs(emu.url), ...FAST, "--journal", journal];
  const first = await run(args, { env: CREDS, cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  // The copy taken half-way: its first half, no end line.
  const lines = readFileSync(journal, "utf8").split("\n");
  writeFileSync(journal, lines.slice(0, Math.floor(lines.length / 2)).join("\n") + "\n");
  const sent = emu.state().woowup.requests.length;
  const resumed = await run([...args, "--resume"], { env: CREDS, cwd: dir });
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /shorter than the \d+ bytes the run made durable: restored from an older copy\?/);
  assert.equal(emu.state().woowup.requests.length, sent, "nothing sent");
  exactlyOnce(day);
});
