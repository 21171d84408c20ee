// 4. Size: our wasm and JS, raw and gzipped (gzip -9), and what `npm install` puts on disk for
//    us vs for `svix` and `standardwebhooks` (the webhook-signing libraries a shop might pick):
//    each installed alone into an empty temporary directory, node_modules measured with `du -sb`
//    (apparent bytes, dependencies included). Needs the npm registry for the peers.
//    Standalone: node bench/size.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { packageDir } from "./lib/ours.mjs";

export const PEERS = { svix: "2.5.0", standardwebhooks: "1.1.1" };

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function files(dir, pred, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), pred, `${prefix}${e.name}/`) : pred(e.name) ? [`${prefix}${e.name}`] : []);
}

/** `npm install SPEC` alone into a temporary directory: bytes of node_modules and package count. */
function installSize(spec) {
  const dir = mkdtempSync(join(tmpdir(), "lc-size-"));
  try {
    writeFileSync(join(dir, "package.json"), '{"name":"size-probe","private":true}');
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", spec], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const bytes = Number(execFileSync("du", ["-sb", join(dir, "node_modules")], { encoding: "utf8" }).split("\t")[0]);
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
    const packages = Object.keys(lock.packages ?? {}).filter((k) => k.startsWith("node_modules/")).length;
    return { install_bytes: bytes, packages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSize() {
  const dir = packageDir();
  const rows = {};
  const notes = [];
  if (dir) {
    // The library's wasm is the one at the package root (what `import "loyalty-connector"`
    // loads); others (the CLI's own wasm under cli/) are reported apart.
    const wasmAll = files(dir, (n) => n.endsWith(".wasm"));
    const wasm = wasmAll.filter((n) => !n.includes("/"));
    const js = files(dir, (n) => /\.(m?js)$/.test(n)).filter((n) => !n.startsWith("cli/") && !n.startsWith("lootly/"));
    const sum = (list, f) => list.reduce((a, n) => a + f(readFileSync(join(dir, n))), 0);
    const other_wasm = Object.fromEntries(wasmAll.filter((n) => n.includes("/")).map((n) => {
      const b = readFileSync(join(dir, n));
      return [n, { raw: b.length, gzip: gz(b) }];
    }));
    const tarball = execFileSync("npm", ["pack", "--pack-destination", tmpdir(), "--loglevel=error"], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
    const tgz = join(tmpdir(), tarball);
    try {
      rows["loyalty-connector"] = {
        wasm_files: wasm, wasm_raw: sum(wasm, (b) => b.length), wasm_gzip: sum(wasm, gz),
        other_wasm,
        js_raw: sum(js, (b) => b.length), js_gzip: sum(js, gz),
        tarball_bytes: statSync(tgz).size,
        ...installSize(tgz),
      };
    } finally {
      rmSync(tgz, { force: true });
    }
  } else {
    notes.push("no npm package found: no size for ours");
  }
  for (const [name, version] of Object.entries(PEERS)) {
    try {
      rows[name] = installSize(`${name}@${version}`);
    } catch (e) {
      notes.push(`${name}: npm install failed (${e.message.split("\n")[0]})`);
    }
  }
  const ours = rows["loyalty-connector"];
  if (ours) for (const name of Object.keys(PEERS)) if (rows[name]) rows[name].ratio = rows[name].install_bytes / ours.install_bytes;
  return { rows, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSize(), null, 1));
