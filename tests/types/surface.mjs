// The package's types and its JavaScript cannot drift. For every entry of the installed package's
// `exports` that has types, this imports the entry in Node, reads what it exports (namespaces,
// recursively, and the methods of the clients the factories below return), and writes a
// TypeScript file that the compiler only accepts when the entry's .d.ts declares exactly that:
//   - each exported name must be declared, as a function, a class or a namespace alike
//     (`Property 'x' does not exist on type 'typeof lootly'` names one that is not);
//   - nothing more may be declared (`Type '"x"' is not assignable to type 'never'` names one
//     declared but not exported).
// Run by `make test-js-types` after `make pack`: `node tests/types/surface.mjs` writes
// build/surface/ and `tsc -p build/surface` checks it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(join(process.cwd(), "package.json"));
const root = dirname(require.resolve("loyalty-connector/package.json"));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The functions that return a client, and an argument each can be called with. */
const FACTORIES = new Map([
  ["woowup.v2", [{ appId: 13, apiKey: "surface-test-key" }]],
  ["woowup.v3", [{ apiKey: "surface-test-key" }]],
]);

// Entries for pages fetch their wasm next to them (loyalty-connector/widget): Node's fetch does
// not read file: URLs, so those are answered from the disk here.
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== "file:") return networkFetch(input, init);
  return new Response(readFileSync(url), { headers: { "Content-Type": "application/wasm" } });
};

/** What a client exposes: its own values and its prototypes' methods. */
function clientSurface(object) {
  const names = new Map();
  for (let o = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor" || names.has(name)) continue;
      const { value } = Object.getOwnPropertyDescriptor(o, name);
      if (o === object || typeof value === "function") names.set(name, typeof value === "function" ? "function" : "value");
    }
  }
  return names;
}

const isClass = (f) => /^class[\s{]/.test(Function.prototype.toString.call(f));
const literal = (names) => (names.length ? names.map((n) => JSON.stringify(n)).join(" | ") : "never");

/** TypeScript lines checking `value` (at `path`, e.g. `e0.woowup`) against its declared type. */
function check(value, path, dotted, lines) {
  const names = Object.keys(value);
  lines.push(`export const ${ident(path)}$declared_not_exported: never = null as unknown as Exclude<keyof typeof ${path}, ${literal(names)}>;`);
  for (const name of names) {
    const member = value[name];
    const at = `${path}.${name}`;
    const id = ident(at);
    if (typeof member === "function") {
      lines.push(`export const ${id}: ${isClass(member) ? "abstract new (...args: never[]) => unknown" : "(...args: never[]) => unknown"} = ${at};`);
      const args = FACTORIES.get(`${dotted}${name}`);
      if (args) {
        const made = clientSurface(member(...args));
        const type = `ReturnType<typeof ${at}>`;
        lines.push(`export const ${id}$made_declared_not_exported: never = null as unknown as Exclude<keyof ${type}, ${literal([...made.keys()])}>;`);
        for (const [method, kind] of made) {
          lines.push(`export const ${id}$made$${method}: ${kind === "function" ? "(...args: never[]) => unknown" : "unknown"} = (null as unknown as ${type}).${method};`);
        }
      }
    } else if (member !== null && typeof member === "object" && !Array.isArray(member)) {
      check(member, at, `${dotted}${name}.`, lines);
    } else {
      lines.push(`export const ${id}: unknown = ${at};`);
    }
  }
}

const ident = (path) => path.replace(/\./g, "$");

const out = join(process.cwd(), "build", "surface");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = [];
let n = 0;
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target !== "object" || !target.types) continue;
  const specifier = subpath === "." ? "loyalty-connector" : `loyalty-connector/${subpath.slice(2)}`;
  const modulePath = require.resolve(specifier);
  const module = await import(pathToFileURL(modulePath).href);
  // Manual-init entries: their namespaces are bound once the wasm is instantiated.
  if (typeof module.initSync === "function") {
    const wasm = ["loyalty_connector_bg.wasm", "../loyalty_connector_bg.wasm"].map((f) => join(dirname(modulePath), f)).find(existsSync);
    if (wasm) module.initSync(readFileSync(wasm));
  }
  const alias = `e${n++}`;
  const lines = [`// ${specifier}: what Node imports, checked against its types (written by tests/types/surface.mjs).`, `import * as ${alias} from ${JSON.stringify(specifier)};`];
  check({ ...module }, alias, "", lines);
  const file = `${alias}.ts`;
  writeFileSync(join(out, file), lines.join("\n") + "\n");
  files.push(file);
}
const base = join(process.cwd(), "tests", "types", "tsconfig.json");
writeFileSync(join(out, "tsconfig.json"), JSON.stringify({ extends: base, compilerOptions: { noUnusedLocals: false }, files }, null, 2) + "\n");
console.log(`surface: build/surface/ checks ${files.length} entries (${files.join(", ")}); run tsc -p build/surface`);
