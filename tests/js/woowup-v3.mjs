// woowup.v3 in the one JS suite (Node, Deno, workerd, Chromium): every builder byte for byte as
// php-cli builds it (tests/js/woowup-v3-php.mjs), input errors with their fields, the readers,
// and the record / points / reversal flows and the pager driven through a scripted `fetch`
// (a lost answer, a 429 with Retry-After, a duplicate, a doubt on points). The same flows against
// the local emulator run in Node only (tests/js/woowup-node.test.mjs).

import { deepEqual, equal, ok, throwsLoyalty } from "./assert.mjs";
import { rejectsLoyalty } from "./woowup.mjs";
import { V3_CASES } from "./woowup-v3-cases.mjs";
import { PHP_V3 } from "./woowup-v3-php.mjs";

export const V3_FUNCTIONS = ["awardPoints", "pages", "readV3", "readV3Customer", "readV3Exist", "readV3Items", "readV3Purchases",
  "readV3RequestId", "readV3TransactionId", "recordOrder", "reverseOrder", "v3"];
const V3_NAMESPACES = {
  customers: ["abandonedCart", "addMember", "addPoints", "create", "exist", "find", "list", "removeTags", "transactions", "update", "updateMember"],
  purchases: ["bulk", "cardIin", "create", "find", "update"],
  products: ["create", "exist", "find", "search", "update"],
  branches: ["create", "find", "list", "update"],
  categories: ["delete", "deleteAll"],
  coupons: ["list", "setStatus"],
  benefits: ["list"],
  events: ["create", "list", "user"],
  customAttributes: ["create", "list", "update"],
  integrationStats: ["create", "search"],
};
const KEY = "test-v3-key";
const envelope = (code, payload = [], message = "") => JSON.stringify({ payload, message, code, time: "1ms" });
const OK = envelope("ok");
const PURCHASE = {
  invoice_number: "F-1", email: "ana@example.com", channel: "web",
  purchase_detail: [{ sku: "A-1", product_name: "Mate", quantity: 1, unit_price: 10 }], prices: { total: 10 },
};

/** A fetch answering from a script (`[status, body, headers?]`, or an Error to throw), keeping what was sent and when. */
export function scriptedV3Fetch(answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, method: init.method, body: init.body, at: Date.now() });
    const next = answers.shift();
    if (next === undefined) throw new Error(`unexpected request to ${url}`);
    if (next instanceof Error) throw next;
    const [status, body, headers = {}] = next;
    return new Response(body, { status, headers });
  };
  return { fetch, sent };
}

