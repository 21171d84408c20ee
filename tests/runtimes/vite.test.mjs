// Vite pages in headless Chromium: `vite build` of tests/runtimes/vite, served by `vite preview`.
// suite-*.html run tests/js's suite (with the DOM) through the root entry, loyalty-connector/lootly
// and loyalty-connector/slim, and tests/js/widget-suite.mjs through loyalty-connector/widget;
// weight-*.html only mount the Lootly widget, and what they download (JS and wasm, each gzipped at
// level 9) is their page weight, printed here and kept under a budget.
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { freePort, startGroup, waitForHttp } from "../js/processes.mjs";
import { TOOLS, VECTOR_FILES, installPackage, report, run } from "./harness.mjs";

const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
  "--disable-background-networking", "--disable-component-update"];
/**
 * Gzipped bytes a page may download (JS + wasm): today's weight and some room. The root and
 * lootly entries load the one wasm of the install (loyalty-connector/lootly is the same instance
 * without woowup); loyalty-connector/widget has its own, and the issue's budget of 10 KB.
 */
const BUDGETS = { "weight-root": 375_000, "weight-lootly": 375_000, "weight-widget": 10_000 };
/** The suite pages, each with the fewest results a full run gives. */
const SUITES = { "suite-root": 15, "suite-lootly": 15, "suite-slim": 15, "suite-widget": 3 };

const dir = installPackage("vite");

test("Vite pages in Chromium", { timeout: 300_000 }, async (t) => {
  const build = await run(TOOLS.vite, ["build"], { cwd: dir });
  if (build.code !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS });
  const port = await freePort();
  const server = startGroup(TOOLS.vite, ["preview", "--host", "127.0.0.1", "--port", `${port}`, "--strictPort"], { cwd: dir });
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/suite-root.html`, 60_000, server);
    for (const [page, least] of Object.entries(SUITES)) {
      await t.test(page, async (t) => {
        const tab = await browser.newPage();
        const errors = [];
        tab.on("pageerror", (e) => errors.push(e.message));
        await tab.goto(`${origin}/${page}.html`);
        await tab.waitForFunction(() => typeof window.runSuite === "function", null, { timeout: 30_000 }).catch(() => {
          throw new Error(`${page} did not load: ${errors.join("\n")}`);
        });
        await report(t, await tab.evaluate((files) => window.runSuite(files), VECTOR_FILES), least);
        await tab.close();
      });
    }
    for (const page of Object.keys(BUDGETS)) {
      await t.test(`${page}: page weight`, async (t) => {
        const tab = await browser.newPage();
        const weights = [];
        tab.on("response", async (response) => {
          if (/\.(js|wasm)$/.test(new URL(response.url()).pathname)) weights.push(response.body().then((body) => [new URL(response.url()).pathname, gzipSync(body, { level: 9 }).length]));
        });
        await tab.goto(`${origin}/${page}.html`);
        await tab.waitForSelector("#lootly-widget", { state: "attached", timeout: 30_000 });
        const files = await Promise.all(weights);
        const total = files.reduce((sum, [, size]) => sum + size, 0);
        t.diagnostic(`${page}: ${total} bytes gzipped (${files.map(([path, size]) => `${path.split("/").pop()} ${size}`).join(", ")})`);
        if (total > BUDGETS[page]) throw new Error(`${page} downloads ${total} gzipped bytes, over its budget of ${BUDGETS[page]}`);
        await tab.close();
      });
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
