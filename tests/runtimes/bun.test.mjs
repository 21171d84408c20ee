// Bun: `bun run`, and `bun build --compile` into one executable that is then run from a folder
// without the package (the wasm must be inside the executable).
import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOLS, installPackage, report, run, runSuites } from "./harness.mjs";

const dir = installPackage("bun");

test("bun run", async (t) => {
  await report(t, await runSuites(TOOLS.bun, ["run", "main.mjs"], { cwd: dir }));
});

test("bun build --compile", async (t) => {
  const away = mkdtempSync(join(tmpdir(), "loyalty-bun-"));
  try {
    const build = await run(TOOLS.bun, ["build", "--compile", "main.mjs", "--outfile", join(away, "app")], { cwd: dir });
    if (build.code !== 0) throw new Error(`bun build --compile failed:\n${build.stderr}${build.stdout}`);
    await report(t, await runSuites(join(away, "app"), [], { cwd: away }));
  } finally {
    rmSync(away, { recursive: true, force: true });
  }
});
