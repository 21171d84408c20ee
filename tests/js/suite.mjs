// The one JS test suite, run against the installed package in every runtime: Node (node --test),
// Deno (deno test), workerd (a Worker under wrangler dev) and headless Chromium. Each runtime's
// adapter calls suite() with its own `test(name, fn)`, the package module, the files of
// tests/vectors/ as text, and `runtime`: its name, whether it has a DOM, a local `provider`
// origin for the widget script, where it resolved the package (`entry`, `expectedEntry`), and
// `subpath: "lootly"` for the `loyalty-connector/lootly` entry (the same suite without woowup).
// Expected values written here were printed by php-cli 8.2.

import { deepEqual, equal, ok, throwsLoyalty } from "./assert.mjs";
import { checkVectors } from "./vectors.mjs";
import { woowupSuite } from "./woowup.mjs";
import { woowupV3Suite } from "./woowup-v3.mjs";

/** The guide's example order (Lootly custom API guide), api key `xxx`, secret `xxx`. */
export const GUIDE =
  '{"id":"100001","total_price":"39.99","total_tax":"0.00","total_discounts":"10.00","subtotal_price":"29.99",' +
  '"taxes_included":"0","discount_codes":[{"code":"COUPON_CODE"}],"customer":{"id":"001","email":"support@lootly.io",' +
  '"first_name":"James","last_name":"Bond","birthday":"1970-01-01","default_address":{"zip":"11111","country":"USA"}},"key":"xxx"}';
export const GUIDE_HMAC = "vPP+Wn1EwMCJoDSDcFaVc54CTIwIisCe3OJjK7mTAHo=";

/** A value that would run script if it were ever parsed as HTML. */
export const ATTACK = '"><script>window.__xss = 1; alert(1)</script><img src=x onerror="window.__xss = 2">';

const creds = { apiKey: "xxx", apiSecret: "xxx" };
const order = {
  id: "100001",
  total_price: "39.99",
  total_tax: "0.00",
  total_discounts: "10.00",
  subtotal_price: "29.99",
  taxes_included: false,
  discount_codes: ["COUPON_CODE"],
  customer: { id: "001", email: "support@lootly.io", first_name: "James", birthday: "1970-01-01" },
};

/** Base64 of HMAC-SHA256 with WebCrypto (every runtime has it): an HMAC computed outside the library. */
async function hmacBase64(secret, text) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)));
  return btoa(String.fromCharCode(...mac));
}

