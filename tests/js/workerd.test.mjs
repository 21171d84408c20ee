// The suite under workerd: `wrangler dev` (local, offline) runs tests/js/worker, which imports
// the installed package through its `workerd` entry point; this driver posts the vector files
// and reports each of the Worker's results as a test here.
import { test } from "node:test";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startGroup, waitForHttp } from "./processes.mjs";
import { readVectorFiles } from "./vector-files.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("workerd (wrangler dev)", { timeout: 180_000 }, async (t) => {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const wrangler = startGroup(
    `${root}node_modules/.bin/wrangler`,
    ["dev", "--config", "tests/js/worker/wrangler.toml", "--ip", "127.0.0.1", "--port", `${port}`,
      "--inspector-port", `${inspectorPort}`, "--show-interactive-dev-session=false", "--log-level", "warn"],
    // wrangler runs on the Node in node_modules/.bin (package.json's `node`): it needs 22.12 or later.
    { cwd: root, env: { ...process.env, PATH: `${root}node_modules/.bin${delimiter}${process.env.PATH}`, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(url, 120_000, wrangler);
    const response = await fetch(url, { method: "POST", body: JSON.stringify(readVectorFiles()) });
    if (!response.ok) throw new Error(`the Worker answered ${response.status}: ${await response.text()}\n${wrangler.log()}`);
    const results = await response.json();
    if (results.length < 15) throw new Error(`only ${results.length} results came back`);
    for (const { name, ok, error } of results) {
      await t.test(name, () => {
        if (!ok) throw new Error(error);
      });
    }
  } finally {
    await wrangler.stop();
  }
});
