// Finds and loads the loyalty-connector npm package the way a Node user gets it: the package's
// "node" export. Which package: $LC_PKG (a directory), else the repository's pkg/ (`make
// package`). Returns null when there is none yet, so that every benchmark can still run its
// peers and say that ours is missing.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The package directory, or null. */
export function packageDir() {
  const dir = process.env.LC_PKG ? resolve(process.env.LC_PKG) : join(repoRoot, "pkg");
  return existsSync(join(dir, "package.json")) ? dir : null;
}

/** The file Node loads for `import "loyalty-connector"` (the "node" condition of `exports`). */
export function nodeEntry(dir = packageDir()) {
  if (!dir) return null;
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const dot = pkg.exports?.["."] ?? pkg.exports;
  const entry = (typeof dot === "string" ? dot : dot?.node ?? dot?.import ?? dot?.default) ?? pkg.main ?? "index.js";
  return join(dir, typeof entry === "string" ? entry : entry.default);
}

/** `{ lootly, php, dir }` of the package, or null when there is no package. */
export async function loadOurs() {
  const entry = nodeEntry();
  if (!entry) return null;
  const mod = await import(pathToFileURL(entry).href);
  return { ...mod, dir: packageDir(), entry };
}
