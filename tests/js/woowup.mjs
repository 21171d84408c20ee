// The `woowup` namespace in the one JS suite (Node, Deno, workerd, Chromium): requests byte for
// byte as php-cli builds them (tests/js/woowup-php.mjs), errors with their codes and fields,
// the points rules, the readers, the registration webhook, the connectors statistics, and the
// reward and cancel flows driven through a scripted `fetch`. The same flows against the local
// emulator run in Node only (tests/js/woowup-node.test.mjs): the emulator is a Node server.

import { deepEqual, equal, ok, throwsLoyalty } from "./assert.mjs";
import { PHP } from "./woowup-php.mjs";

export const WOOWUP_FUNCTIONS = [
  "awardPoints", "cancelOrder", "connectors", "pages", "points", "readIsUser", "readRegisteredUser", "readRegistrationRequest",
  "readResponse", "readSalePoints", "readStatus", "readTopUsers", "readTransactionId", "readTransactions", "readUser",
  "readUserLookup", "readV3", "readV3Customer", "readV3Exist", "readV3Items", "readV3Purchases", "readV3RequestId",
  "readV3TransactionId", "recordOrder", "registrationAnswer", "reverseOrder", "rewardOrder", "v2", "v3",
];
export const CLIENT_METHODS = [
  "addPointsByUid", "addSalePointsByUid", "cancelInvoice", "connectedservices", "contestSalePoints", "couponStatus",
  "initializeUser", "isUser", "registerUserClassic", "saveCategoryTree", "saveProduct", "sendTransactionalEmail",
  "topUsersByPoints", "transactions", "userByEmail", "userByUid",
];
const CONNECTORS_FUNCTIONS = [
  "StatsCollector", "logRequest", "logsRequest", "readLogResponse", "readLogsResponse", "readStatsResponse", "statsRequest",
];

const KEY = "test-api-key";
const BASE_HEADERS = { Username: "13", Apikey: KEY, Accept: "application/json" };
const FORM = { ...BASE_HEADERS, "Content-Type": "application/x-www-form-urlencoded" };
const JSON_BODY = { ...BASE_HEADERS, "Content-Type": "application/json" };

/** The order of tests/woowup_emulator.rs: 19.99 in total, one item line, branch Web. */
export function order(email, nrofactura) {
  return {
    nrofactura,
    total: "19.99",
    customer: { email, first_name: "Zoë", last_name: "O'Brien/Núñez" },
    factura: [{ codigo: "SKU/1", producto: "Café «bio»", cantidad: 2, precio: "9.995", variations: [{ name: "Talle", value: "XS" }] }],
    branch: "Web",
    datetime: "2024-02-29 10:00:00",
  };
}

/** `fn` must return a promise rejected with a LoyaltyError of this code (and field). */
export async function rejectsLoyalty(fn, LoyaltyError, code, field) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  return throwsLoyalty(() => {
    if (error !== undefined) throw error;
  }, LoyaltyError, code, field);
}

/** A fetch that answers from a script, in order, and keeps what it was sent. */
export function scriptedFetch(answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, method: init.method, headers: init.headers, body: init.body });
    const next = answers.shift();
    if (next === undefined) throw new Error(`unexpected request to ${url}`);
    if (next instanceof Error) throw next;
    const [status, body] = next;
    return new Response(body, { status });
  };
  return { fetch, sent };
}

const FOUND_ANA = '{"status":true,"data":{"user":{"service_uid":"ana@example.com","userapp_id":"7","points":"120"}}}';
const SALE_POINTS_5 = '{"status":true,"data":{"contest_sale_points":5}}';
const TRANSACTION = '{"status":true,"data":{"transaction_id":"2424"}}';

