// The woowup namespace in Node only, where a test can start servers and run php-cli:
// - woowup.rewardOrder / cancelOrder with the real fetch against the local emulator
//   (examples/emulator, started here as its own process), whose ledger must hold exactly what
//   was sent: found customer, unknown customer skipped or initialised, zero sale points, a server
//   error, a malformed answer, no server at all, a repeated order, a cancellation;
// - the connectors requests accepted by the emulator's checks of WoowUp's schema;
// - tests/js/woowup-php.mjs still equal to what php-cli prints today;
// - console.log of a client shows no key.
// The same flows run in every runtime against a scripted fetch (tests/js/woowup.mjs).
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { woowup, LoyaltyError } from "loyalty-connector";
import { deepEqual, equal, ok } from "./assert.mjs";
import { freePort, startGroup } from "./processes.mjs";
import { PHP } from "./woowup-php.mjs";
import { order } from "./woowup.mjs";
import { V3_SPECS } from "./woowup-v3-cases.mjs";
import { PHP_V3 } from "./woowup-v3-php.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Starts the emulator (`--port 0`) and resolves with its URL once it printed its ready line. */
async function startEmulator() {
  const emulator = startGroup(process.execPath, ["examples/emulator/server.mjs", "--port", "0"], { cwd: root });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(emulator.log());
    if (ready) return { emulator, url: ready[1] };
    if (emulator.child.exitCode !== null || Date.now() > deadline) {
      await emulator.stop();
      throw new Error(`the emulator did not start:\n${emulator.log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("woowup-php.mjs is what php-cli prints for tests/php/woowup_forms.php", () => {
  try {
    execFileSync("php", ["--version"], { stdio: "ignore" });
  } catch {
    execFileSync(`${root}scripts/need`, ["php"], { stdio: "inherit" }); // fails (never skips) without PHP
  }
  const printed = JSON.parse(execFileSync("php", [`${root}tests/php/woowup_forms.php`], { encoding: "utf8" }));
  deepEqual(PHP, printed, "regenerate tests/js/woowup-php.mjs (see its header)");
});

test("console.log of a client shows the app id and base URL, never the key", () => {
  const client = woowup.v2({ appId: "14", apiKey: "demo-woowup-key" });
  equal(inspect(client), "WoowupClient { appId: '14', baseUrl: 'https://admin.woowup.com/apiv2' }");
  ok(!inspect(client, { showHidden: true, depth: 10 }).includes("demo-woowup-key"));
});

test("woowup flows against the local emulator: its ledger holds exactly what was sent", { timeout: 60_000 }, async (t) => {
  const { emulator, url } = await startEmulator();
  const control = async (path, body) => {
    const response = await fetch(`${url}/_emulator/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
    equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };
  const client = woowup.v2({ appId: "14", apiKey: "demo-woowup-key", baseUrl: `${url}/apiv2` });
  /** globalThis.fetch, keeping what each call sent. */
  const sent = [];
  const recording = (url, init) => {
    sent.push({ url, method: init.method, body: init.body });
    return fetch(url, init);
  };
  const invoice = (state, nrofactura) => state.woowup.invoices.find((i) => i.nrofactura === nrofactura);
  /** The emulator's records of the requests sent since `from`, as method, URL and body. */
  const ledger = (state, from) =>
    state.woowup.requests.slice(from).map((r) => ({ url: `${url}${r.path}${r.query ? `?${r.query}` : ""}`, method: r.method, body: r.body || null }));

  try {
    await t.test("a found customer is rewarded, the detail and points recorded once", async () => {
      sent.length = 0;
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: recording });
      equal(outcome.outcome, "rewarded", JSON.stringify(outcome));
      deepEqual({ ...outcome, transaction_id: typeof outcome.transaction_id },
        { outcome: "rewarded", uid: "ana@example.com", points: "95", sale_points: "5", transaction_id: "string", customer_initialized: false, already_recorded: false });
      const state = await control("state");
      deepEqual(ledger(state, 0), sent, "the emulator received exactly these requests, byte for byte");
      deepEqual(state.woowup.requests.map((r) => r.verdict), ["found", "ok", "invoice-recorded"]);
      const a1 = invoice(state, "A-1");
      deepEqual([a1.deliveries, a1.points, a1.uid, a1.branch, a1.datetime, a1.status], [1, 95, "ana@example.com", "Web", "2024-02-29 10:00:00", "active"]);
      deepEqual(a1.items, [{ codigo: "SKU/1", producto: "Café «bio»", cantidad: 2, precio: 9.995, variations: [{ name: "Talle", value: "XS" }] }]);
      equal(String(a1.transaction_id), outcome.transaction_id);
    });

    await t.test("the same order again is refused as a duplicate, and not recorded twice", async () => {
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), options: { salePoints: "5" } });
      deepEqual([outcome.outcome, outcome.step, outcome.error.code, outcome.status], ["failed", "add_sale_points", "remote_error", 200]);
      ok(outcome.error.message.includes("A-1 already exists"), outcome.error.message);
      const a1 = invoice(await control("state"), "A-1");
      deepEqual([a1.deliveries, a1.duplicates], [2, 1]);
    });

    await t.test("an unknown customer is skipped: only the lookup was sent", async () => {
      const before = (await control("state")).woowup.requests.length;
      sent.length = 0;
      const outcome = await woowup.rewardOrder({ client, order: order("new@example.com", "A-2"), fetch: recording });
      deepEqual(outcome, { outcome: "skipped", reason: "unknown_customer", message: "User not found", sale_points: null, customer_initialized: false });
      const state = await control("state");
      deepEqual(ledger(state, before), sent);
      equal(sent.length, 1);
      equal(invoice(state, "A-2"), undefined);
    });

    await t.test("an unknown customer is initialised by name, then rewarded", async () => {
      const before = (await control("state")).woowup.requests.length;
      sent.length = 0;
      const outcome = await woowup.rewardOrder({
        client, order: order("new@example.com", "A-3"), options: { unknownCustomer: "initialize" }, fetch: recording,
      });
      deepEqual([outcome.outcome, outcome.customer_initialized, outcome.points, outcome.uid], ["rewarded", true, "95", "new@example.com"]);
      const state = await control("state");
      deepEqual(ledger(state, before), sent);
      deepEqual(state.woowup.requests.slice(before).map((r) => r.endpoint), ["user_by_email", "initialize_user", "contest_sale_points", "add_sale_points_by_uid"]);
      const user = state.woowup.users.find((u) => u.email === "new@example.com");
      deepEqual([user.first_name, user.last_name, user.registered], ["Zoë", "O'Brien/Núñez", false]);
      equal(invoice(state, "A-3").deliveries, 1);
    });

    await t.test("cancelOrder reverts the invoice; an unknown invoice fails", async () => {
      const outcome = await woowup.cancelOrder({ client, nrofactura: "A-1" });
      deepEqual([outcome.outcome, outcome.nrofactura, typeof outcome.transaction_id], ["cancelled", "A-1", "string"]);
      equal(invoice(await control("state"), "A-1").status, "cancelled");
      const unknown = await woowup.cancelOrder({ client, nrofactura: "Z-9" });
      deepEqual([unknown.outcome, unknown.step, unknown.error.code, unknown.status], ["failed", "cancel_invoice", "remote_error", 200]);
    });

    await t.test("a server error fails the step it hit when no retry is allowed; nothing is recorded", async () => {
      await control("faults", { sequence: [null, 503], programs: ["woowup"] });
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-4"), retry: { maxAttempts: 1 } });
      await control("faults", {});
      deepEqual([outcome.outcome, outcome.step, outcome.error.code, outcome.status], ["failed", "read_sale_points", "remote_error", 503]);
      ok(outcome.error.message.startsWith("woowup answered 503"), outcome.error.message);
      equal(invoice(await control("state"), "A-4"), undefined);
    });

    await t.test("by default a 503 is retried and the order rewarded once", async () => {
      await control("faults", { sequence: [null, 503, null, 503], programs: ["woowup"] });
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-9"), retry: { baseDelayMs: 1 } });
      await control("faults", {});
      deepEqual([outcome.outcome, outcome.already_recorded], ["rewarded", false]);
      equal(invoice(await control("state"), "A-9").deliveries, 1);
      // The sale recorded and its answer lost: sent again, refused as a repeat, rewarded once.
      await control("faults", { sequence: [null, null, 503], when: "after", programs: ["woowup"] });
      const again = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-10"), retry: { baseDelayMs: 1 } });
      await control("faults", {});
      deepEqual([again.outcome, again.already_recorded, again.transaction_id], ["rewarded", true, null]);
      const a10 = invoice(await control("state"), "A-10");
      deepEqual([a10.deliveries, a10.duplicates], [2, 1], "sent twice, recorded once");
    });

    await t.test("a malformed answer fails the step; nothing more is sent", async () => {
      const before = (await control("state")).woowup.requests.length;
      const garbling = async (url, init) => {
        const response = await fetch(url, init);
        return url.endsWith("/contest_sale_points") ? new Response("<html>oops</ht", { status: response.status }) : response;
      };
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-5"), fetch: garbling });
      deepEqual([outcome.outcome, outcome.step, outcome.error.code, outcome.status], ["failed", "read_sale_points", "invalid_response", 200]);
      const state = await control("state");
      deepEqual(state.woowup.requests.slice(before).map((r) => r.endpoint), ["user_by_email", "contest_sale_points"]);
      equal(invoice(state, "A-5"), undefined);
    });

    await t.test("zero sale points (the program's config): skipped, no sale sent", async () => {
      await control("config", { woowup: { apps: [{ app_id: "14", api_key: "demo-woowup-key", contest_sale_points: 0 }] } });
      const before = (await control("state")).woowup.requests.length;
      const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-6") });
      deepEqual(outcome, { outcome: "skipped", reason: "zero_sale_points", message: null, sale_points: "0", customer_initialized: false });
      const state = await control("state");
      deepEqual(state.woowup.requests.slice(before).map((r) => r.endpoint), ["user_by_email", "contest_sale_points"]);
      equal(invoice(state, "A-6"), undefined);
    });

    await t.test("no server at all: a failed outcome with network_error", async () => {
      const nowhere = woowup.v2({ appId: "14", apiKey: "demo-woowup-key", baseUrl: `http://127.0.0.1:${await freePort()}/apiv2` });
      const outcome = await woowup.rewardOrder({ client: nowhere, order: order("ana@example.com", "A-7"), retry: { maxAttempts: 2, baseDelayMs: 1 } });
      deepEqual([outcome.outcome, outcome.step, outcome.error.code, outcome.error.field, outcome.status], ["failed", "find_customer", "network_error", null, null]);
      ok(outcome.error.message.startsWith("woowup: no answer: /apiv2/14/user_by_email: TypeError"), outcome.error.message);
      ok(outcome.error.message.endsWith("(2 attempts)"), outcome.error.message);
    });

    await t.test("a wrong key is refused by the emulator: remote_error on the first step", async () => {
      const wrong = woowup.v2({ appId: "14", apiKey: "not-the-key", baseUrl: `${url}/apiv2` });
      const outcome = await woowup.rewardOrder({ client: wrong, order: order("ana@example.com", "A-8") });
      deepEqual([outcome.step, outcome.error.code, outcome.status], ["find_customer", "remote_error", 401]);
    });

    await t.test("connectors: the log is accepted by the emulator's schema check and listed; stats read", async () => {
      const { connectors } = woowup;
      const config = { apiKey: "demo-woowup-key", connectorsBaseUrl: url, apiBaseUrl: url };
      const stats = new connectors.StatsCollector();
      stats.addFile("purchases", "purchases-2024_02_29.csv");
      stats.record({ entity: "purchases", branch: "Web", revenue: "19.99", items: 1 }, "created");
      stats.record({ entity: "customers", branch: "Web" }, "updated");
      const req = connectors.logRequest(config, stats.payload("2024-02-29T23:00:00+00:00"));
      const response = await fetch(req.url, req);
      const record = connectors.readLogResponse(response.status, await response.text());
      deepEqual([record.files, record.processingtime, record.stats.purchases.revenue], [["purchases-2024_02_29.csv"], "2024-02-29T23:00:00+00:00", 20]);
      const list = connectors.logsRequest(config, { entity: "purchases" });
      const listed = await fetch(list.url, list);
      const logs = connectors.readLogsResponse(listed.status, await listed.text());
      deepEqual(logs.map((l) => l.processingtime), ["2024-02-29T23:00:00+00:00"]);
      const totals = connectors.statsRequest(config);
      const answered = await fetch(totals.url, totals);
      const account = connectors.readStatsResponse(answered.status, await answered.text());
      // A-3, A-9 and A-10 are the active invoices (A-1 was cancelled): 3 × 2 × 9.995 = 59.97, rounded.
      deepEqual([account.total_customers, account.total_purchases, account.total_revenue, account.total_invoice_items], [3, 3, 60, 3]);
      deepEqual(account.per_branches.map((b) => [b.branch, b.total_purchases]), [["Web", 3]]);
      const refused = connectors.logsRequest({ ...config, apiKey: "nope" });
      const denied = await fetch(refused.url, refused);
      let error;
      try {
        connectors.readLogsResponse(denied.status, await denied.text());
      } catch (e) {
        error = e;
      }
      ok(error instanceof LoyaltyError && error.code === "remote_error", String(error));
    });
  } finally {
    await emulator.stop();
  }
});

