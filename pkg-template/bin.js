#!/usr/bin/env node
// `npx loyalty-connector …`: the command line is its own package, loyalty-connector-cli (batch
// runs, Lootly signing, WoowUp's log), so that the library installs without it. This runs the
// one installed next to the library (`npm install loyalty-connector-cli`), otherwise the same
// version through `npm exec`, which downloads it once into npm's cache.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const CLI = "loyalty-connector-cli";
let main;
try {
  main = import.meta.resolve(`${CLI}/cli/main.js`);
} catch {}

if (main) {
  await import(main);
} else {
  const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["exec", "--yes", `--package=${CLI}@${version}`, "--", CLI, ...process.argv.slice(2)], { stdio: "inherit" });
  if (run.error) {
    process.stderr.write(`loyalty-connector: could not run ${CLI}@${version} through npm (${run.error.message}); install it: npm install ${CLI}@${version}\n`);
    process.exit(2);
  }
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 2);
}