export function suite({ test, lib, vectorFiles, runtime }) {
  const { lootly, php, LoyaltyError } = lib;
  const throws = (fn, code, field) => throwsLoyalty(fn, LoyaltyError, code, field);
  const rejects = async (promise, code, field) => {
    const outcome = await promise.then(() => "resolved", (e) => e);
    ok(outcome instanceof LoyaltyError, `expected a LoyaltyError rejection, got ${outcome}`);
    equal(outcome.code, code);
    equal(outcome.field, field);
  };

  const withWoowup = runtime.subpath !== "lootly";
  // Each namespace's functions are those index.d.ts declares: tests/types/surface.mjs.
  test(`package: exports lootly, php, ${withWoowup ? "woowup " : ""}and LoyaltyError`, () => {
    deepEqual(Object.keys(lib).sort(), withWoowup ? ["LoyaltyError", "lootly", "php", "woowup"] : ["LoyaltyError", "lootly", "php"]);
    equal(Object.getPrototypeOf(LoyaltyError.prototype), Error.prototype, "LoyaltyError extends Error");
    const made = new LoyaltyError("missing_field", "x is required", "x");
    ok(made instanceof Error && made.name === "LoyaltyError" && made.code === "missing_field" && made.field === "x");
  });

  if (runtime.entry) {
    test(`package: ${runtime.name} resolves the package to its own entry point`, () => {
      ok(runtime.entry.endsWith(`/loyalty-connector/${runtime.expectedEntry}`), runtime.entry);
    });
  }

  test("lootly: the guide's example signs to the guide's hmac", () => {
    const signed = lootly.sign(GUIDE, creds);
    equal(signed.hmac, GUIDE_HMAC);
    ok(signed.canonical.startsWith('{"customer":{"id":"001"'), "top level sorted, nested order kept");
    equal(signed.body, signed.canonical.slice(0, -1) + ',"hmac":"vPP+Wn1EwMCJoDSDcFaVc54CTIwIisCe3OJjK7mTAHo="}');
  });

  test("lootly: verify reads text, Uint8Array and ArrayBuffer as the server does", () => {
    const { body } = lootly.sign(GUIDE, creds);
    const bytes = new TextEncoder().encode(body);
    equal(lootly.verify(body, "xxx"), true);
    equal(lootly.verify(bytes, "xxx"), true);
    equal(lootly.verify(bytes.buffer, "xxx"), true);
    equal(lootly.verify(body, "xxy"), false, "another secret");
    equal(lootly.verify(body.replace("39.99", "39.98"), "xxx"), false, "a changed amount");
    const reordered = Object.fromEntries(Object.entries(JSON.parse(body)).reverse());
    equal(lootly.verify(JSON.stringify(reordered).replaceAll("/", "\\/"), "xxx"), true, "top-level order is free");
    equal(lootly.verify("not json", "xxx"), false);
    throws(() => lootly.verify(42, "xxx"), "invalid_field", "body");
  });

  test("lootly: an object payload signs like its JSON text", () => {
    equal(lootly.sign(JSON.parse(GUIDE), creds).body, lootly.sign(GUIDE, creds).body);
    throws(() => lootly.sign({ total: 10n }, creds), "invalid_field", "params");
    throws(() => lootly.sign(undefined, creds), "missing_field", "params");
    throws(() => lootly.sign({ hmac: "x" }, creds), "reserved_field", "hmac");
    throws(() => lootly.sign('"text"', creds), "invalid_field", "params");
    throws(() => lootly.sign('{"a":', creds), "invalid_json");
  });

  test("lootly: keys PHP 7 and PHP 8 sort differently need serverPhp; route parameters are reserved", () => {
    const params = '{"id":"1","10":"x"}';
    throws(() => lootly.sign(params, creds), "php_version_dependent", "params");
    equal(lootly.sign(params, { ...creds, serverPhp: 8 }).canonical, '{"10":"x","id":"1","key":"xxx"}');
    equal(lootly.sign(params, { ...creds, serverPhp: 7 }).canonical, '{"id":"1","key":"xxx","10":"x"}');
    equal(lootly.sign(GUIDE, { ...creds, serverPhp: 7 }).hmac, GUIDE_HMAC, "ordinary payloads sign alike");
    throws(() => lootly.sign(params, { ...creds, serverPhp: 5 }), "invalid_field", "serverPhp");
    throws(() => lootly.sign({ id: 1, integration: "zapier" }, creds), "reserved_field", "integration");
    throws(() => lootly.request("orders-paid", { id: 1, webhook: "x" }, creds), "reserved_field", "webhook");
  });

  test("lootly: typed orders take what the official modules send, and refuse unknown fields", () => {
    const full = {
      ...order,
      products: [{ product_id: 12, product_name: "Mate", product_price: "19.99", quantity: 2, categories: [{ category_id: "3", category_name: "Té" }], applied_rule_ids: "1,3", variantID: "12-b", item_spent_amount: "39.98", erp_sku: "MT-1" }],
      ip_address: "192.0.2.7",
      guest: false,
      coupon_code: "COUPON_CODE",
    };
    const req = lootly.orderPaid(full, creds);
    ok(lootly.verify(req.body, "xxx"));
    ok(req.body.includes('"products":[{"product_id":12,"product_name":"Mate","product_price":"19.99","quantity":2,"categories":[{"category_id":"3","category_name":"T\\u00e9"}]'), req.body);
    throws(() => lootly.orderPaid({ ...order, taxes_include: false }, creds), "invalid_field", "taxes_include");
    throws(() => lootly.orderPaid({ ...full, products: [{ product_price: "1,5" }] }, creds), "invalid_field", "products[0].product_price");
  });

  test("lootly: verifyRequest checks what Lootly sends the shop (GET query, POST JSON, redeem reward)", async () => {
    const secrets = ["old-secret", "new-secret"];
    const shop = "https://shop.example/lootly";
    // A POST to the shop's api_endpoint, signed as Lootly signs (ksort + json_encode + HMAC).
    const { body, hmac } = lootly.sign({ customer_id: "42", t: 1767225600 }, { apiKey: "pk", apiSecret: "new-secret" });
    const post = () => new Request(shop, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    equal(await lootly.verifyRequest(post(), secrets), true);
    equal(await lootly.verifyRequest(post(), "other"), false, "no secret matches");
    const request = post();
    await lootly.verifyRequest(request, secrets);
    equal(await request.text(), body, "the body stays readable");
    // Freshness with an injected clock, and a replay guard.
    equal(await lootly.verifyRequest(post(), secrets, { maxAgeSeconds: 300, now: 1767225600 + 300 }), true);
    equal(await lootly.verifyRequest(post(), secrets, { maxAgeSeconds: 300, now: 1767225600 + 301 }), false, "stale");
    const seenBefore = new Set();
    const seen = async (h) => seenBefore.has(h) || (seenBefore.add(h), false);
    equal(await lootly.verifyRequest(post(), secrets, { seen }), true);
    equal(await lootly.verifyRequest(post(), secrets, { seen }), false, "a replay");
    ok(seenBefore.has(hmac));
    // A GET: parameters, key, t and hmac in the query string, every value a string as in $_GET.
    const getHmac = lootly.sign('{"customer_id":"42","t":"1767225600"}', { apiKey: "pk", apiSecret: "old-secret" }).hmac;
    const url = `${shop}?customer_id=42&key=pk&t=1767225600&hmac=${encodeURIComponent(getHmac)}`;
    equal(await lootly.verifyRequest(new Request(url), secrets), true);
    equal(await lootly.verifyRequest(new Request(url.replace("customer_id=42", "customer_id=7")), secrets), false);
    // The redeem-reward webhook: objects, no ksort ({} stays {}): its HMAC covers the body as sent
    // without hmac. `verify` (the server's recipe) refuses it, verifyRequest takes it.
    const text = '{"reward":{},"customer_email":"a@b.co","coupon_code":"X-1"}';
    const redeemHmac = await hmacBase64("new-secret", text);
    const redeem = `{"reward":{},"customer_email":"a@b.co","hmac":"${redeemHmac}","coupon_code":"X-1"}`;
    equal(await lootly.verifyRequest(new Request(shop, { method: "POST", body: redeem }), secrets), true);
    equal(lootly.verify(redeem, "new-secret"), false, "not the server's recipe");
    await rejects(lootly.verifyRequest(post(), []), "invalid_field", "secrets");
    await rejects(lootly.verifyRequest(post(), secrets, { maxAge: 5 }), "invalid_field", "maxAge");
  });

  test("lootly: the newer endpoints are signed with t, and their answers read", () => {
    const redeem = lootly.redeemReward({ customerEmail: "a@b.co", rewardId: 3 }, creds, 1767225600);
    equal(redeem.url, "https://lootly.io/integrations/webhooks/common/redeem-reward");
    ok(redeem.body.startsWith('{"customer_email":"a@b.co","key":"xxx","reward_id":3,"t":1767225600,"hmac":"'), redeem.body);
    ok(lootly.verify(redeem.body, "xxx"));
    for (const [req, type] of [
      [lootly.rewardsList(creds), "rewards-list"],
      [lootly.customerInfo("001", creds, 5), "customer"],
      [lootly.orderClosed("100001", creds, 5), "orders-closed"],
    ]) {
      equal(req.url, `https://lootly.io/integrations/webhooks/common/${type}`);
      ok(lootly.verify(req.body, "xxx"), type);
    }
    ok(lootly.customerInfo("001", creds, 5).body.includes('"t":5'));
    deepEqual(lootly.readRewardsList(200, '{"data":[{"reward_id":3,"reward_name":"$5 off","points_required":500,"minimum_order_amount":"20.00"}]}'),
      [{ rewardId: 3, rewardName: "$5 off", pointsRequired: 500, minimumOrderAmount: "20.00" }]);
    deepEqual(lootly.readCustomerInfo(200, '{"data":{"points":120}}'), { points: 120 });
    deepEqual(lootly.readRedeemedReward(200, '{"data":{"data":{"coupon_code":"LOOT-1"}}}'), { couponCode: "LOOT-1" });
    throws(() => lootly.readRedeemedReward(422, '{"message":"Not enough points"}'), "remote_error");
    throws(() => lootly.redeemReward({ customerEmail: "a@b.co" }, creds), "missing_field", "rewardId");
  });

  test("lootly: requests are ready for fetch(req.url, req)", async () => {
    const req = lootly.request("orders-completed", GUIDE, creds);
    equal(req.method, "POST");
    equal(req.url, "https://lootly.io/integrations/webhooks/common/orders-completed");
    deepEqual(req.headers, { "Content-Type": "application/json", Accept: "application/json" });
    equal(req.body, lootly.sign(GUIDE, creds).body);
    const fetchable = new Request(req.url, req);
    equal(fetchable.method, "POST");
    equal(fetchable.headers.get("content-type"), "application/json");
    equal(await fetchable.text(), req.body, "fetch sends exactly the signed bytes");
    const read = lootly.pointBalance("42", creds);
    equal(read.body, null);
    equal(new Request(read.url, read).method, "GET");
  });

  test("lootly: typed shortcuts go to their webhook and verify", () => {
    const cases = [
      [lootly.orderCompleted, "orders-completed", order],
      [lootly.orderPaid, "orders-paid", JSON.stringify(order)],
      [lootly.orderFulfilled, "orders-fulfilled", order],
      [lootly.orderProcessing, "orders-processing", order],
      [lootly.orderCancelled, "orders-cancelled", "100001"],
      [lootly.refund, "refunds-create", { id: "100001", amounts: ["10.00", 5] }],
      [lootly.customer, "customers-create", order.customer],
      [lootly.pointsAdd, "points-add", { customer_id: "001", point_value: 50 }],
      [lootly.pointsSubtract, "points-subtract", { customer_id: "001", point_value: 20 }],
    ];
    for (const [fn, type, input] of cases) {
      const req = fn(input, creds);
      equal(req.url, `https://lootly.io/integrations/webhooks/common/${type}`);
      ok(lootly.verify(req.body, "xxx"), `${type} verifies`);
    }
    equal(
      lootly.orderCompleted(order, creds).body,
      lootly.request("orders-completed", {
        ...order,
        taxes_included: "0",
        discount_codes: [{ code: "COUPON_CODE" }],
      }, creds).body,
      "the typed order is the guide's format",
    );
    const refund = JSON.parse(lootly.refund({ id: "1", amounts: ["10.00", 5] }, creds).body);
    deepEqual(refund.transactions, [{ amount: "10.00" }, { amount: "5" }]);
  });

  test("lootly: options choose the endpoint; unknown or missing ones are refused", () => {
    const local = { ...creds, baseUrl: "http://127.0.0.1:8787/", slug: "custom-api" };
    equal(lootly.orderCancelled("1", local).url, "http://127.0.0.1:8787/integrations/webhooks/custom-api/orders-cancelled");
    equal(lootly.appInstalled({ shopUrl: "https://shop.com" }, creds).url,
      "https://lootly.io/integrations/webhooks/custom-api/app-installed");
    equal(JSON.parse(lootly.appInstalled({ shopUrl: "https://shop.com", apiEndpoint: "https://api.shop.com" }, creds).body)
      .api_endpoint, "https://api.shop.com");
    throws(() => lootly.orderCancelled("1", { ...creds, baseURL: "http://x" }), "invalid_field", "baseURL");
    throws(() => lootly.orderCancelled("1", { apiKey: "xxx" }), "missing_field", "apiSecret");
    throws(() => lootly.orderCancelled("1", undefined), "missing_field", "options");
    throws(() => lootly.orderCancelled("1", { ...creds, baseUrl: "ftp://x" }), "invalid_field", "baseUrl");
    throws(() => lootly.orderCancelled("1", { ...creds, slug: "../admin" }), "invalid_field", "slug");
    throws(() => lootly.request("orders", {}, creds), "invalid_field", "type");
    const throwing = { get apiKey() { throw new Error("getter"); }, apiSecret: "s" };
    throws(() => lootly.orderCancelled("1", throwing), "invalid_field", "options");
  });

  test("lootly: keyVerify stamps the current time unless given one", () => {
    equal(lootly.keyVerify(creds, 1700000000).body, '{"key":"xxx","t":1700000000,"hmac":"fyYnefjNlI1Q+n+dvDSSZ+V3MtMCmMZhQSXsRF7t6x8="}');
    const stamped = JSON.parse(lootly.keyVerify(creds).body).t;
    ok(Math.abs(stamped - Date.now() / 1000) < 60, `t=${stamped} is now`);
    throws(() => lootly.keyVerify(creds, 1.5), "invalid_field", "now");
  });

  test("lootly: typed inputs name the field that does not fit", () => {
    const withCustomer = (customer) => ({ ...order, customer });
    throws(() => lootly.orderCompleted(withCustomer({ id: "1" }), creds), "missing_field", "customer.email");
    throws(() => lootly.orderCompleted(withCustomer({ id: 1, email: "a@b.co" }), creds), "invalid_field", "customer.id");
    throws(() => lootly.orderCompleted(withCustomer({ id: "1", email: "a@b.co", nick: "x" }), creds), "invalid_field", "customer.nick");
    throws(() => lootly.orderCompleted(withCustomer({ id: "1", email: "nope" }), creds), "invalid_field", "customer.email");
    throws(() => lootly.orderCompleted({ ...order, total_price: "ten" }, creds), "invalid_field", "total_price");
    throws(() => lootly.refund({ id: "1", amounts: ["1", {}] }, creds), "invalid_field", "amounts[1]");
    throws(() => lootly.pointsAdd({ customer_id: "1", point_value: -5 }, creds), "invalid_field", "point_value");
    throws(() => lootly.orderCompleted('{"id":', creds), "invalid_json");
  });

  test("lootly: secrets never appear in error messages", () => {
    const secret = "TOP-SECRET-0042";
    for (const [fn, code] of [
      [() => lootly.sign({ hmac: "x" }, { apiKey: "k", apiSecret: secret }), "reserved_field"],
      [() => lootly.orderCompleted({ id: "1" }, { apiKey: "k", apiSecret: secret }), "missing_field"],
      [() => lootly.sign({}, { apiKey: "k", apiSecret: 4242424242 }), "invalid_field"],
      [() => lootly.widgetProps({ apiKey: "k", apiSecret: 4242424242, shopDomain: "d" }), "invalid_field"],
    ]) {
      const error = throws(fn, code);
      ok(!error.message.includes(secret) && !error.message.includes("4242424242"), error.message);
    }
  });

  test("lootly: validateOrder reports every problem with its field", () => {
    deepEqual(lootly.validateOrder(GUIDE), [], "the guide's order (wire format) is valid");
    const bad = '{"total_price":"abc","total_tax":"","subtotal_price":null,"taxes_included":"true",' +
      '"discount_codes":["A",{"code":"B"}],"customer":{"email":"nope","birthday":null}}';
    deepEqual(lootly.validateOrder(bad).map((p) => `${p.field}:${p.code}`), [
      "id:missing", "total_price:not_numeric", "total_tax:missing", "total_discounts:missing", "subtotal_price:missing",
      "taxes_included:not_allowed", "discount_codes[0]:ignored", "customer.id:missing", "customer.email:not_an_email",
      "customer.birthday:null_birthday",
    ]);
    ok(lootly.validateOrder(bad).every((p) => typeof p.message === "string" && p.message.length > 0));
    throws(() => lootly.validateOrder("{"), "invalid_json");
  });

  test("lootly: readResponse reads the server's statuses", () => {
    deepEqual(lootly.readResponse(200, "[]"), { ok: true, meaning: "accepted", retryable: false });
    deepEqual(lootly.readResponse(401, '{"message":"Unauthenticated."}'),
      { ok: false, meaning: "unauthorized", message: "Unauthenticated.", retryable: false });
    equal(lootly.readResponse(201, "").meaning, "unknown_endpoint");
    equal(lootly.readResponse(500, "<html>").meaning, "integration_not_allowed");
    deepEqual(lootly.readResponse(429, ""), { ok: false, meaning: "rate_limited", retryable: true });
    equal(lootly.readResponse(503, "").retryable, true);
    throws(() => lootly.readResponse(99, ""), "invalid_field", "status");
    throws(() => lootly.readResponse("200", ""), "invalid_field", "status");
  });

  test("lootly: widget props, html and script tag", () => {
    const props = lootly.widgetProps({ apiKey: "k", apiSecret: "xxx", shopDomain: "https://shop.com", customerId: "42" });
    deepEqual(props, {
      apiKey: "k",
      shopDomain: "https://shop.com",
      shopId: "780d75dfc81d96bda34fd07c20b16989", // php: md5("https://shop.comxxx")
      customerId: "42",
      customerSignature: "88deee0f58215b51d3fbc0bade0ce33d", // php: md5("42xxx")
    });
    equal(lootly.shopId("https://shop.com", "xxx"), props.shopId);
    equal(lootly.customerSignature("42", "xxx"), props.customerSignature);
    deepEqual(Object.keys(lootly.widgetProps({ apiKey: "k", apiSecret: "s", shopDomain: "d" })), ["apiKey", "shopDomain", "shopId"]);
    const html = lootly.widgetHtml({ ...props, apiKey: ATTACK });
    ok(html.startsWith('<div id="lootly-widget" class="lootly-init" style="display: none"'), html);
    ok(html.includes('data-api-key="&quot;&gt;&lt;script&gt;window.__xss = 1; alert(1)&lt;/script&gt;'), html);
    ok(!html.includes("<script"), "no markup survives");
    equal(lootly.scriptTag(), '<script type="text/javascript" src="https://lootly.io/js/integrations/common/script.js"></script>');
    throws(() => lootly.widgetHtml({ ...props, customerSignature: undefined }), "invalid_field", "customerSignature");
    throws(() => lootly.widgetHtml({ ...props, apiSecret: "xxx" }), "invalid_field", "apiSecret");
  });

  if (runtime.dom) {
    test("lootly: mountWidget builds the widget with DOM calls and adds the script once", () => {
      const host = document.createElement("section");
      host.id = "shop-footer";
      document.body.append(host);
      const provider = runtime.provider;
      const props = { apiKey: ATTACK, shopDomain: ATTACK, shopId: "abc", customerId: ATTACK, customerSignature: "s'\"", provider };
      const src = `${provider}/js/integrations/common/script.js`;
      const scriptsBefore = document.scripts.length;
      // The page may already hold Lootly's script (the suite runs once per entry in one page).
      const scriptWasThere = [...document.scripts].some((s) => s.getAttribute("src") === src);
      const widget = lootly.mountWidget(host, props);
      ok(widget instanceof HTMLDivElement, "returns the div");
      equal(widget.parentElement, host);
      equal(widget.id, "lootly-widget");
      equal(widget.className, "lootly-init");
      for (const name of ["data-api-key", "data-shop-domain", "data-customer-id"]) equal(widget.getAttribute(name), ATTACK, name);
      equal(widget.getAttribute("data-customer-signature"), "s'\"");
      equal(widget.getAttribute("data-provider"), provider);
      equal(widget.childNodes.length, 0, "nothing was parsed into the div");
      equal(document.querySelectorAll("img").length, 0);
      equal(document.scripts.length, scriptsBefore + (scriptWasThere ? 0 : 1), "only Lootly's script was added, once");
      equal([...document.scripts].filter((s) => s.getAttribute("src") === src).length, 1);
      equal(globalThis.__xss, undefined);
      // Mounting again (after a login, say) by selector replaces the widget; the script stays single.
      const again = lootly.mountWidget("#shop-footer", { ...props, apiKey: ATTACK });
      equal(document.querySelectorAll("#lootly-widget").length, 1);
      equal(again.getAttribute("data-api-key"), ATTACK);
      equal([...document.scripts].filter((s) => s.getAttribute("src") === src).length, 1);
      throws(() => lootly.mountWidget("#nowhere", props), "invalid_field", "element");
      throws(() => lootly.mountWidget(host, { ...props, provider: "javascript:alert(1)//" }), "invalid_field", "provider");
    });
  } else {
    test("lootly: mountWidget outside a browser throws, naming the element", () => {
      throws(() => lootly.mountWidget("#w", { apiKey: "k", shopDomain: "d", shopId: "i" }), "invalid_field", "element");
    });
  }

  test("lootly: couponCsv quotes what needs it and refuses empty and repeated codes", () => {
    equal(lootly.couponCsv(["A1", "b,2", 'say "hi"', " pad"]), 'A1\n"b,2"\n"say ""hi"""\n" pad"\n');
    throws(() => lootly.couponCsv(["A", "B", "A"]), "duplicate", "codes[2]");
    throws(() => lootly.couponCsv(["A", " "]), "invalid_field", "codes[1]");
    throws(() => lootly.couponCsv(["A", 7]), "invalid_field", "codes[1]");
    throws(() => lootly.couponCsv("A"), "invalid_field", "codes");
  });

  test("lootly: the read API signs its query and reads its answers", () => {
    const one = lootly.pointBalance("a/b", creds);
    // php: base64_encode(hash_hmac('sha256', json_encode(["key" => "xxx"]), "xxx", true))
    equal(one.url, "https://lootly.io/api/custom/customer/a%2Fb/point-balance?key=xxx&hmac=p7%2FHCP6KAoWHjmGr6GyWeenUAXLiX0dxtbCDGRLrffA%3D");
    deepEqual(one.headers, { Accept: "application/json" });
    const many = lootly.pointBalances(["1", "2"], creds);
    equal(new URL(many.url).searchParams.get("hmac"), "z2SjBqzYANO+lk89GjMIkBPQGux5a/9dEnC/c08rL1Y=");
    equal(lootly.readPointBalance(200, '{"point_value": 42}'), 42);
    deepEqual(lootly.readPointBalances(200, '[{"1": 5}, {"2": "7"}]'), [{ customerId: "1", points: 5 }, { customerId: "2", points: 7 }]);
    const refused = throws(() => lootly.readPointBalance(403, '{"error":"Unauthorized"}'), "remote_error");
    ok(refused.message.includes("Unauthorized"), refused.message);
    deepEqual([refused.status, refused.service], [403, "lootly"], "a vendor's refusal carries its status");
    const unreadable = throws(() => lootly.readPointBalance(200, "<html>"), "invalid_response");
    deepEqual([unreadable.status, unreadable.service], [200, "lootly"]);
    const invalid = throws(() => lootly.pointBalances(["1", "2,3"], creds), "invalid_field", "customerIds[1]");
    deepEqual([invalid.status, invalid.service], [undefined, undefined], "only a vendor's answer has a status");
  });

  test("php: functions match php-cli", () => {
    equal(php.jsonEncode({ a: "/é", b: [1, 2.5, 1e21, 0.1], c: {}, d: "😀<&>'" }),
      '{"a":"\\/\\u00e9","b":[1,2.5,1.0e+21,0.1],"c":{},"d":"\\ud83d\\ude00<&>\'"}');
    equal(php.jsonEncode("a/b"), '"a\\/b"', "a string is a value, not JSON text");
    const text = '{"a":{},"b":{"0":"x","1":"y"},"c":15.90}';
    equal(php.phpView(text), '{"a":[],"b":["x","y"],"c":15.9}');
    equal(php.phpView(text, "objects"), '{"a":{},"b":{"0":"x","1":"y"},"c":15.9}');
    deepEqual(php.jsonDecode(text), { a: [], b: ["x", "y"], c: 15.9 });
    equal(php.ksort('{"b":1,"10":2,"9a":3,"a":4,"-1":5}'), '{"-1":5,"10":2,"9a":3,"a":4,"b":1}');
    equal(php.httpBuildQuery({ a: [1, 2], b: null, c: true, d: "x y/é", e: { f: 1.5 } }),
      "a%5B0%5D=1&a%5B1%5D=2&c=1&d=x+y%2F%C3%A9&e%5Bf%5D=1.5");
    equal(php.urlencode("a b~*/é"), "a+b%7E%2A%2F%C3%A9");
    equal(php.rawurlencode("a b~*/é"), "a%20b~%2A%2F%C3%A9");
    throws(() => php.phpView("{} x"), "invalid_json");
    throws(() => php.phpView("{}", "arrays"), "invalid_field", "mode");
    throws(() => php.jsonEncode(undefined), "missing_field", "value");
    throws(() => php.ksort("3"), "invalid_field", "array");
  });

  test("errors: bad input never poisons the instance", () => {
    const deep = "[".repeat(100000);
    for (let i = 0; i < 50; i++) {
      throws(() => php.phpView(deep), "too_deep");
      throws(() => lootly.sign(undefined, null), "missing_field");
    }
    equal(lootly.sign(GUIDE, creds).hmac, GUIDE_HMAC);
  });

  if (withWoowup) woowupSuite({ test, lib, runtime });
  if (withWoowup) woowupV3Suite({ test, lib, runtime });
  checkVectors({ test, lib, vectorFiles });
}
