// Node by import and by require(), at the oldest version package.json's `engines` names (22.12)
// and at the current LTS, with the packed package installed by name in tests/runtimes/node; and
// loyalty-connector/slim initialised by hand from each kind of input.
import { test } from "node:test";
import { TOOLS, installPackage, report, runSuites } from "./harness.mjs";

const dir = installPackage("node");

for (const node of ["node22", "node24"]) {
  test(`${node}: import`, async (t) => {
    await report(t, await runSuites(TOOLS[node], ["esm.mjs"], { cwd: dir }));
  });
  test(`${node}: require()`, async (t) => {
    await report(t, await runSuites(TOOLS[node], ["cjs.cjs"], { cwd: dir }));
  });
}

for (const input of ["init(bytes)", "init(module)", "init(Response)", "initSync(bytes)", "initSync(module from another realm)"]) {
  test(`loyalty-connector/slim: ${input}`, async (t) => {
    await report(t, await runSuites(TOOLS.node24, ["slim.mjs", input], { cwd: dir }));
  });
}
