// The drivers' side of tests/runtimes: the tools (installed once by `scripts/need runtime-tools`
// from this folder's lock file), the packed package installed by name into a runtime's project,
// running a project and reporting its suite results as tests.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readVectorFiles } from "../js/vector-files.mjs";

export const HERE = fileURLToPath(new URL(".", import.meta.url));
export const ROOT = join(HERE, "../../");
const BIN = join(HERE, "node_modules/.bin");
/** The tools, each a path to an executable. */
export const TOOLS = {
  node22: join(HERE, "node_modules/node22/bin/node"),
  node24: join(HERE, "node_modules/node24/bin/node"),
  deno1: join(HERE, "node_modules/deno1/deno"),
  deno: join(HERE, "node_modules/deno/deno"),
  bun: join(BIN, "bun"),
  next: join(BIN, "next"),
  vite: join(BIN, "vite"),
  esbuild: join(BIN, "esbuild"),
};
for (const [name, path] of Object.entries(TOOLS)) {
  if (!existsSync(path)) throw new Error(`${name} (${path}) is missing: run \`scripts/need runtime-tools\` (make test-runtimes does)`);
}

export const VECTOR_FILES = readVectorFiles();

/** build/<name>-<version>.tgz, which `make pack` wrote: the library, or the command line's package. */
export function tarball(name = "loyalty-connector") {
  const file = readdirSync(join(ROOT, "build")).find((f) => f.startsWith(`${name}-`) && /^-\d.*\.tgz$/.test(f.slice(name.length)));
  if (!file) throw new Error(`build/${name}-*.tgz is missing: run \`make pack\``);
  return join(ROOT, "build", file);
}

/** Installs the packed package by name into tests/runtimes/<project>/node_modules; its folder. */
export function installPackage(project, tarballs = [tarball()]) {
  const dir = join(HERE, project);
  rmSync(join(dir, "node_modules"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}

/** Runs a command with `input` on stdin; resolves to { code, stdout, stderr }. */
export function run(command, args, { cwd, input = "", env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs a project's script, which reads the vector files on stdin and prints the results. */
export async function runSuites(command, args, options) {
  const { code, stdout, stderr } = await run(command, args, { ...options, input: JSON.stringify(VECTOR_FILES) });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}\n${stdout}`);
  try {
    return JSON.parse(stdout.slice(stdout.indexOf("[")));
  } catch {
    throw new Error(`no results from ${command} ${args.join(" ")}:\n${stdout}\n${stderr}`);
  }
}

/** One subtest per suite result; fails when fewer came back than a full run gives. */
export async function report(t, results, least = 60) {
  if (!Array.isArray(results) || results.length < least) throw new Error(`only ${results?.length} results came back: ${JSON.stringify(results).slice(0, 2000)}`);
  for (const { name, ok, error } of results) {
    await t.test(name, () => {
      if (!ok) throw new Error(error);
    });
  }
}
