// Type tests of index.d.ts: checked by `tsc --noEmit`, never run. Correct use compiles with
// precise result types; each `@ts-expect-error` line is a misuse that must not compile (tsc
// fails if one does compile).
import { lootly, php, LoyaltyError, type ErrorCode, type GetRequest, type PostRequest } from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
declare function assertType<T extends true>(): void;

// Every function of the public surface, and no `any` in their parameters or results.
type Surface = typeof lootly & typeof php;
type HasAny<F> = F extends (...args: infer A) => infer R
  ? IsAny<R> extends true ? true : true extends { [K in keyof A]-?: IsAny<A[K]> }[number] ? true : false
  : true;
assertType<Equal<{ [K in keyof Surface]: HasAny<Surface[K]> }[keyof Surface], false>>();
assertType<Equal<keyof typeof php, "jsonEncode" | "phpView" | "jsonDecode" | "ksort" | "httpBuildQuery" | "urlencode" | "rawurlencode">>();
assertType<
  Equal<
    keyof typeof lootly,
    | "shopId" | "customerSignature" | "sign" | "verify" | "request" | "orderCompleted" | "orderPaid" | "orderFulfilled"
    | "orderProcessing" | "orderCancelled" | "refund" | "customer" | "pointsAdd" | "pointsSubtract" | "keyVerify"
    | "appInstalled" | "validateOrder" | "readResponse" | "widgetProps" | "widgetHtml" | "scriptTag" | "mountWidget"
    | "couponCsv" | "pointBalance" | "pointBalances" | "readPointBalance" | "readPointBalances" | "verifyRequest"
    | "orderClosed" | "rewardsList" | "customerInfo" | "redeemReward" | "readRewardsList" | "readCustomerInfo"
    | "readRedeemedReward"
  >
>();

const creds: lootly.Options = { apiKey: "key", apiSecret: "secret" };
const order: lootly.Order = {
  id: "100001",
  total_price: "39.99",
  total_tax: 0,
  total_discounts: "10.00",
  subtotal_price: "29.99",
  taxes_included: false,
  discount_codes: ["COUPON_CODE"],
  customer: { id: "001", email: "support@lootly.io", birthday: null },
  products: [{ product_id: 12, product_name: "Mate", product_price: "19.99", quantity: 2, categories: [{ category_id: "3" }], variantID: "12-b" }],
  ip_address: "192.0.2.7",
  guest: false,
  coupon_code: "SAVE5",
};
const typo: lootly.Order = {
  id: "1", total_price: 1, total_tax: 0, total_discounts: 0, subtotal_price: 1, taxes_included: false,
  customer: { id: "1", email: "a@b.co" },
  // @ts-expect-error: typed orders refuse fields they do not know
  taxes_include: false,
};

// Builders return requests that fetch takes as they are.
const post = lootly.orderCompleted(order, { ...creds, baseUrl: "http://127.0.0.1:8787", serverPhp: 7 });
// @ts-expect-error: a PHP major version Lootly's server could run is 7 or 8
lootly.sign({}, { ...creds, serverPhp: 5 });
const versionCode: ErrorCode = "php_version_dependent";
assertType<Equal<typeof post, PostRequest>>();
assertType<Equal<typeof post.method, "POST">>();
const get = lootly.pointBalances(["1", "2"], creds);
assertType<Equal<typeof get.body, null>>();
async function send(): Promise<number> {
  const response = await fetch(post.url, post);
  await fetch(get.url, get);
  const reply = lootly.readResponse(response.status, await response.text());
  if (reply.ok) {
    assertType<Equal<typeof reply.meaning, "accepted">>();
  } else if (reply.retryable) {
    assertType<Equal<typeof reply.meaning, "rate_limited" | "unexpected">>();
  } else {
    assertType<Equal<typeof reply.meaning, "unknown_endpoint" | "unauthorized" | "integration_not_allowed">>();
  }
  return lootly.readPointBalance(200, '{"point_value":1}');
}

// Payloads as objects or JSON text; results as declared.
const signed: lootly.Signed = lootly.sign({ id: "1", nested: { list: [1, "a", null, true] } }, creds);
const fromText: string = lootly.request("orders-cancelled", '{"id":"1"}', creds).body;
const valid: boolean = lootly.verify(new Uint8Array(8).buffer, "secret");
const problems: lootly.Problem[] = lootly.validateOrder({ id: "1", taxes_included: "0", customer: { id: "1" } });
const codes: lootly.ProblemCode[] = lootly.validateOrder("{}").map((p) => p.code);
const props: lootly.WidgetProps = lootly.widgetProps({ apiKey: "k", apiSecret: "s", shopDomain: "https://shop.com" });
const div: HTMLDivElement = lootly.mountWidget(document.body, props);
const divBySelector: HTMLDivElement = lootly.mountWidget("#lootly", props);
const balances: lootly.PointBalance[] = lootly.readPointBalances(200, "[]");
const decoded: import("loyalty-connector").JsonValue = php.jsonDecode("{}", "objects");
lootly.keyVerify(creds);
lootly.keyVerify(creds, 1_700_000_000);
lootly.appInstalled({ shopUrl: "https://shop.com" }, creds);