test("woowup-v3-php.mjs is what php-cli prints for tests/php/woowup_v3.php over the v3 cases", () => {
  const printed = JSON.parse(execFileSync("php", [`${root}tests/php/woowup_v3.php`], { input: JSON.stringify(V3_SPECS), encoding: "utf8" }));
  deepEqual(PHP_V3, printed, "regenerate tests/js/woowup-v3-php.mjs (see its header)");
});

test("woowup v3 flows against the local emulator: each purchase and award recorded once", { timeout: 60_000 }, async (t) => {
  const { emulator, url } = await startEmulator();
  const control = async (path, body) => {
    const response = await fetch(`${url}/_emulator/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
    equal(response.status, 200, `${path}: ${await response.clone().text()}`);
    return response.json();
  };
  const account = async () => (await control("state")).woowup_v3.accounts["14"];
  const client = woowup.v3({ apiKey: "demo-woowup-key", baseUrl: `${url}/apiv3` });
  const purchase = (invoice, total = 25) => ({
    invoice_number: invoice, email: "zoe@example.com", channel: "web", createtime: "2024-02-29 10:00:00",
    purchase_detail: [{ sku: "SKU-1", product_name: "Café «bio»", quantity: 1, unit_price: total }], prices: { total },
  });
  /** A fetch whose answer is lost once, after the emulator did the work, for requests matching `lose`. */
  const losing = (lose) => {
    let lost = false;
    return async (u, init) => {
      const response = await fetch(u, init);
      if (!lost && lose(u, init)) {
        lost = true;
        await response.text();
        throw new TypeError("fetch failed: socket hang up");
      }
      return response;
    };
  };
  const FAST = { baseDelayMs: 0, maxDelayMs: 0 };
  try {
    await t.test("a new customer is created and the purchase recorded; the same order again is updated, not doubled", async () => {
      const first = await woowup.recordOrder({ client, purchase: purchase("V3-1"), options: { unknownCustomer: "create" } });
      deepEqual(first, { outcome: "recorded", invoice_number: "V3-1", duplicate: false, updated: false, customer_created: true });
      const again = await woowup.recordOrder({ client, purchase: purchase("V3-1", 30) });
      deepEqual([again.duplicate, again.updated], [true, true]);
      const stored = (await account()).purchases.filter((p) => p.invoice_number === "V3-1");
      deepEqual([stored.length, stored[0].updates, stored[0].prices.total], [1, 1, 30]);
    });

    await t.test("a lost answer to the purchase: sent again, read as the duplicate, recorded once", async () => {
      const outcome = await woowup.recordOrder({
        client, purchase: purchase("V3-2"), retry: FAST,
        fetch: losing((u, init) => init.method === "POST" && u.endsWith("/apiv3/purchases")),
      });
      deepEqual([outcome.outcome, outcome.duplicate], ["recorded", true]);
      equal((await account()).purchases.filter((p) => p.invoice_number === "V3-2").length, 1);
    });

    await t.test("a 429 with Retry-After is waited out, then the request goes through", async () => {
      await control("faults", { programs: ["woowup"], pathPrefix: "/apiv3/purchases", sequence: [429], retryAfter: 1 });
      const started = Date.now();
      const outcome = await woowup.recordOrder({ client, purchase: purchase("V3-3") });
      await control("faults", {});
      equal(outcome.outcome, "recorded", JSON.stringify(outcome));
      ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
      equal((await account()).purchases.filter((p) => p.invoice_number === "V3-3").length, 1);
    });

    await t.test("points whose answer was lost or a 503 are checked in the ledger, never sent twice", async () => {
      const sum = async (concept) => (await account()).transactions.filter((x) => x.concept === concept).reduce((a, x) => a + x.points, 0);
      const lost = await woowup.awardPoints({
        client, customer: { email: "zoe@example.com" }, points: { concept: "survey_response", points: 40 }, reference: "survey-1", retry: FAST,
        fetch: losing((u) => u.endsWith("/multiusers/points")),
      });
      deepEqual(lost, { outcome: "awarded", points: 40, checked: true });
      equal(await sum("survey_response"), 40);
      await control("faults", { programs: ["woowup"], pathPrefix: "/apiv3/multiusers/points", sequence: [503], when: "after" });
      const busy = await woowup.awardPoints({ client, customer: { email: "zoe@example.com" }, points: { concept: "gift", points: 15 }, reference: "gift-1", retry: FAST });
      await control("faults", {});
      deepEqual(busy, { outcome: "awarded", points: 15, checked: true });
      equal(await sum("gift"), 15);
    });

    await t.test("reverseOrder takes the points back once; the pager walks the customers", async () => {
      const back = await woowup.reverseOrder({ client, invoiceNumber: "V3-1", reversal: { kind: "negativePoints", customer: { email: "zoe@example.com" }, points: 15, concept: "gift" } });
      equal(back.outcome, "awarded");
      const emails = [];
      for await (const page of woowup.pages({ client, list: "customers", limit: 1 })) emails.push(...page.map((c) => c.email));
      ok(emails.includes("zoe@example.com"), JSON.stringify(emails));
    });
  } finally {
    await emulator.stop();
  }
});
