// Helpers of the CLI tests: the installed package's `loyalty-connector` command, the emulator
// in this process, a deterministic purchases day.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../../examples/emulator/random.mjs";
import { start } from "../../examples/emulator/server.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The command as npm installed it (`make pack`): the package's `bin` entry. */
export const BIN = join(ROOT, "node_modules/.bin/loyalty-connector");
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`make test-cli\` (it builds and installs the package first)`);

export const APP_ID = "14";
export const API_KEY = "demo-woowup-key";
export const SAMPLE_DIR = join(ROOT, "examples/data/batch");
export const BRANCHES = ["Shopping Unicenter", "Palermo"];

export function tempDir(prefix = "cli-") {
  return mkdtempSync(join(tmpdir(), `loyalty-${prefix}`));
}

/**
 * Runs the command; resolves to { code, signal, stdout, stderr, ms }. `env` is added to a clean
 * environment (no inherited LOYALTY_* variables); `input` goes to stdin.
 */
export function run(args, { env = {}, input, cwd, onStart } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LOYALTY_")));
  const child = spawn(BIN, args, { cwd, env: { ...base, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  const t0 = performance.now();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.stdin.on("error", () => {});
  if (input !== undefined) child.stdin.end(input);
  else child.stdin.end();
  onStart?.(child);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Credentials in the environment and the emulator's URLs as options. */
export function woowupArgs(url) {
  return ["--base-url", `${url}/apiv2`, "--api-url", url, "--connectors-url", url];
}
export const CREDS = { LOYALTY_WOOWUP_APP_ID: APP_ID, LOYALTY_WOOWUP_API_KEY: API_KEY };

export function customers(n) {
  return Array.from({ length: n }, (_, i) => ({
    uid: `c${i}@example.com`,
    email: `c${i}@example.com`,
    first_name: `Name${i}`,
    last_name: `Last${i}`,
    points: 0,
  }));
}

/** The emulator's config: app 14 with both branches and `users`. */
export function emulatorConfig(users) {
  return {
    woowup: { apps: [{ app_id: APP_ID, api_key: API_KEY, contest_sale_points: 5, branches: BRANCHES, connected_services: [], users }] },
  };
}

export async function startEmulator(users = customers(200)) {
  return start({ port: 0, config: emulatorConfig(users) });
}

/**
 * A purchases file of `invoices` invoices (1 to 3 lines each, consecutive), customers from
 * `users`; returns { path, invoices: [{ number, total (cents), items }], lines }.
 */
export function writePurchases(dir, invoices, users, seed = 20190311) {
  const rnd = mulberry32(seed);
  const rows = ["invoice_number,customer_email,datetime,branch,total,sku,product_name,quantity,unit_price"];
  const list = [];
  for (let i = 0; i < invoices; i++) {
    const number = `F-${String(i + 1).padStart(6, "0")}`;
    const user = users[Math.floor(rnd() * users.length)];
    const branch = BRANCHES[i % 2];
    const lines = 1 + Math.floor(rnd() * 3);
    let total = 0;
    for (let l = 0; l < lines; l++) {
      const qty = 1 + Math.floor(rnd() * 3);
      const cents = 50 + Math.floor(rnd() * 5000);
      total += qty * cents;
      const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
      const name = l === 1 ? `"Cake ""deluxe"", ${i}"` : `Item ${i}-${l}`;
      rows.push(l === 0 ? `${number},${user.email},2019-03-11 10:00:00,${branch},,SKU-${l},${name},${qty},${price}` : `${number},,,,,SKU-${l},${name},${qty},${price}`);
    }
    list.push({ number, total, items: lines, email: user.email });
  }
  const path = join(dir, "purchases-2019_03_11.csv");
  writeFileSync(path, rows.join("\r\n") + "\r\n");
  return { path, invoices: list, lines: rows.length - 1 };
}

/** total_revenue as the log has it: the exact sum, rounded once, halves away from zero. */
export function revenueOf(invoices) {
  const cents = invoices.reduce((s, i) => s + i.total, 0);
  return Math.floor((cents + 50) / 100);
}

/** The last JSON line of a journal that starts with `{"end"`. */
export function endLine(journalPath) {
  const lines = readFileSync(journalPath, "utf8").trim().split("\n");
  const end = lines.reverse().find((l) => l.startsWith('{"end"'));
  return end && JSON.parse(end);
}

export function waitUntil(predicate, ms = 60000, every = 20) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error("timed out"));
      setTimeout(tick, every);
    };
    tick();
  });
}