try {
  lootly.sign("{", creds);
} catch (e) {
  if (e instanceof LoyaltyError) {
    const code: ErrorCode = e.code;
    const field: string | undefined = e.field;
    const error: Error = e;
    const status: number | undefined = e.status;
    const service: "lootly" | "woowup" | undefined = e.service;
    // @ts-expect-error the service is one of the two vendors
    if (e.service === "stripe") console.log(status, service);
    // @ts-expect-error the code is one of a closed set
    if (e.code === "not_found") console.log(code, field, error);
  }
}

// Misuse that must not compile.
// @ts-expect-error no such webhook type
lootly.request("orders-complete", {}, creds);
// @ts-expect-error the secret is required
lootly.sign({}, { apiKey: "k" });
// @ts-expect-error a misspelt option is refused
lootly.sign({}, { apiKey: "k", apiSecret: "s", baseURL: "http://127.0.0.1" });
// @ts-expect-error a Date is not a JSON object
lootly.sign(new Date(), creds);
// @ts-expect-error a bigint is not JSON
php.jsonEncode(10n);
// @ts-expect-error taxes_included is a boolean in the typed order
lootly.orderCompleted({ ...order, taxes_included: "0" }, creds);
// @ts-expect-error the customer is required
lootly.orderPaid({ ...order, customer: undefined }, creds);
// @ts-expect-error a refund lists its amounts
lootly.refund({ id: "1", amount: "5" }, creds);
// @ts-expect-error a GET request has no body
const getBody: string = get.body;
// @ts-expect-error coupon codes are strings
lootly.couponCsv([1, 2]);
// @ts-expect-error the api secret never goes into the page's props
lootly.widgetHtml({ apiKey: "k", apiSecret: "s", shopDomain: "d", shopId: "i" });
// @ts-expect-error no such meaning
if (lootly.readResponse(200, "").meaning === "ok") console.log();
// @ts-expect-error the decode mode is "assoc" or "objects"
php.phpView("{}", "arrays");
// @ts-expect-error the status is a number
lootly.readResponse("200", "");
// @ts-expect-error verify takes the raw body, not a parsed object
lootly.verify({ hmac: "x" }, "s");

export { send, signed, fromText, valid, problems, codes, div, divBySelector, balances, decoded, getBody };

// `loyalty-connector/lootly`: the same lootly and php namespaces, and no woowup.
assertType<Equal<typeof lootlyOnly.lootly, typeof lootly>>();
assertType<Equal<typeof lootlyOnly.php, typeof php>>();
const leanSigned: string = lootlyOnly.lootly.sign({ id: "1" }, creds).hmac;
const leanError: ErrorCode | undefined = new lootlyOnly.LoyaltyError("invalid_json", "m").code;
console.log(leanSigned, leanError);
// @ts-expect-error the lootly entry has no woowup
console.log(lootlyOnly.woowup);

// Receiving what Lootly sends: a Fetch API Request, one secret or several, a replay guard.
async function receive(request: Request): Promise<boolean> {
  const seen = new Set<string>();
  const fresh = await lootly.verifyRequest(request, ["old", "new"], {
    maxAgeSeconds: 300,
    seen: (hmac) => seen.has(hmac) || (seen.add(hmac), false),
  });
  assertType<Equal<typeof fresh, boolean>>();
  // @ts-expect-error: secrets are text
  await lootly.verifyRequest(request, [1]);
  return lootly.verifyRequest(request, "secret");
}

// Lootly's newer endpoints and their readers.
const redeem: PostRequest = lootly.redeemReward({ customerEmail: "a@b.co", rewardId: 3 }, creds, 1767225600);
const rewards: lootly.Reward[] = lootly.readRewardsList(200, '{"data":[]}');
const coupon: string = lootly.readRedeemedReward(200, "{}").couponCode;
const points: number = lootly.readCustomerInfo(200, "{}").points;
// @ts-expect-error: redeemReward takes the customer's email, not an id
lootly.redeemReward({ customerId: "1", rewardId: 3 }, creds);
