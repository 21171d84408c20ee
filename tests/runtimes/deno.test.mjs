// Deno 1.46 (what Supabase Edge Functions document; a local node_modules needs --unstable-byonm)
// and current Deno, with no permission at all: the package must load without reading a file.
import { test } from "node:test";
import { TOOLS, installPackage, report, runSuites } from "./harness.mjs";

const dir = installPackage("deno");

test("Deno 1.46", async (t) => {
  await report(t, await runSuites(TOOLS.deno1, ["run", "--no-prompt", "--unstable-byonm", "main.mjs"], { cwd: dir }));
});

test("Deno (current)", async (t) => {
  await report(t, await runSuites(TOOLS.deno, ["run", "--no-prompt", "main.mjs"], { cwd: dir }));
});
