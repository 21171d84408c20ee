// Next.js 16: middleware and an edge route handler (both on the edge runtime, `edge-light`
// condition, wasm imported as `?module`), built once with Turbopack (the default) and once with
// webpack, each build served by `next start` and both routes tested against it.
import { test } from "node:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, startGroup, waitForHttp } from "../js/processes.mjs";
import { TOOLS, VECTOR_FILES, installPackage, report, run } from "./harness.mjs";

const dir = installPackage("next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

for (const bundler of ["turbopack", "webpack"]) {
  test(`Next.js (${bundler})`, { timeout: 600_000 }, async (t) => {
    rmSync(join(dir, ".next"), { recursive: true, force: true });
    const build = await run(TOOLS.next, ["build", bundler === "webpack" ? "--webpack" : "--turbopack"], { cwd: dir, env });
    if (build.code !== 0) throw new Error(`next build (${bundler}) failed:\n${build.stdout}\n${build.stderr}`);
    await t.test("both are edge functions, each given the one wasm as a ?module binding", () => {
      const manifest = JSON.parse(readFileSync(join(dir, ".next/server/middleware-manifest.json"), "utf8"));
      for (const [kind, name] of [["middleware", "/"], ["functions", "/edge-route/route"]]) {
        const bindings = new Set((manifest[kind]?.[name]?.wasm ?? []).map((binding) => binding.name));
        if (bindings.size !== 1) throw new Error(`${kind} ${name}: ${bindings.size} wasm bindings in ${JSON.stringify(manifest[kind])}`);
      }
    });
    const port = await freePort();
    const server = startGroup(TOOLS.next, ["start", "-H", "127.0.0.1", "-p", `${port}`], { cwd: dir, env });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/edge-route`, 60_000, server);
      for (const path of ["middleware", "edge-route"]) {
        await t.test(path, async (t) => {
          const response = await fetch(`http://127.0.0.1:${port}/${path}`, { method: "POST", body: JSON.stringify(VECTOR_FILES) });
          if (!response.ok) throw new Error(`${response.status}: ${await response.text()}\n${server.log()}`);
          await report(t, await response.json());
        });
      }
    } finally {
      await server.stop();
    }
  });
}