export function woowupSuite({ test, lib, runtime }) {
  const { woowup, LoyaltyError } = lib;
  const throws = (fn, code, field) => throwsLoyalty(fn, LoyaltyError, code, field);
  const rejects = (fn, code, field) => rejectsLoyalty(fn, LoyaltyError, code, field);
  const client = woowup.v2({ appId: "13", apiKey: KEY });

  /** `req` is the PHP case `name`: method, URL and body byte for byte, and these headers in order. */
  const same = (name, req, headers) => {
    const php = PHP[name];
    ok(php, `no PHP case ${name}`);
    equal(req.method, php.method, `${name}: method`);
    equal(req.url, php.url, `${name}: url`);
    equal(req.body, php.body, `${name}: body`);
    equal(JSON.stringify(Object.entries(req.headers)), JSON.stringify(Object.entries(headers)), `${name}: headers`);
  };

  test("woowup: the namespace, the client's methods and the connectors", () => {
    deepEqual(Object.keys(woowup).sort(), WOOWUP_FUNCTIONS);
    for (const name of WOOWUP_FUNCTIONS.filter((n) => n !== "connectors")) equal(typeof woowup[name], "function", `woowup.${name}`);
    deepEqual(Object.keys(woowup.connectors).sort(), CONNECTORS_FUNCTIONS);
    for (const name of CLIENT_METHODS) equal(typeof client[name], "function", `client.${name}`);
    deepEqual(Object.keys(client), ["appId", "baseUrl"]);
  });

  test("woowup: the client never shows its API key", () => {
    const secret = "s3cr3t-KEY-0042";
    const c = woowup.v2({ appId: 13, apiKey: secret });
    deepEqual(c, { appId: "13", baseUrl: "https://admin.woowup.com/apiv2" });
    equal(JSON.stringify(c), '{"appId":"13","baseUrl":"https://admin.woowup.com/apiv2"}');
    ok(!Object.getOwnPropertyNames(c).some((name) => String(c[name]).includes(secret)), "no property holds the key");
    ok(Object.isFrozen(c), "the client is frozen");
    equal(c.contestSalePoints().headers.Apikey, secret, "the key goes in the Apikey header only");
    for (const [fn, code, field] of [
      [() => woowup.v2({ appId: "13", apiKey: `${secret} x` }), "invalid_field", "apiKey"],
      [() => woowup.v2({ appId: "13", apiKey: 4242424242 }), "invalid_field", "apiKey"],
      [() => c.registerUserClassic({ uid: "a", pass: 4242424242, email: "a@b.co", first_name: "A", last_name: "B" }), "invalid_field", "pass"],
    ]) {
      const error = throws(fn, code, field);
      ok(!error.message.includes(secret) && !error.message.includes("4242424242"), error.message);
    }
  });

  test("woowup: requests are byte for byte what php-cli builds", () => {
    same("user_by_email", client.userByEmail("john+tag@doe.com"), BASE_HEADERS);
    same("user_by_uid", client.userByUid("DNI 24.586.932/á?x=1&y"), BASE_HEADERS);
    same("is_user", client.isUser({ service: 2, service_uid: "john+tag@doe.com" }), BASE_HEADERS);
    same("top_users_by_points", client.topUsersByPoints(25), BASE_HEADERS);
    same("top_users_by_points_default", client.topUsersByPoints(), BASE_HEADERS);
    same("register_user_classic", client.registerUserClassic({
      uid: "jose@example.com", pass: "p@ss w0rd&=%~", email: "jose@example.com", first_name: "José María", last_name: "O'Brien & Sons",
    }), FORM);
    // JSON text, names in another order, the uid a number: fields go by name.
    same("initialize_user", client.initializeUser(
      '{"last_name": "O\'Brien & Sons", "first_name": "José María", "email": "jose@example.com", "uid": 24586932}',
    ), FORM);
    same("add_points_by_uid", client.addPointsByUid({
      userapp_id: "john+tag@doe.com", points: -50, concept: 3, description: "¡Gracias por 1 año! 😀 100% ~*", branch: "Sucursal Centro",
    }), FORM);
    same("add_sale_points_by_uid", client.addSalePointsByUid({
      uid: "john+tag@doe.com",
      points: woowup.points("300.99", "5"),
      nrofactura: "A-0001/2023",
      factura: [
        { codigo: "SKU1034-212", producto: 'LA "LAKERS" BLUE T-SHIRT', cantidad: 3, precio: 19.99, branch: "Sucursal Centro",
          categoryCode: "ROPA/REMERAS", variations: [{ name: "Color", value: "Azul" }, { name: "Talle", value: "XS" }] },
        { codigo: 13, producto: "Café ñandú 0,5 kg", cantidad: "0.5", precio: "10.30" },
        { codigo: "14", producto: "Regalo", cantidad: 1, precio: 0 },
      ],
      branch: "Sucursal Centro",
      datetime: "2024-02-29 23:59:59",
    }), FORM);
    same("add_sale_points_unrounded", client.addSalePointsByUid({
      uid: "john@doe.com", points: woowup.points("19.99", "1.5", "unrounded"), nrofactura: 1034242,
    }), FORM);
    same("cancel_invoice", client.cancelInvoice("A-0001/2023"), FORM);
    same("transactions", client.transactions("17"), BASE_HEADERS);
    same("contest_sale_points", client.contestSalePoints(), BASE_HEADERS);
    same("connectedservices", client.connectedservices(), BASE_HEADERS);
    same("coupon_status", client.couponStatus({ coupon_id: "CUP-1 2", status: 4 }), FORM);
    same("save_product", client.saveProduct({
      code: "SKU 1/2", name: "Jabón & Co", category_id: 23, thumbnail_url: "http://img.com/thumbnail.jpg",
      image_url: "http://img.com/image.jpg", url: "http://my-ecommerce.com/123/soap?x=1&y=ñ", cost: 15.8,
    }), BASE_HEADERS);
    same("save_category_tree", client.saveCategoryTree([
      { id: 1, name: "Ropa Mujer", children: [
        { id: 2, name: "Polleras", children: [{ id: 5, name: "Niños/Niñas", children: null }] },
        { id: 3, name: "Minifaldas" },
      ] },
      { id: 4, name: 'Ropa "Hombre"', children: [] },
      { id: "ACC-9", name: "Accesorios", children: null },
    ]), JSON_BODY);
    same("send_transactional_email", client.sendTransactionalEmail({
      to: ["user1@email.com", "josé+1@email.com"],
      subject: "Tu pedido ✓ 100%",
      body: '<p>Hola "José"</p>\n<a href="https://x.com/a?b=1">ver</a>',
    }), JSON_BODY);
  });

  test("woowup: requests are ready for fetch(req.url, req)", async () => {
    const post = client.cancelInvoice(1034242);
    const fetchable = new Request(post.url, post);
    equal(fetchable.headers.get("apikey"), KEY);
    equal(fetchable.headers.get("content-type"), "application/x-www-form-urlencoded");
    equal(await fetchable.text(), "app_id=13&nrofactura=1034242", "fetch sends exactly the form");
    const get = client.userByUid(24586932);
    equal(get.body, null);
    equal(new Request(get.url, get).method, "GET");
    const local = woowup.v2({ appId: "14", apiKey: "k", baseUrl: "http://127.0.0.1:8790/apiv2/" });
    equal(local.baseUrl, "http://127.0.0.1:8790/apiv2");
    equal(local.contestSalePoints().url, "http://127.0.0.1:8790/apiv2/14/contest_sale_points");
  });

  test("woowup: configuration errors name the option", () => {
    throws(() => woowup.v2({ appId: "13", apiKey: "k", baseURL: "http://x" }), "invalid_field", "baseURL");
    throws(() => woowup.v2({ appId: "13" }), "missing_field", "apiKey");
    throws(() => woowup.v2({ apiKey: "k" }), "missing_field", "appId");
    throws(() => woowup.v2({ appId: "1/3", apiKey: "k" }), "invalid_field", "appId");
    throws(() => woowup.v2({ appId: 1.5, apiKey: "k" }), "invalid_field", "appId");
    throws(() => woowup.v2({ appId: "13", apiKey: "k", baseUrl: "ftp://x" }), "invalid_field", "baseUrl");
    throws(() => woowup.v2({ appId: "13", apiKey: "k", baseUrl: "https://x/apiv2?debug=1" }), "invalid_field", "baseUrl");
    throws(() => woowup.v2(undefined), "missing_field", "config");
    throws(() => woowup.v2("13"), "invalid_field", "config");
    const detached = client.userByEmail;
    throws(() => detached("a@b.co"), "invalid_field", "this");
  });

  test("woowup: inputs that do not fit name their field", () => {
    const sale = { uid: "john@doe.com", points: 10, nrofactura: "A-1" };
    const item = { codigo: "1", producto: "p", cantidad: 1, precio: 1 };
    throws(() => client.addSalePointsByUid({ ...sale, factura: [item, { ...item, cantidad: 0 }] }), "invalid_field", "factura[1].cantidad");
    throws(() => client.addSalePointsByUid({ ...sale, factura: [{ ...item, sku: "x" }] }), "invalid_field", "factura[0].sku");
    throws(() => client.addSalePointsByUid({ ...sale, factura: [{ ...item, precio: "ten" }] }), "invalid_field", "factura[0].precio");
    throws(() => client.addSalePointsByUid({ ...sale, uid: " " }), "missing_field", "uid");
    throws(() => client.addSalePointsByUid({ points: 1, nrofactura: "A-1" }), "missing_field", "uid");
    throws(() => client.addSalePointsByUid({ ...sale, datetime: "2023-02-30 10:00:00" }), "invalid_field", "datetime");
    throws(() => client.addSalePointsByUid({ ...sale, branch: "" }), "invalid_field", "branch");
    throws(() => client.addSalePointsByUid({ ...sale, points: 2 ** 53 }), "invalid_field", "points");
    throws(() => client.addSalePointsByUid('{"uid":'), "invalid_json");
    throws(() => client.addSalePointsByUid(undefined), "missing_field", "sale");
    throws(() => client.userByEmail("john"), "invalid_field", "email");
    throws(() => client.userByEmail(), "missing_field", "email");
    throws(() => client.userByUid(1.5), "invalid_field", "uid");
    throws(() => client.isUser({ service: 3, service_uid: "x" }), "invalid_field", "service");
    throws(() => client.topUsersByPoints(101), "invalid_field", "limit");
    throws(() => client.topUsersByPoints(0), "invalid_field", "limit");
    throws(() => client.cancelInvoice(""), "missing_field", "nrofactura");
    throws(() => client.couponStatus({ coupon_id: "C", status: 0 }), "invalid_field", "status");
    throws(() => client.saveProduct({ code: "1", name: "n", cost: -1 }), "invalid_field", "cost");
    const cycle = [{ id: 1, name: "a", children: [{ id: 2, name: "b", children: [{ id: 1, name: "c" }] }] }];
    throws(() => client.saveCategoryTree(cycle), "invalid_field", "categories[0].children[0].children[0].id");
    throws(() => client.saveCategoryTree([{ id: 1, name: "a" }, { id: "1", name: "b" }]), "duplicate", "categories[1].id");
    const email = { to: ["a@b.co", "A@b.co"], subject: "s", body: "b" };
    throws(() => client.sendTransactionalEmail(email), "duplicate", "to[1]");
    throws(() => client.sendTransactionalEmail({ ...email, to: ["a@b.co"], subject: "one\ntwo" }), "invalid_field", "subject");
    throws(() => client.initializeUser({ uid: "u", email: "u@x.co", first_name: "A" }), "missing_field", "last_name");
  });

  test("woowup: points with 19.99, exactly, under the three rules", () => {
    equal(woowup.points("19.99", "1"), "19", "ceil_of_floored_total is the default");
    equal(woowup.points("19.99", "1", "ceil_of_floored_total"), "19");
    equal(woowup.points("19.99", "1", "ceil_of_total"), "20");
    equal(woowup.points("19.99", "1", "unrounded"), "19.99");
    equal(woowup.points(19.99, 1.5, "unrounded"), "29.985", "numbers are read through their shortest text");
    equal(woowup.points("19.99", "1.5", "ceil_of_floored_total"), "29");
    equal(woowup.points("19.99", 1.5, "ceil_of_total"), "30");
    equal(woowup.points("0.99", "10"), "0", "cents never earn points under the default rule");
    equal(woowup.points("1.1", "100", "ceil_of_total"), "110", "exact where PHP's float says 111");
    equal(PHP.float_drift_ceil.body, "111");
    equal(woowup.points(3, 0.1, "ceil_of_total"), "1", "0.1 × 3 is not 0.30000000000000004 here");
    throws(() => woowup.points("-1", "1"), "invalid_field", "total");
    throws(() => woowup.points("1", -1), "invalid_field", "salePoints");
    throws(() => woowup.points("ten", "1"), "invalid_field", "total");
    throws(() => woowup.points(NaN, "1"), "non_finite_number", "total");
    throws(() => woowup.points("1", undefined), "missing_field", "salePoints");
    throws(() => woowup.points("1", "1", "ceil"), "invalid_field", "rule");
    throws(() => woowup.points("9007199254740992", "1"), "invalid_field", "points");
  });

  test("woowup: readResponse gives data or throws WoowUp's message", () => {
    deepEqual(woowup.readResponse(200, '{"status":true,"data":{"contest_sale_points":"5"}}'), { contest_sale_points: "5" });
    equal(woowup.readResponse(200, '{"status":true,"message":"User already exists"}'), "User already exists");
    deepEqual(woowup.readResponse(200, '[{"id":"1","points":"20"}]'), [{ id: "1", points: "20" }]);
    const refused = throws(() => woowup.readResponse(200, '{"status":false,"message":"Invalid apikey"}'), "remote_error");
    equal(refused.message, "woowup answered 200: Invalid apikey");
    equal(refused.field, undefined);
    ok(throws(() => woowup.readResponse(503, "<html>busy</html>"), "remote_error").message.includes("503"));
    throws(() => woowup.readResponse(200, "<html>"), "invalid_response");
    throws(() => woowup.readResponse(200, ""), "invalid_response");
    throws(() => woowup.readResponse(200, '{"data":1}'), "invalid_response");
    throws(() => woowup.readResponse(600, "{}"), "invalid_field", "status");
    throws(() => woowup.readResponse(200, undefined), "missing_field", "body");
  });

  test("woowup: typed readers keep numbers-as-text as text and decimals as strings", () => {
    const lookup = woowup.readUserLookup(200,
      '{"status":true,"data":{"user":{"id":9,"service_uid":null,"userapp_id":"17","app_id":"13","points":"4256.50","email":"a@b.co"}}}');
    equal(lookup.kind, "found");
    deepEqual(lookup.user, {
      id: "9", userapp_id: "17", app_id: "13", service: null, service_uid: null, email: "a@b.co", first_name: null,
      last_name: null, name: null, points: "4256.5", status: null, createtime: null,
    });
    deepEqual(woowup.readUserLookup(200, '{"status":false,"message":"User not found"}'), { kind: "not_found", message: "User not found" });
    deepEqual(woowup.readUserLookup(404, '{"status":false}'), { kind: "not_found", message: null });
    throws(() => woowup.readUserLookup(403, '{"status":false,"message":"Forbidden"}'), "remote_error");
    throws(() => woowup.readUserLookup(200, '{"status":true,"data":{"user":{"points":"many"}}}'), "invalid_response");
    equal(woowup.readUser(200, '{"status":true,"data":{"user":{"service_uid":"x"}}}').service_uid, "x");
    throws(() => woowup.readUser(200, '{"status":false,"message":"User not found"}'), "remote_error");
    const registered = woowup.readRegisteredUser(200,
      '{"status":true,"data":{"user":{"service":2,"service_uid":"31824477","id":"9"},"user_app":{"app_id":"13","id":"34"},"points":0}}');
    deepEqual([registered.id, registered.userapp_id, registered.app_id, registered.service, registered.points], ["9", "34", "13", "2", "0"]);
    equal(woowup.readIsUser(200, '{"status":true,"message":"User already exists"}'), true);
    equal(woowup.readIsUser(200, '{"status":false}'), false);
    const transactions = woowup.readTransactions(200,
      '[{"id":"2191","points":"20000","action_id":null,"concept_id":"3","description":"342","created":"2014-02-26 14:41:22"},{"id":2206,"points":-100.5}]');
    deepEqual(transactions, [
      { id: "2191", points: "20000", action_id: null, concept_id: "3", description: "342", created: "2014-02-26 14:41:22" },
      { id: "2206", points: "-100.5", action_id: null, concept_id: null, description: null, created: null },
    ]);
    deepEqual(woowup.readTransactions(200, "[]"), []);
    const top = woowup.readTopUsers(200, '[{"id":"1234","service_uid":"john@doe.com","points":999}]');
    deepEqual([top.length, top[0].id, top[0].points], [1, "1234", "999"]);
    equal(woowup.readTransactionId(200, '{"status":true,"data":{"transaction_id":2424}}'), "2424");
    equal(woowup.readTransactionId(200, '{"status":true}'), null);
    throws(() => woowup.readTransactionId(200, '{"status":false,"message":"Invoice number A-1 already exists"}'), "remote_error");
    equal(woowup.readSalePoints(200, '{"status":true,"data":{"contest_sale_points":"0.50"}}'), "0.5");
    equal(woowup.readSalePoints(200, '{"status":true,"data":{}}'), null);
    throws(() => woowup.readSalePoints(200, '{"status":true,"data":{"contest_sale_points":-1}}'), "invalid_response");
    equal(woowup.readStatus(200, '{"status":true,"data":"Cambio de estado efectuado con exito"}'), "Cambio de estado efectuado con exito");
    equal(woowup.readStatus(200, '{"status":true}'), null);
  });

  test("woowup: the registration webhook, read and answered as PHP writes it", () => {
    const body = '{"email": "johndoe@gmail.com", "dni": "24586932", "age": 30, "news": true, "x": null, "ñ": "Ñ/"}';
    const form = woowup.readRegistrationRequest(body);
    deepEqual(form.answers, { email: "johndoe@gmail.com", dni: "24586932", age: 30, news: true, x: null, "ñ": "Ñ/" });
    deepEqual(form.texts, { email: "johndoe@gmail.com", dni: "24586932", age: "30", news: "1", "ñ": "Ñ/" });
    deepEqual(woowup.readRegistrationRequest(new TextEncoder().encode(body)), form, "bytes read as text");
    throws(() => woowup.readRegistrationRequest("[1]"), "invalid_field", "body");
    throws(() => woowup.readRegistrationRequest("{"), "invalid_json");
    throws(() => woowup.readRegistrationRequest(new Uint8Array([0x7b, 0xff, 0x7d])), "invalid_field", "body");
    const accept = woowup.registrationAnswer({ accept: true });
    deepEqual(accept, { status: 200, headers: { "Content-Type": "application/json" }, body: PHP.registration_accept.body });
    equal(woowup.registrationAnswer({ accept: false, message: "Tu DNI no se encuentra registrado / ñ" }).body, PHP.registration_reject.body);
    throws(() => woowup.registrationAnswer({ accept: false }), "missing_field", "message");
    throws(() => woowup.registrationAnswer({ accept: false, message: " " }), "missing_field", "message");
    throws(() => woowup.registrationAnswer({ accept: "yes" }), "invalid_field", "accept");
    throws(() => woowup.registrationAnswer({ accept: true, reason: "x" }), "invalid_field", "reason");
  });

  test("woowup.connectors: the stats collector writes the log payload; requests and readers", async () => {
    const { connectors } = woowup;
    const s = new connectors.StatsCollector();
    s.addFile("customers", "customers-2019_03_11.csv");
    s.addFile("purchases", "purchases-2019_03_11.csv");
    s.record({ entity: "customers", branch: "Unicenter" }, "created");
    s.record({ entity: "customers", branch: "Unicenter" }, "updated");
    s.record({ entity: "customers" }, "created");
    s.record({ entity: "purchases", branch: "B", revenue: "0.25", items: 2 }, "created");
    s.record({ entity: "purchases", branch: "A", revenue: 10.25, items: 1 }, "created");
    s.record({ entity: "purchases", branch: "A", revenue: "0.25", items: 3 }, "updated");
    s.recordFailure({ entity: "purchases", branch: "A", revenue: "999", items: 3 }, { file: "purchases-2019_03_11.csv", line: 7, key: "A-9", reason: "bad total" });
    const payload = s.payload("2019-03-12T12:30:00+00:00");
    const expected =
      '{"files":["customers-2019_03_11.csv","purchases-2019_03_11.csv"],"processingtime":"2019-03-12T12:30:00+00:00",' +
      '"stats":{"customers":{"total_created":2,"total_updated":1,"total_failed":0,"per_branches":[{"branch":"Unicenter","created":1,"updated":1,"failed":0,"total_created":1,"total_updated":1,"total_failed":0}]},' +
      '"purchases":{"total_created":2,"total_updated":1,"total_failed":1,"total_revenue":11,"total_invoice_items":6,"per_branches":[' +
      '{"branch":"A","total_created":1,"total_updated":1,"total_failed":1,"total_revenue":11,"total_invoice_items":4},' +
      '{"branch":"B","total_created":1,"total_updated":0,"total_failed":0,"total_revenue":0,"total_invoice_items":2}]}}}';
    const config = { apiKey: "k3y" };
    const log = connectors.logRequest(config, payload);
    equal(log.body, expected.replaceAll("/", "\\/"), "the payload as PHP's json_encode writes it");
    equal(log.url, "https://connectors.woowup.com/v1/log");
    deepEqual(log.headers, { Authorization: "Bearer k3y", Accept: "application/json", "Content-Type": "application/json" });
    equal(connectors.logRequest(config, JSON.stringify(payload)).body, log.body, "JSON text sends the same bytes");
    equal(s.exactRevenue, "10.75");
    deepEqual(s.totals("purchases"), { created: 2, updated: 1, failed: 1 });
    deepEqual(s.errors(), [{ entity: "purchases", file: "purchases-2019_03_11.csv", line: 7, key: "A-9", reason: "bad total" }]);
    deepEqual([s.errorsDropped, s.files.length], [0, 2]);
    ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/.test(s.payload().processingtime), "now, when left out");
    equal(s.payload(new Date(1552393800000)).processingtime, "2019-03-12T12:30:00+00:00");
    throws(() => s.payload("2019-03-12 12:30:00"), "invalid_field", "processingtime");
    throws(() => s.record({ entity: "orders" }, "created"), "invalid_field", "entity");
    throws(() => s.record({ entity: "purchases", revenue: "1,5" }, "created"), "invalid_field", "revenue");
    throws(() => s.record({ entity: "purchases" }, "done"), "invalid_field", "outcome");
    throws(() => s.record({ entity: "purchases", total: 1 }, "created"), "invalid_field", "total");
    s.free();

    const logs = connectors.logsRequest(config, { entity: "purchases", page: 0, limit: 50, from: "2019-03-01", to: "2019-03-31" });
    equal(logs.url, "https://connectors.woowup.com/v1/logs?entity=purchases&page=0&limit=50&from=2019-03-01&to=2019-03-31");
    equal(logs.body, null);
    equal(connectors.logsRequest(config).url, "https://connectors.woowup.com/v1/logs");
    throws(() => connectors.logsRequest(config, { from: "2019/03/01" }), "invalid_field", "from");
    const local = { apiKey: "k3y", apiBaseUrl: "http://127.0.0.1:8787/", statsAuth: "bearer" };
    const stats = connectors.statsRequest(local, { from: "2019-03-01", branch: "Shopping Unicenter & Co" });
    equal(stats.url, "http://127.0.0.1:8787/apiv3/stats?from=2019-03-01&branch=Shopping+Unicenter+%26+Co");
    equal(stats.headers.Authorization, "Bearer k3y");
    equal(connectors.statsRequest(config).headers.Authorization, "Basic k3y", "API v3 style unless told");
    throws(() => connectors.statsRequest({ apiKey: "a b" }), "invalid_field", "apiKey");
    throws(() => connectors.statsRequest({ apiKey: "k", statsAuth: "digest" }), "invalid_field", "statsAuth");
    throws(() => connectors.logRequest({ apiKey: "k", connectorsBaseUrl: "connectors.woowup.com" }, {}), "invalid_field", "connectorsBaseUrl");

    // The page's own examples, the stats one with its trailing comma.
    const read = connectors.readStatsResponse(200,
      '{"total_customers": 100, "total_purchases": "200", "total_revenue": 300000.5, "total_invoice_items": 600, ' +
      '"per_branches": [{"branch": "Shopping Unicenter", "total_customers": 1, "total_purchases": 2, "total_revenue": 3, "total_invoice_items": 4,}]}');
    deepEqual(read, {
      branch: null, total_customers: 100, total_purchases: 200, total_revenue: 300000.5, total_invoice_items: 600,
      per_branches: [{ branch: "Shopping Unicenter", total_customers: 1, total_purchases: 2, total_revenue: 3, total_invoice_items: 4, per_branches: [] }],
    });
    const records = connectors.readLogsResponse(200, `[${expected.replace('"processingtime"', '"createtime":"2019-03-12T12:31:00+00:00","processingtime"')}]`);
    equal(records.length, 1);
    deepEqual(records[0].stats.customers.per_branches[0], { branch: "Unicenter", created: 1, updated: 1, failed: 0, revenue: null, invoice_items: null });
    deepEqual([records[0].stats.purchases.revenue, records[0].stats.purchases.invoice_items, records[0].createtime], [11, 6, "2019-03-12T12:31:00+00:00"]);
    equal(connectors.readLogResponse(201, ""), null);
    equal(connectors.readLogResponse(200, expected).files.length, 2);
    ok(throws(() => connectors.readStatsResponse(403, '{"message":"forbidden"}'), "remote_error").message.includes("forbidden"));
    throws(() => connectors.readLogsResponse(200, "<html>"), "invalid_response");
  });

  test("woowup.rewardOrder: drives the flow through the given fetch, request by request", async () => {
    const { fetch, sent } = scriptedFetch([[200, FOUND_ANA], [200, SALE_POINTS_5], [200, TRANSACTION]]);
    const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch });
    deepEqual(outcome, {
      outcome: "rewarded", uid: "ana@example.com", points: "95", sale_points: "5", transaction_id: "2424", customer_initialized: false, already_recorded: false,
    });
    deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
      "GET https://admin.woowup.com/apiv2/13/user_by_email?email=ana%40example.com",
      "GET https://admin.woowup.com/apiv2/13/contest_sale_points",
      "POST https://admin.woowup.com/apiv2/13/add_sale_points_by_uid",
    ]);
    const expectedSale = client.addSalePointsByUid({ ...order("ana@example.com", "A-1"), uid: "ana@example.com", points: "95", total: undefined, customer: undefined });
    equal(sent[2].body, expectedSale.body, "the sale is the builder's own bytes");
    deepEqual(sent[2].headers, FORM);

    // JSON text order, cached sale points, found by uid, the unrounded rule: one lookup, one sale.
    const cached = scriptedFetch([[200, '{"status":true,"data":{"user":{"service_uid":"24586932"}}}'], [200, '{"status":true,"data":{}}']]);
    const text = JSON.stringify({ nrofactura: 7, total: 19.99, customer: { uid: 24586932 } });
    const byUid = await woowup.rewardOrder({ client, order: text, options: { findBy: "uid", rule: "unrounded", salePoints: "1.5" }, fetch: cached.fetch });
    deepEqual(byUid, { outcome: "rewarded", uid: "24586932", points: "29.985", sale_points: "1.5", transaction_id: null, customer_initialized: false, already_recorded: false });
    equal(cached.sent[0].url, "https://admin.woowup.com/apiv2/13/user_by_uid?uid=24586932");
    equal(cached.sent[1].body, PHP.add_sale_points_unrounded.body.replace("uid=john%40doe.com", "uid=24586932").replace("1034242", "7"));
  });

  test("woowup.rewardOrder: unknown customers skipped or initialised; zero sale points", async () => {
    const unknown = '{"status":false,"message":"User not found"}';
    const skip = scriptedFetch([[200, unknown]]);
    deepEqual(await woowup.rewardOrder({ client, order: order("new@example.com", "A-2"), fetch: skip.fetch }),
      { outcome: "skipped", reason: "unknown_customer", message: "User not found", sale_points: null, customer_initialized: false });
    equal(skip.sent.length, 1, "nothing sent after the lookup");

    const registered = '{"status":true,"data":{"user":{"service_uid":"new@example.com","id":"9"},"user_app":{"app_id":"13","id":"34"},"points":0}}';
    const init = scriptedFetch([[200, unknown], [200, registered], [200, SALE_POINTS_5], [200, TRANSACTION]]);
    const outcome = await woowup.rewardOrder({ client, order: order("new@example.com", "A-3"), options: { unknownCustomer: "initialize" }, fetch: init.fetch });
    deepEqual([outcome.outcome, outcome.customer_initialized, outcome.points], ["rewarded", true, "95"]);
    equal(init.sent[1].url, "https://admin.woowup.com/apiv2/13/initialize_user");
    equal(init.sent[1].body, "uid=new%40example.com&email=new%40example.com&first_name=Zo%C3%AB&last_name=O%27Brien%2FN%C3%BA%C3%B1ez");

    const zero = scriptedFetch([[200, FOUND_ANA], [200, '{"status":true,"data":{"contest_sale_points":0}}']]);
    deepEqual(await woowup.rewardOrder({ client, order: order("ana@example.com", "A-4"), fetch: zero.fetch }),
      { outcome: "skipped", reason: "zero_sale_points", message: null, sale_points: "0", customer_initialized: false });
    equal(zero.sent.length, 2, "no sale sent");
  });

  test("woowup.rewardOrder: refusals, unreadable answers and network errors end in a failed outcome", async () => {
    const refused = scriptedFetch([[200, FOUND_ANA], [200, SALE_POINTS_5], [200, '{"status":false,"message":"Invoice number A-1 already exists"}']]);
    deepEqual(await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: refused.fetch }), {
      outcome: "failed", step: "add_sale_points",
      error: { code: "remote_error", field: null, message: "woowup answered 200: Invoice number A-1 already exists" }, status: 200,
    });
    const busy = scriptedFetch([[200, FOUND_ANA], [503, '{"message":"Service Unavailable"}']]);
    const failed = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: busy.fetch, retry: { maxAttempts: 1 } });
    deepEqual([failed.outcome, failed.step, failed.error.code, failed.status], ["failed", "read_sale_points", "remote_error", 503]);
    const garbled = scriptedFetch([[200, "<html>oops</ht"]]);
    const unreadable = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: garbled.fetch });
    deepEqual([unreadable.step, unreadable.error.code, unreadable.status], ["find_customer", "invalid_response", 200]);
    const offline = scriptedFetch([[200, FOUND_ANA], new TypeError("fetch failed")]);
    deepEqual(await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: offline.fetch, retry: { maxAttempts: 1 } }), {
      outcome: "failed", step: "read_sale_points",
      error: { code: "network_error", field: null, message: "woowup: no answer: /apiv2/13/contest_sale_points: TypeError: fetch failed (1 attempt)" }, status: null,
    });
  });

  test("woowup.rewardOrder: the core's retry policy, with the caller's budget", async () => {
    const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 4 };
    const repeated = '{"status":false,"message":"Invoice number A-1 already exists"}';
    // A 503 on a lookup, a 429 with Retry-After 0, a lost sale whose repeat WoowUp refuses.
    const flaky = scriptedFetch([[503, "{}"], [200, FOUND_ANA], [429, "{}"], [200, SALE_POINTS_5], new TypeError("reset"), [200, repeated]]);
    const outcome = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: flaky.fetch, retry: fast });
    deepEqual([outcome.outcome, outcome.already_recorded, outcome.transaction_id], ["rewarded", true, null]);
    deepEqual(flaky.sent.map((r) => r.url.split("/").pop().split("?")[0]),
      ["user_by_email", "user_by_email", "contest_sale_points", "contest_sale_points", "add_sale_points_by_uid", "add_sale_points_by_uid"]);
    // Refused credentials stop at once; a lookup that never answers ends in network_error.
    const refused = scriptedFetch([[401, '{"status":false,"message":"Invalid apikey"}']]);
    const stopped = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: refused.fetch, retry: fast });
    deepEqual([stopped.outcome, stopped.error.code, stopped.status, refused.sent.length], ["failed", "remote_error", 401, 1]);
    const down = scriptedFetch([new TypeError("a"), new TypeError("b"), new TypeError("c")]);
    const lost = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: down.fetch, retry: fast });
    deepEqual([lost.error.code, lost.status, down.sent.length], ["network_error", null, 3]);
    // A sale answered with HTML is in doubt: sent again, and read the second time.
    const html = scriptedFetch([[200, FOUND_ANA], [200, SALE_POINTS_5], [200, "<html>ok</html>"], [200, '{"status":true,"data":{"transaction_id":"7"}}']]);
    const doubted = await woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: html.fetch, retry: fast });
    deepEqual([doubted.outcome, doubted.transaction_id, html.sent.length], ["rewarded", "7", 4]);
    await rejects(() => woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: html.fetch, retry: { maxAttempts: 0 } }), "invalid_field", "retry.maxAttempts");
    await rejects(() => woowup.rewardOrder({ client, order: order("ana@example.com", "A-1"), fetch: html.fetch, retry: { tries: 2 } }), "invalid_field", "tries");
  });

  test("woowup.rewardOrder: the runtime's own fetch by default", async () => {
    // The browser's page server answers 404 to WoowUp paths (so fetch ran and its answer was read);
    // elsewhere nothing listens on port 9 (and Deno runs the suite without net permission).
    const base = runtime.provider ? `${runtime.provider}/apiv2` : "http://127.0.0.1:9/apiv2";
    const local = woowup.v2({ appId: "13", apiKey: KEY, baseUrl: base });
    const outcome = await woowup.rewardOrder({ client: local, order: order("ana@example.com", "A-1"), retry: { maxAttempts: 1 } });
    deepEqual([outcome.outcome, outcome.step], ["failed", "find_customer"]);
    ok(!/invocation/i.test(outcome.error.message), outcome.error.message);
    if (runtime.provider) deepEqual([outcome.error.code, outcome.status], ["remote_error", 404], "the page's server answered");
    else deepEqual([outcome.error.code, outcome.status], ["network_error", null]);
  });

  test("woowup.rewardOrder and cancelOrder: bad input rejects with a LoyaltyError before anything is sent", async () => {
    const { fetch, sent } = scriptedFetch([]);
    const good = order("ana@example.com", "A-1");
    await rejects(() => woowup.rewardOrder({ client: { appId: "13" }, order: good, fetch }), "invalid_field", "client");
    await rejects(() => woowup.rewardOrder({ order: good, fetch }), "invalid_field", "client");
    await rejects(() => woowup.rewardOrder({ client, fetch }), "missing_field", "order");
    await rejects(() => woowup.rewardOrder({ client, order: { ...good, total: "-1" }, fetch }), "invalid_field", "total");
    await rejects(() => woowup.rewardOrder({ client, order: { ...good, customer: { email: "nope" } }, fetch }), "invalid_field", "customer.email");
    await rejects(() => woowup.rewardOrder({ client, order: { ...good, factura: [{ codigo: "1" }] }, fetch }), "missing_field", "factura[0].producto");
    const nameless = { ...good, customer: { email: "a@b.co" } };
    await rejects(() => woowup.rewardOrder({ client, order: nameless, options: { unknownCustomer: "initialize" }, fetch }), "missing_field", "customer.first_name");
    await rejects(() => woowup.rewardOrder({ client, order: good, options: { findBy: "phone" }, fetch }), "invalid_field", "findBy");
    await rejects(() => woowup.rewardOrder({ client, order: good, options: { sale_points: 5 }, fetch }), "invalid_field", "sale_points");
    await rejects(() => woowup.rewardOrder({ client, order: good, options: { salePoints: -1 }, fetch }), "invalid_field", "salePoints");
    await rejects(() => woowup.rewardOrder({ client, order: good, fetch: "fetch" }), "invalid_field", "fetch");
    await rejects(() => woowup.rewardOrder({ client, order: good, fetch, retries: 3 }), "invalid_field", "retries");
    await rejects(() => woowup.rewardOrder(undefined), "missing_field", "input");
    await rejects(() => woowup.cancelOrder({ client, nrofactura: " ", fetch }), "missing_field", "nrofactura");
    equal(sent.length, 0);
  });

  test("woowup.cancelOrder: cancels and reads the answer", async () => {
    const { fetch, sent } = scriptedFetch([[200, '{"status":true,"data":{"transaction_id":"77"}}']]);
    deepEqual(await woowup.cancelOrder({ client, nrofactura: "A-0001/2023", fetch }), { outcome: "cancelled", nrofactura: "A-0001/2023", transaction_id: "77", already_cancelled: false });
    equal(sent[0].body, PHP.cancel_invoice.body);
    const missing = scriptedFetch([[200, '{"status":false,"message":"Invoice not found"}']]);
    const failed = await woowup.cancelOrder({ client, nrofactura: 1, fetch: missing.fetch });
    deepEqual([failed.outcome, failed.step, failed.error.code, failed.status], ["failed", "cancel_invoice", "remote_error", 200]);
  });
}
