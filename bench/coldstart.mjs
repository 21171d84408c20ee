// 3. Cold start: from a fresh process to the first signature.
//  - Node: a new `node` process per run imports the package (its "node" entry: reads and
//    instantiates the wasm synchronously) and signs one order; the child reports
//    performance.now() (ms since its process started) after the import and after the first
//    signature. Against the same child doing JSON.stringify + node:crypto instead.
//  - workerd: Miniflare (the simulator `wrangler dev` runs, without wrangler's bundling step)
//    starts a new workerd process running a tiny Worker that imports the package (its "workerd"
//    entry: the wasm as a compiled module) and answers one request with a signed order; timed
//    from `new Miniflare()` to the body of that first response. Against the same Worker
//    signing with JSON.stringify + WebCrypto.
//  Each is the median of many runs; ratios are ours / the peer's, medians taken in the same run.
//    Standalone: node bench/coldstart.mjs [--quick]
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { nodeEntry, packageDir, repoRoot } from "./lib/ours.mjs";
import { median } from "./lib/timing.mjs";
import { makeOrders } from "./lib/orders.mjs";

const ORDER = makeOrders(1)[0];

function nodeChild(kind, entry) {
  const order = JSON.stringify(ORDER);
  const body = kind === "ours"
    ? `const { lootly } = await import(${JSON.stringify(pathToFileURL(entry ?? "").href)});
       const imported = performance.now();
       const s = lootly.sign(${order}, { apiKey: "k", apiSecret: "s" });`
    : `const { createHmac } = await import("node:crypto");
       const imported = performance.now();
       const o = { ...${order}, key: "k" }; const sorted = {};
       for (const k of Object.keys(o).sort()) sorted[k] = o[k];
       const canonical = JSON.stringify(sorted);
       const s = { hmac: createHmac("sha256", "s").update(canonical).digest("base64") };`;
  return `${body}
    const first = performance.now();
    if (!s.hmac) throw new Error("no signature");
    console.log(JSON.stringify({ imported, first }));`;
}

function runNode(kind, entry, runs) {
  const code = nodeChild(kind, entry);
  const imported = [], first = [];
  for (let i = 0; i < runs; i++) {
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" }));
    imported.push(out.imported);
    first.push(out.first);
  }
  return { import_ms: median(imported), first_signature_ms: median(first) };
}

/** The package's file for a given `exports` condition of `subpath` ("." or "./lootly"), or null. */
function entryFor(dir, condition, subpath = ".") {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const map = pkg.exports?.[subpath];
  return map ? join(dir, map[condition] ?? map.default) : null;
}

function workerSources(dir, workDir) {
  const order = JSON.stringify(ORDER);
  const sources = {
    webcrypto: `const enc = new TextEncoder();
export default { async fetch() {
  const key = await crypto.subtle.importKey("raw", enc.encode("s"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const o = { ...${order}, key: "k" }; const sorted = {};
  for (const k of Object.keys(o).sort()) sorted[k] = o[k];
  const canonical = JSON.stringify(sorted);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(canonical)));
  sorted.hmac = btoa(String.fromCharCode(...mac));
  return new Response(JSON.stringify(sorted));
} };`,
  };
  if (dir) {
    cpSync(dir, join(workDir, "pkg"), { recursive: true });
    for (const [name, subpath] of [["ours", "."], ["ours_lootly", "./lootly"]]) {
      const file = entryFor(join(workDir, "pkg"), "workerd", subpath);
      if (!file) continue;
      const entry = "./" + relative(workDir, file).split("\\").join("/");
      sources[name] = `import { lootly } from ${JSON.stringify(entry)};
export default { async fetch() {
  return new Response(lootly.sign(${order}, { apiKey: "k", apiSecret: "s" }).body);
} };`;
    }
  }
  const paths = {};
  for (const [name, src] of Object.entries(sources)) writeFileSync((paths[name] = join(workDir, `${name}.mjs`)), src);
  return paths;
}

async function runWorkerd(scriptPath, runs) {
  const { Miniflare, Log, LogLevel } = await import("miniflare");
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const mf = new Miniflare({
      scriptPath,
      modules: true,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
      cf: {}, // no download of the Request.cf placeholder (no network here)
      compatibilityDate: "2025-01-01",
      log: new Log(LogLevel.WARN),
    });
    try {
      const res = await mf.dispatchFetch("http://127.0.0.1/");
      const text = await res.text();
      if (!res.ok || !text.includes('"hmac"')) throw new Error(`worker answered ${res.status}: ${text.slice(0, 200)}`);
      times.push(performance.now() - t0);
    } finally {
      await mf.dispose();
    }
  }
  return { first_response_ms: median(times) };
}

export async function benchColdStart({ runs = 25, workerdRuns = 9 } = {}) {
  const entry = nodeEntry();
  const dir = packageDir();
  const notes = [];
  const node = { "JSON.stringify + node:crypto": runNode("naive", null, runs) };
  if (entry) node["loyalty-connector"] = runNode("ours", entry, runs);
  else notes.push("no npm package found: no 'ours' cold start");
  const lootlyEntry = dir && entryFor(dir, "node", "./lootly");
  if (lootlyEntry) node["loyalty-connector/lootly"] = runNode("ours", lootlyEntry, runs);
  for (const name of ["loyalty-connector", "loyalty-connector/lootly"]) {
    if (node[name]) node[name].ratio = node[name].first_signature_ms / node["JSON.stringify + node:crypto"].first_signature_ms;
  }

  const workDir = join(repoRoot, "bench/out/cold-worker");
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const scripts = workerSources(dir, workDir);
  const workerd = { "JSON.stringify + WebCrypto": await runWorkerd(scripts.webcrypto, workerdRuns) };
  for (const [script, name] of [["ours", "loyalty-connector"], ["ours_lootly", "loyalty-connector/lootly"]]) {
    if (!scripts[script]) continue;
    const ours = await runWorkerd(scripts[script], workerdRuns);
    ours.ratio = ours.first_response_ms / workerd["JSON.stringify + WebCrypto"].first_response_ms;
    workerd[name] = ours;
  }
  return { runs, workerd_runs: workerdRuns, node, workerd, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchColdStart(quick ? { runs: 5, workerdRuns: 3 } : {}), null, 1));
}
