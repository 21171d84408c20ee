// Every command's --help, and usage mistakes: exit 2 before anything is sent (no server runs
// here: a run that tried to send would fail with another code).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CREDS, ROOT, SAMPLE_DIR, run, tempDir } from "./support.mjs";

const HELPS = {
  batch: ["--app-id", "--api-key", "LOYALTY_WOOWUP_API_KEY", "--base-url", "--api-url", "--connectors-url", "--concurrency", "--rate", "--max-retries", "--timeout", "--dry-run", "--journal", "--resume", "--failures", "--mapping", "--sale-points", "--points-rule", "--unknown-customer", "--direct-uid", "--no-log", "--processing-time", "--no-progress", "Exit codes"],
  "lootly sign": ["--api-key", "LOYALTY_LOOTLY_API_SECRET", "--output", "Exit codes"],
  "lootly verify": ["LOYALTY_LOOTLY_API_SECRET", "--quiet", "Exit codes"],
  "lootly widget": ["--api-key", "--shop-domain", "--customer-id", "--script", "LOYALTY_LOOTLY_API_SECRET"],
  "woowup logs": ["--entity", "--page", "--limit", "--from", "--to", "--json", "--connectors-url", "Exit codes"],
};

test("--help of every command: exit 0, usage on stdout, every option described", async () => {
  for (const [command, words] of Object.entries(HELPS)) {
    for (const flag of ["--help", "-h"]) {
      const r = await run([...command.split(" "), flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`Usage: loyalty-connector ${command}`), r.stdout);
      for (const w of words) assert.ok(r.stdout.includes(w), `${command} --help lacks ${w}`);
    }
    const viaHelp = await run(["help", ...command.split(" ")]);
    assert.equal(viaHelp.code, 0);
    assert.ok(viaHelp.stdout.startsWith(`Usage: loyalty-connector ${command}`));
  }
  const top = await run(["--help"]);
  assert.equal(top.code, 0);
  for (const c of Object.keys(HELPS)) assert.ok(top.stdout.includes(c), c);
  assert.equal((await run([])).code, 2, "no command");
  assert.equal((await run(["lootly"])).code, 2);
  assert.equal((await run(["lootly", "--help"])).code, 0);
  assert.match((await run(["--version"])).stdout, /^\d+\.\d+\.\d+/);
});

test("npx finds the bin entry of the installed package", async () => {
  const out = await new Promise((resolve, reject) =>
    execFile("npx", ["--no-install", "loyalty-connector", "batch", "--help"], { cwd: ROOT }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
  );
  assert.ok(out.startsWith("Usage: loyalty-connector batch"));
});

test("usage mistakes exit 2 and name the problem; nothing is sent", async () => {
  const dir = tempDir();
  const purchases = join(dir, "purchases-2019_03_11.csv");
  copyFileSync(join(SAMPLE_DIR, "purchases-2019_03_11.csv"), purchases);
  const other = join(dir, "customers-2019_03_12.csv");
  copyFileSync(join(SAMPLE_DIR, "customers-2019_03_11.csv"), other);
  const notes = join(dir, "notes.txt");
  writeFileSync(notes, "x");
  const badMapping = join(dir, "mapping.json");
  writeFileSync(badMapping, JSON.stringify({ purchases: { no_such_column: "X" } }));
  const url = "http://127.0.0.1:9"; // discard port: nothing answers there
  const emu = ["--base-url", `${url}/apiv2`, "--api-url", url, "--connectors-url", url];
  const cases = [
    [["nope"], /unknown command/],
    [["batch", purchases, "--colour"], /unknown option --colour/],
    [["batch"], /no files/],
    [["batch", join(dir, "missing.csv")], /no such file/],
    [["batch", notes, ...emu], /notes\.txt.*expected customers-, purchases-/],
    [["batch", purchases, other, ...emu], /several days \(2019_03_11, 2019_03_12\)/],
    [["batch", purchases, "--base-url", `${url}/apiv2`], /--base-url given: give --api-url and --connectors-url too/],
    [["batch", purchases, ...emu, "--rate", "fast"], /--rate must be requests per minute/],
    [["batch", purchases, ...emu, "--concurrency", "0"], /--concurrency must be between 1 and 64/],
    [["batch", purchases, ...emu, "--points-rule", "round"], /--points-rule must be/],
    [["batch", purchases, ...emu, "--unknown-customer", "add"], /--unknown-customer must be skip or initialize/],
    [["batch", purchases, ...emu, "--mapping", badMapping], /--mapping .*no_such_column/],
    [["batch", purchases, ...emu, "--processing-time", "yesterday"], /--processing-time/],
    [["batch", purchases, ...emu, "--resume", "--journal", join(dir, "none.jsonl")], /--resume: no journal/],
    [["batch", purchases, "--dry-run"], /--dry-run sends nothing, not even GET contest_sale_points: give --sale-points/],
    [["batch", purchases, ...emu, "--base-url", "ftp://x"], /base-url.*http\(s\) URL/],
    [["lootly", "sign"], /LOYALTY_LOOTLY_API_KEY|--api-key/],
    [["lootly", "verify"], /LOYALTY_LOOTLY_API_SECRET is not set/],
    [["lootly", "widget", "--api-key", "k"], /--shop-domain is needed/],
    [["woowup", "logs", "--limit", "x"], /--limit must be a whole number/],
    [["woowup", "logs", "--entity", "orders"], /--entity: .*customers, purchases, products or branches/],
    [["woowup", "logs", "--from", "11/03/2019"], /--from.*YYYY-MM-DD/],
  ];
  const env = CREDS;
  for (const [args, message] of cases) {
    const r = await run(args, { env: args[0] === "batch" || args[0] === "woowup" ? env : {}, cwd: dir });
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.ok(!r.stderr.includes(CREDS.LOYALTY_WOOWUP_API_KEY), "the key is never echoed");
  }
  // Credentials missing: named, exit 2.
  const r = await run(["batch", purchases, ...emu], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /WoowUp credentials missing/);
});
