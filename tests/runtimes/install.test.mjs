// The library's install: its size (less than svix's 1.6 MB, the lightest peer we compare with),
// no command line in it, and the `loyalty-connector` command it still brings: it runs
// loyalty-connector-cli when that is installed, and otherwise fetches the same version with
// `npm exec` (here from a registry served by this test, with its own empty npm cache).
import { test } from "node:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installPackage, run, tarball } from "./harness.mjs";

const LIMIT = 1_600_000;

function filesSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? filesSize(path) : statSync(path).size;
  }
  return total;
}

const library = installPackage("install");
const { version } = JSON.parse(readFileSync(join(library, "node_modules/loyalty-connector/package.json"), "utf8"));

test(`the library installs in less than ${LIMIT} bytes, without the command line, with no dependency`, (t) => {
  const size = filesSize(join(library, "node_modules/loyalty-connector"));
  t.diagnostic(`installed size of loyalty-connector: ${size} bytes`);
  if (size >= LIMIT) throw new Error(`loyalty-connector installs in ${size} bytes, not less than ${LIMIT}`);
  if (existsSync(join(library, "node_modules/loyalty-connector/cli"))) throw new Error("the library still carries cli/");
  const installed = readdirSync(join(library, "node_modules")).filter((name) => !name.startsWith("."));
  if (installed.join() !== "loyalty-connector") throw new Error(`installed: ${installed.join(", ")}`);
});

/** A registry with one package, loyalty-connector-cli at this version, from build/. */
async function registry() {
  const file = readFileSync(tarball("loyalty-connector-cli"));
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "../../pkg-cli/package.json"), "utf8"));
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host}`;
    if (request.url === "/loyalty-connector-cli") {
      const dist = { tarball: `${origin}/cli.tgz`, integrity: `sha512-${createHash("sha512").update(file).digest("base64")}` };
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(JSON.stringify({ name: manifest.name, "dist-tags": { latest: version }, versions: { [version]: { ...manifest, version, dist } } }));
    }
    if (request.url === "/cli.tgz") return response.writeHead(200, { "content-type": "application/octet-stream" }).end(file);
    response.writeHead(404).end("{}");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

test("npx loyalty-connector without the command line installed: npm exec fetches loyalty-connector-cli at the same version", async () => {
  const { server, url } = await registry();
  const cache = mkdtempSync(join(tmpdir(), "loyalty-npm-cache-"));
  try {
    const env = { npm_config_registry: url, npm_config_cache: cache, npm_config_update_notifier: "false" };
    const { code, stdout, stderr } = await run(join(library, "node_modules/.bin/loyalty-connector"), ["--version"], { cwd: library, env });
    if (code !== 0 || stdout.trim() !== version) throw new Error(`exit ${code}, stdout ${JSON.stringify(stdout)}:\n${stderr}`);
    const help = await run(join(library, "node_modules/.bin/loyalty-connector"), ["help", "batch"], { cwd: library, env });
    if (help.code !== 0 || !help.stdout.includes("batch")) throw new Error(`help batch: exit ${help.code}\n${help.stdout}${help.stderr}`);
  } finally {
    server.close();
    rmSync(cache, { recursive: true, force: true });
  }
});

test("npx loyalty-connector with loyalty-connector-cli installed runs it in place (no registry reachable)", async () => {
  const dir = installPackage("install-with-cli", [tarball(), tarball("loyalty-connector-cli")]);
  const env = { npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true" };
  const { code, stdout, stderr } = await run(join(dir, "node_modules/.bin/loyalty-connector"), ["--version"], { cwd: dir, env });
  if (code !== 0 || stdout.trim() !== version) throw new Error(`exit ${code}, stdout ${JSON.stringify(stdout)}:\n${stderr}`);
});
