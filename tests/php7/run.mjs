// Runs a PHP script on real PHP 7.4 (php-wasm, compiled to WebAssembly), as php-cli would:
//   node tests/php7/run.mjs SCRIPT [ARG...]
// The script's folder and every argument that names an existing file are copied into PHP's
// virtual file system at the same absolute paths; what the script prints goes to stdout, and a
// fatal error exits with status 1. The second oracle beside php-cli 8.2 (a Lootly server may still
// run PHP 7, as its 2019 code does): tests/differential.rs runs its scripts here too.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadNodeRuntime } from "@php-wasm/node";
import { PHP } from "@php-wasm/universal";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node tests/php7/run.mjs SCRIPT [ARG...]");
  process.exit(2);
}

const php = new PHP(await loadNodeRuntime("7.4", { emscriptenOptions: { processId: 1 } }));

function copyFile(path) {
  php.mkdir(dirname(path));
  php.writeFile(path, readFileSync(path));
}

const scriptPath = resolve(script);
const folder = dirname(scriptPath);
for (const name of readdirSync(folder)) {
  const path = join(folder, name);
  if (statSync(path).isFile()) copyFile(path);
}
const argv = [scriptPath];
for (const arg of args) {
  const path = resolve(arg);
  if (existsSync(path) && statSync(path).isFile()) {
    copyFile(path);
    argv.push(path);
  } else {
    argv.push(arg);
  }
}

const code = `<?php $argv = ${JSON.stringify(argv).replace(/\$/g, "\\$")}; $argc = count($argv); $_SERVER['argv'] = $argv; require ${JSON.stringify(scriptPath)};`;
let status = 0;
try {
  const response = await php.run({ code });
  process.stdout.write(Buffer.from(response.bytes));
  if (response.errors) process.stderr.write(response.errors);
  status = response.exitCode ?? 0;
} catch (error) {
  console.error(String(error?.message ?? error));
  status = 1;
}
// php-wasm keeps handles open: leave explicitly, once stdout is flushed.
process.stdout.write("", () => process.exit(status));
