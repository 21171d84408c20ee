// 5. Batch preparation: every request of a purchases file prepared without the network
//    (examples/batch_prepare.rs: lookup URL + sale form per purchase, driven against a fake
//    WoowUp) vs the guide's PHP doing the same per-purchase work (bench/php/batch.php); the two
//    produce the same number of requests and bytes (checked). Files from
//    examples/gen_purchases.rs at 100k and 1M rows; peak RSS by /usr/bin/time (%M). Throughput
//    ratio: ours rows/s ÷ PHP rows/s per round (median); memory: peak at 1M ÷ peak at 100k.
//    Standalone: node bench/batch.mjs [--quick]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib/ours.mjs";
import { median } from "./lib/timing.mjs";

const BIN = join(repoRoot, "target/release/examples");

function generate(rows, outDir) {
  const dir = join(outDir, `batch-${rows}`);
  const file = join(dir, "purchases-2019_03_11.csv"); // the planner reads the entity from the name
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file) || statSync(file).size === 0) execFileSync(join(BIN, "gen_purchases"), [file, String(rows)], { stdio: "ignore" });
  return file;
}


function timedWithRss(cmd, args) {
  // execFileSync hides stderr on success: run through a shell that merges it into stdout.
  const out = execFileSync("sh", ["-c", `/usr/bin/time -f MAXRSS_KB=%M "$0" "$@" 2>&1`, cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  const json = out.split("\n").find((l) => l.startsWith("{"));
  const rss = out.match(/MAXRSS_KB=(\d+)/);
  return { ...JSON.parse(json), maxrss_kb: Number(rss[1]) };
}

export async function benchBatch({ rows = [100_000, 1_000_000], rounds = 3, outDir = join(repoRoot, "bench/out") } = {}) {
  const contenders = {
    "loyalty-connector (Rust, native)": (file) => timedWithRss(join(BIN, "batch_prepare"), [file]),
    "PHP guide code (php-cli)": (file) => timedWithRss("php", [join(repoRoot, "bench/php/batch.php"), file]),
  };
  const result = { rows: {}, notes: [] };
  for (const n of rows) {
    const file = generate(n, outDir);
    const runs = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? Object.keys(contenders).reverse() : Object.keys(contenders);
      for (const name of order) runs[name].push(contenders[name](file));
    }
    const [ours, php] = Object.keys(contenders);
    const same = runs[ours][0].requests === runs[php][0].requests && runs[ours][0].bytes === runs[php][0].bytes;
    if (!same) result.notes.push(`${n} rows: ours and PHP prepared different requests (${runs[ours][0].requests}/${runs[ours][0].bytes} vs ${runs[php][0].requests}/${runs[php][0].bytes} requests/bytes)`);
    result.rows[n] = {
      purchases: runs[ours][0].purchases,
      requests: runs[ours][0].requests,
      same_requests_and_bytes: same,
      ...Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, {
        rows_per_s: Math.round(n / median(rs.map((x) => x.seconds))),
        peak_rss_mb: +(median(rs.map((x) => x.maxrss_kb)) / 1024).toFixed(1),
      }])),
      throughput_ratio: median(runs[ours].map((o, i) => runs[php][i].seconds / o.seconds)),
    };
  }
  const [small, large] = rows;
  if (large) {
    for (const name of Object.keys(contenders)) {
      result[`${name}: peak RSS ${large} ÷ ${small} rows`] = +(result.rows[large][name].peak_rss_mb / result.rows[small][name].peak_rss_mb).toFixed(2);
    }
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchBatch(quick ? { rows: [10_000, 100_000], rounds: 1 } : {}), null, 1));
}