export function woowupV3Suite({ test, lib }) {
  const { woowup, LoyaltyError } = lib;
  const throws = (fn, code, field) => throwsLoyalty(fn, LoyaltyError, code, field);
  const rejects = (fn, code, field) => rejectsLoyalty(fn, LoyaltyError, code, field);
  const FAST = { baseDelayMs: 0, maxDelayMs: 0 };

  test("woowup.v3: the client's namespaces and the v3 functions", () => {
    for (const name of V3_FUNCTIONS) equal(typeof woowup[name], "function", `woowup.${name}`);
    const client = woowup.v3({ apiKey: KEY });
    equal(client.baseUrl, "https://api.woowup.com/apiv3");
    for (const [group, names] of Object.entries(V3_NAMESPACES)) deepEqual(Object.keys(client[group]).sort(), names, group);
    equal(typeof client.stats, "function");
    equal(JSON.stringify(client), '{"baseUrl":"https://api.woowup.com/apiv3"}');
    ok(!JSON.stringify(client).includes(KEY));
    throws(() => woowup.v3({ apiKey: "bad key" }), "invalid_field", "apiKey");
    throws(() => woowup.v3({ apiKey: KEY, baseURL: "http://x" }), "invalid_field", "baseURL");
    throws(() => woowup.v3({ apiKey: KEY, baseUrl: "ftp://x" }), "invalid_field", "baseUrl");
    equal(woowup.v3({ apiKey: KEY, baseUrl: "http://127.0.0.1:8790/apiv3/" }).baseUrl, "http://127.0.0.1:8790/apiv3");
  });

  test("woowup.v3: every builder's request is what php-cli builds", () => {
    const client = woowup.v3({ apiKey: KEY });
    equal(V3_CASES.length, PHP_V3.length);
    for (const [i, [name, build]] of V3_CASES.entries()) {
      const php = PHP_V3[i];
      equal(php.name, name);
      const req = build(client);
      equal(req.method, php.method, `${name}: method`);
      equal(req.url, php.url, `${name}: url`);
      equal(req.body, php.body, `${name}: body`);
      const headers = { Authorization: `Basic ${KEY}`, Accept: "application/json", ...(php.body === null ? {} : { "Content-Type": "application/json" }) };
      equal(JSON.stringify(Object.entries(req.headers)), JSON.stringify(Object.entries(headers)), `${name}: headers`);
    }
  });

  test("woowup.v3: inputs are checked before anything is sent, the field named", () => {
    const client = woowup.v3({ apiKey: KEY });
    throws(() => client.purchases.create({ ...PURCHASE, purchase_detail: [{ sku: "-bad", quantity: 1, unit_price: 1 }] }), "invalid_field", "purchase_detail[0].sku");
    throws(() => client.purchases.create({ ...PURCHASE, channel: "fax" }), "invalid_field", "channel");
    throws(() => client.customers.find({}), "missing_field");
    throws(() => client.customers.list({ limit: 101 }), "invalid_field", "limit");
    throws(() => client.coupons.setStatus("A B", "used"), "invalid_field", "code");
    throws(() => client.coupons.list({ status: "redeemed" }), "invalid_field", "status");
    throws(() => client.customAttributes.list("order"), "invalid_field", "owner");
    throws(() => client.purchases.bulk("{}"), "invalid_field", "purchases");
    throws(() => client.purchases.create("{not json"), "invalid_json");
  });

  test("woowup.readV3: the envelope and every failure kind, Retry-After read", () => {
    deepEqual(woowup.readV3(200, envelope("ok", { id: 1 })), { ok: true, payload: { id: 1 }, status: 200 });
    const busy = woowup.readV3(429, envelope("too_many_request"), new Headers({ "Retry-After": "7" }));
    deepEqual([busy.ok, busy.kind, busy.code, busy.retryAfter, busy.retryable, busy.permanent], [false, "too_many_requests", "too_many_request", 7, true, false]);
    equal(woowup.readV3(429, envelope("too_many_request"), [["retry-after", "3"]]).retryAfter, 3);
    equal(woowup.readV3(429, envelope("too_many_request"), { "Retry-After": "2" }).retryAfter, 2);
    const bad = woowup.readV3(400, envelope("bad_request", { errors: ["sku is invalid", "quantity"] }, "Bad Request"));
    deepEqual([bad.kind, bad.errors, bad.retryable], ["bad_request", ["sku is invalid", "quantity"], false]);
    equal(woowup.readV3(400, envelope("duplicated_purchase_number")).kind, "duplicated_purchase_number");
    equal(woowup.readV3(500, envelope("internal_error", [], "usuario existente")).kind, "customer_exists");
    const gone = woowup.readV3(410, envelope("account_deleted"));
    deepEqual([gone.kind, gone.permanent, gone.retryable], ["account_deleted", true, false]);
    deepEqual([woowup.readV3(503, "<html>").kind, woowup.readV3(503, "<html>").retryable], ["http", true]);
    const other = woowup.readV3(400, envelope("brand_new_code", [], "new"));
    deepEqual([other.kind, other.code], ["other", "brand_new_code"]);
    throws(() => woowup.readV3(200, "<html>"), "invalid_response");
  });

  test("woowup.v3 readers: customer, purchases, ids, exist, items", () => {
    const customer = woowup.readV3Customer(200, envelope("ok", { userapp_id: 7, email: "a@b.c", points: "10.50", birthday: "1990-01-02", tags: ["vip"] }));
    deepEqual([customer.userapp_id, customer.email, customer.points, customer.birthdate, customer.tags], ["7", "a@b.c", "10.5", "1990-01-02", ["vip"]]);
    equal(woowup.readV3Customer(404, envelope("user_not_found")), null);
    throws(() => woowup.readV3Customer(403, envelope("forbidden")), "remote_error");
    const [p] = woowup.readV3Purchases(200, envelope("ok", [{ invoice_number: "F-1", prices: { total: 19.99 }, purchase_detail: { items: [{ product_id: "A-1", price: "9.995", quantity: 2 }] } }]));
    deepEqual([p.invoice_number, p.total, p.lines[0].sku, p.lines[0].unit_price], ["F-1", "19.99", "A-1", "9.995"]);
    equal(woowup.readV3TransactionId(201, envelope("ok", { transaction_id: 99 })), "99");
    equal(woowup.readV3RequestId(200, envelope("ok", { request_id: "r-1" })), "r-1");
    equal(woowup.readV3Exist(200, envelope("ok", { exist: true })), true);
    deepEqual(woowup.readV3Items(200, '[{"id":1}]'), [{ id: 1 }]);
  });

  test("woowup.recordOrder: a duplicate is updated, a lost answer resent and read as the duplicate", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const duplicate = scriptedV3Fetch([[200, OK], new TypeError("fetch failed"), [400, envelope("duplicated_purchase_number")], [200, OK]]);
    const outcome = await woowup.recordOrder({ client, purchase: PURCHASE, fetch: duplicate.fetch, retry: FAST });
    deepEqual(outcome, { outcome: "recorded", invoice_number: "F-1", duplicate: true, updated: true, customer_created: false });
    deepEqual(duplicate.sent.map((s) => `${s.method} ${new URL(s.url).pathname}`),
      ["GET /apiv3/multiusers/find", "POST /apiv3/purchases", "POST /apiv3/purchases", "PUT /apiv3/purchases"]);
    equal(duplicate.sent[1].body, duplicate.sent[3].body, "the PUT sends the purchase's own bytes");
    // Paced: never two requests of one account closer than 60000/140 ms.
    for (let i = 1; i < duplicate.sent.length; i++) ok(duplicate.sent[i].at - duplicate.sent[i - 1].at >= 420, `request ${i} was paced`);

    const unknown = scriptedV3Fetch([[404, envelope("user_not_found")], [201, OK], [201, OK]]);
    const created = await woowup.recordOrder({ client, purchase: JSON.stringify(PURCHASE), options: { unknownCustomer: "create" }, fetch: unknown.fetch });
    equal(created.customer_created, true);
    equal(unknown.sent[1].body, '{"email":"ana@example.com"}');
    const skipped = await woowup.recordOrder({ client, purchase: PURCHASE, fetch: scriptedV3Fetch([[404, envelope("user_not_found")]]).fetch });
    deepEqual([skipped.outcome, skipped.reason], ["skipped", "unknown_customer"]);
    const refused = await woowup.recordOrder({ client, purchase: PURCHASE, fetch: scriptedV3Fetch([[403, envelope("forbidden")]]).fetch });
    deepEqual([refused.outcome, refused.step, refused.error.code, refused.error.status], ["failed", "find_customer", "remote_error", 403]);
    await rejects(() => woowup.recordOrder({ client, purchase: { ...PURCHASE, channel: "fax" } }), "invalid_field", "channel");
    await rejects(() => woowup.recordOrder({ client: woowup.v2({ appId: 1, apiKey: "k" }), purchase: PURCHASE }), "invalid_field", "client");
  });

  test("woowup.recordOrder: a 429 waits its Retry-After, then the same request is sent", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const busy = scriptedV3Fetch([[429, envelope("too_many_request"), { "Retry-After": "1" }], [200, OK], [201, OK]]);
    const outcome = await woowup.recordOrder({ client, purchase: PURCHASE, fetch: busy.fetch });
    equal(outcome.outcome, "recorded");
    ok(busy.sent[1].at - busy.sent[0].at >= 990, `waited ${busy.sent[1].at - busy.sent[0].at} ms`);
    equal(busy.sent[0].url, busy.sent[1].url);
  });

  test("woowup.v3: flows of one client share its account's pace, flows of another do not", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const shared = scriptedV3Fetch([[201, OK], [201, OK], [201, OK]]);
    const award = (c, reference) => woowup.awardPoints({ client: c, customer: { email: "a@b.c" }, points: { concept: "gift", points: 1 }, reference, fetch: shared.fetch });
    const outcomes = await Promise.all([award(client, "p-1"), award(client, "p-2"), award(woowup.v3({ apiKey: "other-key" }), "p-3")]);
    deepEqual(outcomes.map((o) => o.outcome), ["awarded", "awarded", "awarded"]);
    const at = (reference) => shared.sent.find((s) => s.body.includes(`[${reference}]`)).at;
    ok(Math.abs(at("p-2") - at("p-1")) >= 420, `one account: ${Math.abs(at("p-2") - at("p-1"))} ms apart`);
    ok(Math.abs(at("p-3") - at("p-1")) < 400, "another account's request is not held back");
  });

  test("woowup.awardPoints: after a doubt the ledger is read, the points never sent twice", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const applied = envelope("ok", [{ points: 50, concept: "gift", description: "welcome [evt-1]" }]);
    const lost = scriptedV3Fetch([new TypeError("fetch failed"), [200, applied]]);
    const outcome = await woowup.awardPoints({ client, customer: { email: "ana@example.com" }, points: { concept: "gift", points: 50, description: "welcome" }, reference: "evt-1", fetch: lost.fetch, retry: FAST });
    deepEqual(outcome, { outcome: "awarded", points: 50, checked: true });
    deepEqual(lost.sent.map((s) => s.method), ["POST", "GET"]);
    equal(lost.sent[0].body, '{"email":"ana@example.com","concept":"gift","points":50,"description":"welcome [evt-1]"}');
    const twice = scriptedV3Fetch([new TypeError("reset"), [200, OK], new TypeError("reset"), [200, OK]]);
    const failed = await woowup.awardPoints({ client, customer: { email: "ana@example.com" }, points: { concept: "gift", points: 50 }, reference: "evt-2", fetch: twice.fetch, retry: FAST });
    equal(failed.outcome, "failed");
    equal(twice.sent.filter((s) => s.method === "POST").length, 2, "sent once more only after the ledger said it was not there");
    await rejects(() => woowup.awardPoints({ client, customer: { email: "a@b.c" }, points: { concept: "x", points: 1 }, reference: "a b" }), "invalid_field", "reference");
  });

  test("woowup.reverseOrder: refused unless chosen, or the chosen reversal", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const none = scriptedV3Fetch([]);
    deepEqual(await woowup.reverseOrder({ client, invoiceNumber: "F-1", fetch: none.fetch }), { outcome: "skipped", reason: "reversal_refused", message: null });
    equal(none.sent.length, 0);
    const back = scriptedV3Fetch([[201, OK]]);
    const outcome = await woowup.reverseOrder({ client, invoiceNumber: "F-1", reversal: { kind: "negativePoints", customer: { email: "ana@example.com" }, points: 10, concept: "purchase" }, fetch: back.fetch });
    deepEqual(outcome, { outcome: "awarded", points: -10, checked: false });
    const update = scriptedV3Fetch([[200, OK]]);
    const corrected = { ...PURCHASE, prices: { total: 0 } };
    equal((await woowup.reverseOrder({ client, invoiceNumber: "F-1", reversal: { kind: "updatePurchase", corrected }, fetch: update.fetch })).updated, true);
    equal(update.sent[0].method, "PUT");
    await rejects(() => woowup.reverseOrder({ client, invoiceNumber: "F-2", reversal: { kind: "updatePurchase", corrected } }), "invalid_field", "corrected.invoice_number");
    await rejects(() => woowup.reverseOrder({ client, invoiceNumber: "F-1", reversal: { kind: "cancel" } }), "invalid_field", "kind");
  });

  test("woowup.pages: an async iterator of pages, a page retried, a failure thrown", async () => {
    const client = woowup.v3({ apiKey: KEY });
    const list = scriptedV3Fetch([[200, envelope("ok", [{ id: 1 }, { id: 2 }])], [503, "busy"], [200, envelope("ok", [{ id: 3 }])]]);
    const pages = [];
    for await (const page of woowup.pages({ client, list: "branches", limit: 2, fetch: list.fetch, retry: FAST })) pages.push(page);
    deepEqual(pages, [[{ id: 1 }, { id: 2 }], [{ id: 3 }]]);
    deepEqual(list.sent.map((s) => new URL(s.url).search), ["?page=0&limit=2", "?page=1&limit=2", "?page=1&limit=2"]);
    const refused = scriptedV3Fetch([[403, envelope("forbidden")]]);
    await rejects(async () => {
      for await (const page of woowup.pages({ client, list: "customers", fetch: refused.fetch })) ok(page);
    }, "remote_error");
    throws(() => woowup.pages({ client, list: "orders" }), "invalid_field", "list");
  });
}
