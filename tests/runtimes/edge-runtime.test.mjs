// Vercel's edge runtime (the edge-runtime package): one script, no top-level await, no wasm
// compiled from bytes. The project is bundled as Vercel bundles an edge function (esbuild, the
// `edge-light` condition, `*.wasm?module` imports bound to modules compiled outside the sandbox,
// so from another realm) and run by EdgeRuntime.
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as esbuild from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { VECTOR_FILES, installPackage, report } from "./harness.mjs";

const dir = installPackage("edge-runtime");

/** `import wasm from "./x.wasm?module"` → a global the runtime binds to the compiled module. */
function wasmModules(bindings) {
  return {
    name: "wasm-module",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.slice(0, -"?module".length)), namespace: "wasm-module" }));
      build.onLoad({ filter: /.*/, namespace: "wasm-module" }, (args) => {
        const name = `wasm_${Object.keys(bindings).length}`;
        bindings[name] = args.path;
        return { contents: `export default globalThis.${name};`, loader: "js" };
      });
    },
  };
}

test("edge-runtime (edge-light entry, wasm as a module from another realm)", async (t) => {
  const bindings = {};
  const built = await esbuild.build({
    entryPoints: [join(dir, "main.mjs")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser"],
    mainFields: ["module", "main"],
    metafile: true,
    logLevel: "silent",
    plugins: [wasmModules(bindings)],
  });
  const inputs = Object.keys(built.metafile.inputs).map((p) => relative(dir, p));
  await t.test("the bundle took the edge-light entry points", () => {
    for (const entry of ["node_modules/loyalty-connector/edge-light.js", "node_modules/loyalty-connector/lootly/edge-light.js"]) {
      if (!inputs.includes(entry)) throw new Error(`${entry} not in the bundle: ${inputs.filter((p) => p.includes("loyalty")).join(", ")}`);
    }
  });
  const modules = Object.fromEntries(Object.entries(bindings).map(([name, path]) => [name, new WebAssembly.Module(readFileSync(path))]));
  const runtime = new EdgeRuntime({ initialCode: built.outputFiles[0].text, extend: (context) => Object.assign(context, modules) });
  const response = await runtime.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify(VECTOR_FILES) });
  await response.waitUntil();
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  await report(t, await response.json());
});
