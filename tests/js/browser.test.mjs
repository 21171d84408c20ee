// The suite in headless Chromium: a page on 127.0.0.1 imports the installed package through its
// `browser` entry point (an import map to the file package.json's `exports` names), runs the
// suite (and widget-suite.mjs through `loyalty-connector/widget`, against the root entry), and is
// then checked from outside: the widget mounted with an attack in every attribute (last through
// the widget entry) left no script, image or alert in the live DOM, and Lootly's script was added
// and ran once.
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { ATTACK } from "./suite.mjs";
import { GENERATED_PROPS } from "./widget-suite.mjs";
import { readVectorFiles } from "./vector-files.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = `${root}node_modules/loyalty-connector/`;
const exportsMap = JSON.parse(readFileSync(`${pkg}package.json`, "utf8")).exports;
const browserEntry = exportsMap["."].browser;
const lootlyEntry = exportsMap["./lootly"].browser;
const widgetEntry = exportsMap["./widget"].default;
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
  "--disable-background-networking", "--disable-component-update"];

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>loyalty-connector suite</title>
<script type="importmap">{ "imports": {
  "loyalty-connector": "/node_modules/loyalty-connector/${browserEntry.slice(2)}",
  "loyalty-connector/lootly": "/node_modules/loyalty-connector/${lootlyEntry.slice(2)}",
  "loyalty-connector/widget": "/node_modules/loyalty-connector/${widgetEntry.slice(2)}" } }</script>
<script type="module">
  import * as lib from "loyalty-connector";
  import * as lootlyOnly from "loyalty-connector/lootly";
  import * as widget from "loyalty-connector/widget";
  import { widgetSuite } from "/tests/js/widget-suite.mjs";
  import { collect } from "/tests/js/collect.mjs";
  import { suite } from "/tests/js/suite.mjs";
  const runtime = { name: "browser", dom: true, provider: location.origin,
    entry: import.meta.resolve("loyalty-connector"), expectedEntry: "${browserEntry.slice(2)}" };
  const lootlyRuntime = { ...runtime, subpath: "lootly",
    entry: import.meta.resolve("loyalty-connector/lootly"), expectedEntry: "${lootlyEntry.slice(2)}" };
  window.runSuite = (vectorFiles) => collect((test) => {
    suite({ test, lib, vectorFiles, runtime });
    suite({ test: (name, fn) => test(\`[loyalty-connector/lootly] \${name}\`, fn), lib: lootlyOnly, vectorFiles, runtime: lootlyRuntime });
    widgetSuite({ test: (name, fn) => test(\`[loyalty-connector/widget] \${name}\`, fn), widget, core: lib, provider: location.origin });
  });
</script></head><body></body></html>`;

/** Lootly's widget script, stood in for by one that counts its runs. */
const FAKE_LOOTLY_SCRIPT = "window.__lootlyScriptRuns = (window.__lootlyScriptRuns || 0) + 1;";
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

function serve(request, response) {
  const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
  const send = (status, type, body) => response.writeHead(status, { "Content-Type": type }).end(body);
  if (path === "/") return send(200, "text/html", page);
  if (path === "/js/integrations/common/script.js") return send(200, "text/javascript", FAKE_LOOTLY_SCRIPT);
  if (!path.startsWith("/node_modules/loyalty-connector/") && !path.startsWith("/tests/js/")) return send(404, "text/plain", "");
  try {
    send(200, TYPES[extname(path)] ?? "application/octet-stream", readFileSync(`${root}${path.slice(1)}`));
  } catch {
    send(404, "text/plain", "");
  }
}

test("headless Chromium", { timeout: 120_000 }, async (t) => {
  const server = createServer(serve);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS });
  try {
    const tab = await browser.newPage();
    const pageErrors = [];
    const dialogs = [];
    tab.on("pageerror", (e) => pageErrors.push(e.message));
    tab.on("dialog", (d) => dialogs.push(d.message()) && d.dismiss());
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => typeof window.runSuite === "function", null, { timeout: 30_000 });
    const results = await tab.evaluate((files) => window.runSuite(files), readVectorFiles());
    if (results.length < 15) throw new Error(`only ${results.length} results came back`);
    for (const { name, ok, error } of results) {
      await t.test(name, () => {
        if (!ok) throw new Error(error);
      });
    }

    await t.test("widget entry: the differential run covered its props", () => {
      const differential = results.find(({ name }) => name.includes(`for ${GENERATED_PROPS} generated props`));
      if (!differential?.ok) throw new Error(`the widget entry's differential run is missing or failed: ${differential?.error}`);
    });

    await t.test("live DOM: the attack (mounted last through the widget entry) stayed attribute text; Lootly's script was added and ran once", async () => {
      const widget = tab.locator("#lootly-widget");
      const expect = (actual, expected, what) => {
        if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      };
      expect(await widget.count(), 1, "widgets");
      expect(await widget.evaluate((div) => div.parentElement.id), "widget-entry-host", "the widget entry's host");
      for (const name of ["data-api-key", "data-shop-domain", "data-customer-id"]) {
        expect(await widget.getAttribute(name), ATTACK, name);
      }
      expect(await widget.evaluate((div) => div.childNodes.length), 0, "nodes inside the widget");
      const scripts = await tab.evaluate(() => [...document.scripts].map((s) => s.getAttribute("src") ?? s.type));
      expect(JSON.stringify(scripts), JSON.stringify(["importmap", "module", `${origin}/js/integrations/common/script.js`]), "scripts");
      expect(await tab.locator("img").count(), 0, "images");
      await tab.waitForFunction(() => window.__lootlyScriptRuns === 1, null, { timeout: 10_000 });
      await tab.waitForTimeout(200);
      expect(await tab.evaluate(() => [window.__xss, window.__lootlyScriptRuns]).then(JSON.stringify), "[null,1]", "[__xss, script runs]");
      expect(dialogs.length, 0, "alerts");
      expect(pageErrors.join("\n"), "", "page errors");
    });
  } finally {
    await browser.close();
    server.close();
  }
});
