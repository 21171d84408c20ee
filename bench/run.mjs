// make bench: every part in turn, one table on stdout, everything in bench/results.json.
//   node bench/run.mjs [--quick] [--only=sign,widget,coldstart,size,batch,worker,woowup]
// Every number that compares is a ratio of two measurements taken in this same run; absolute
// times are printed for orientation only. --quick is a smoke run (seconds, not minutes): its
// numbers mean nothing.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib/ours.mjs";
import { machine } from "./lib/timing.mjs";
import { benchSign, OURS, OURS_TEXT, NAIVE, PHP } from "./sign.mjs";
import { benchWidget } from "./widget.mjs";
import { benchColdStart } from "./coldstart.mjs";
import { benchSize } from "./size.mjs";
import { benchBatch } from "./batch.mjs";
import { benchWorker } from "./worker.mjs";
import { benchWoowup } from "./woowup.mjs";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const want = (part) => !only || only.includes(part);
const started = Date.now();
const results = { generated: new Date().toISOString(), quick, machine_before: machine() };

const fmtNs = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const x = (r) => (r == null ? "–" : `${r.toFixed(2)}×`);
const out = [];
const line = (s = "") => {
  out.push(s);
  console.log(s);
};
const table = (head, rows, left = [0]) => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r) => "  " + r.map((c, i) => (left.includes(i) ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ").trimEnd();
  line(fmt(head));
  for (const r of rows) line(fmt(r));
};
const section = async (part, title, fn) => {
  if (!want(part)) return;
  const t = Date.now();
  line();
  line(title);
  try {
    results[part] = await fn();
  } catch (e) {
    results[part] = { error: String(e.stack ?? e) };
    line(`  FAILED: ${e.message}`);
  }
  results[part].seconds = Math.round((Date.now() - t) / 1000);
};

await section("sign", "1. Sign a Lootly order (object in → body + hmac), Node 20, per operation", async () => {
  const r = await benchSign(quick ? { rounds: 3, ms: 40 } : { rounds: 9, ms: 250 });
  line(`  ${r.orders} orders of ~${r.order_bytes} bytes; "× ours": its time ÷ ours in the same round (median; >1 = we are faster)`);
  table(["signer", "time/op", "× ours", "PHP vectors byte-identical"],
    r.rows.map((row) => [row.name, fmtNs(row.ns), row.name === r.reference ? "1.00× (ref)" : x(row.ratio),
      `${row.correct}/${row.total}${row.wrong?.length && row.wrong.every((w) => r.lost_in_js.includes(w)) ? " (the rest: params a JS object cannot hold)" : ""}`]));
  line(`  vectors whose params JSON.parse cannot keep (PHP decides): ${r.lost_in_js.join("; ")}`);
  for (const n of r.notes) line(`  note: ${n}`);
  return r;
});

await section("widget", "2. Widget signatures: md5(customer id . secret) as hex, per operation", async () => {
  const r = await benchWidget(quick ? { rounds: 3, ms: 40 } : { rounds: 9, ms: 200 });
  table(["md5", "time/op", "× ours", "PHP vectors"], r.rows.map((row) => [row.name, fmtNs(row.ns),
    row.name === r.reference ? "1.00× (ref)" : x(row.ratio), `${row.correct}/${row.total}`]));
  for (const n of r.notes) line(`  note: ${n}`);
  return r;
});

await section("coldstart", "3. Cold start: fresh process → first signature (median of runs)", async () => {
  const r = await benchColdStart(quick ? { runs: 3, workerdRuns: 2 } : { runs: 31, workerdRuns: 11 });
  const rows = [];
  for (const [name, v] of Object.entries(r.node)) rows.push([`Node: ${name}`, `${v.import_ms.toFixed(1)} ms`, `${v.first_signature_ms.toFixed(1)} ms`, x(v.ratio ?? 1)]);
  for (const [name, v] of Object.entries(r.workerd)) rows.push([`workerd (Miniflare): ${name}`, "–", `${v.first_response_ms.toFixed(1)} ms`, x(v.ratio ?? 1)]);
  table(["runtime: signer", "import done", "first signature", "÷ peer"], rows);
  for (const n of r.notes) line(`  note: ${n}`);
  return r;
});

await section("size", "4. Size (gzip -9; install = `npm install` alone into an empty directory, du -sb)", async () => {
  const r = await benchSize();
  const ours = r.rows["loyalty-connector"];
  if (ours) {
    line(`  ours: library wasm (${ours.wasm_files.join(", ")}) ${kb(ours.wasm_raw)} raw, ${kb(ours.wasm_gzip)} gzipped; library JS ${kb(ours.js_raw)} raw, ${kb(ours.js_gzip)} gzipped; tarball ${kb(ours.tarball_bytes)}`);
    for (const [n, w] of Object.entries(ours.other_wasm ?? {})) line(`  also in the package: ${n} ${kb(w.raw)} raw, ${kb(w.gzip)} gzipped`);
  }
  table(["package", "installed", "packages", "÷ ours"], Object.entries(r.rows).map(([name, v]) =>
    [name, kb(v.install_bytes), v.packages, name === "loyalty-connector" ? "1.00× (ref)" : x(v.ratio)]));
  for (const n of r.notes) line(`  note: ${n}`);
  return r;
});

await section("batch", "5. Batch preparation: a purchases file → every request (lookup + sale form), no network", async () => {
  const r = await benchBatch(quick ? { rows: [2_000, 20_000], rounds: 1 } : { rows: [100_000, 1_000_000], rounds: 3 });
  const rows = [];
  for (const [n, v] of Object.entries(r.rows)) {
    for (const [name, m] of Object.entries(v)) {
      if (m && typeof m === "object") rows.push([`${Number(n).toLocaleString("en")} rows: ${name}`, `${m.rows_per_s.toLocaleString("en")}`, `${m.peak_rss_mb} MB`]);
    }
    rows.push([`${Number(n).toLocaleString("en")} rows: ours ÷ PHP throughput`, x(v.throughput_ratio), v.same_requests_and_bytes ? "same bytes" : "DIFFERENT bytes"]);
  }
  table(["file: preparer", "rows/s", "peak RSS"], rows);
  for (const [k, v] of Object.entries(r)) if (k.includes("peak RSS")) line(`  ${k}: ${v}×`);
  for (const n of r.notes) line(`  note: ${n}`);
  return r;
});

await section("worker", "6. Worker overhead: events/s through wrangler dev to the emulator", async () => {
  const r = await benchWorker(quick ? { events: 20 } : {});
  if (r.skipped) line(`  skipped: ${r.skipped}`);
  else table(["worker", "events/s", "÷ pass-through"], r.rows.map((row) => [row.name, row.events_per_s.toFixed(1), x(row.ratio)]));
  for (const n of r.notes ?? []) line(`  note: ${n}`);
  return r;
});
await section("woowup", "7. WoowUp v3 vs v2: a request built and its answer read, per operation (Node)", async () => {
  const r = await benchWoowup(quick ? { rounds: 3, ms: 40 } : { rounds: 7, ms: 200 });
  if (r.error) throw new Error(r.error);
  table(["operation", "v2", "v3", "v3 ÷ v2"], Object.entries(r.rows).map(([what, row]) => [what, fmtNs(row.v2_ns), fmtNs(row.v3_ns), x(row.v3_over_v2)]));
  return r;
});


// The aims of issue 7, judged on this run's ratios.
const aims = [];
const aim = (what, met, detail) => aims.push({ aim: what, met, detail });
const s = results.sign;
if (s?.rows) {
  const row = (n) => s.rows.find((r) => r.name === n);
  const text = row(OURS_TEXT), obj = row(OURS);
  if (text) {
    const others = s.rows.filter((r) => ![OURS, OURS_TEXT, PHP].includes(r.name) && !r.name.startsWith("Rust"));
    aim("correct on 100% of PHP's sign vectors where every JS peer fails some", text.correct === text.total && others.every((r) => r.correct < r.total),
      `ours ${text.correct}/${text.total} (text in), ${obj.correct}/${obj.total} (object in); ${others.map((r) => `${r.name} ${r.correct}/${r.total}`).join(", ")}`);
    const vs = (name) => row(name)?.ratio;
    aim("signing at least as fast as JSON.stringify + node:crypto", vs(NAIVE) >= 1, `naive takes ${x(vs(NAIVE))} our time`);
    aim("signing at least as fast as PHP", vs(PHP) >= 1, `PHP takes ${x(vs(PHP))} our time`);
    for (const n of ["JSON.stringify + WebCrypto", "JSON.stringify + @noble/hashes"]) aim(`≥3× faster than ${n}`, vs(n) >= 3, `it takes ${x(vs(n))} our time`);
  }
}
const size = results.size?.rows?.["loyalty-connector"];
if (size) {
  const lootlyOnly = size.other_wasm?.["lootly/loyalty_connector_bg.wasm"];
  const detail = `library wasm ${kb(size.wasm_gzip)}` + (lootlyOnly ? `; loyalty-connector/lootly's ${kb(lootlyOnly.gzip)}` : "");
  aim("the whole wasm under 60 KB gzipped", size.wasm_gzip < 60 * 1024, `${detail} (the CLI's wasm apart)`);
}
results.aims = aims;
if (aims.length) {
  line();
  line("Aims (this run)");
  table(["aim", "met", "detail"], aims.map((a) => [a.aim, a.met ? "yes" : "NO", a.detail]), [0, 2]);
}
results.machine_after = machine();
results.seconds = Math.round((Date.now() - started) / 1000);
line();
line(`load average before ${results.machine_before.loadavg.join(" ")}, after ${results.machine_after.loadavg.join(" ")} (2 cores; other builds may share them); ${results.seconds} s`);
results.table = out.join("\n");
const file = join(repoRoot, quick ? "bench/out/results.quick.json" : "bench/results.json");
writeFileSync(file, JSON.stringify(results, null, 1) + "\n");
console.log(`wrote ${file}`);
