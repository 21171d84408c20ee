// Type tests of the woowup namespace of index.d.ts: checked by `tsc --noEmit`, never run. Correct
// use compiles with precise result types; each `@ts-expect-error` line is a misuse that must not
// compile (tsc fails if one does compile).
import * as pkg from "loyalty-connector";
import { woowup, LoyaltyError, type ErrorCode, type GetRequest, type JsonValue, type PostRequest } from "loyalty-connector";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
declare function assertType<T extends true>(): void;

// The package's values, and the namespace's surface.
assertType<Equal<keyof typeof pkg, "lootly" | "php" | "woowup" | "LoyaltyError">>();
assertType<
  Equal<
    keyof typeof woowup,
    | "v2" | "points" | "readResponse" | "readStatus" | "readUserLookup" | "readUser" | "readRegisteredUser" | "readIsUser"
    | "readTopUsers" | "readTransactions" | "readTransactionId" | "readSalePoints" | "rewardOrder" | "cancelOrder"
    | "readRegistrationRequest" | "registrationAnswer" | "connectors"
    | "v3" | "readV3" | "readV3Customer" | "readV3Purchases" | "readV3TransactionId" | "readV3RequestId" | "readV3Exist"
    | "readV3Items" | "recordOrder" | "awardPoints" | "reverseOrder" | "pages"
  >
>();
assertType<
  Equal<
    keyof typeof woowup.connectors,
    "StatsCollector" | "logRequest" | "logsRequest" | "statsRequest" | "readLogResponse" | "readLogsResponse" | "readStatsResponse"
  >
>();

// No `any` in any parameter or result: the namespace's functions, the client's methods, the connectors.
type HasAny<F> = F extends (...args: infer A) => infer R
  ? IsAny<R> extends true ? true : true extends { [K in keyof A]-?: IsAny<A[K]> }[number] ? true : false
  : false;
type Functions = Omit<typeof woowup, "connectors"> & Omit<typeof woowup.connectors, "StatsCollector"> & woowup.Client;
assertType<Equal<{ [K in keyof Functions]: HasAny<Functions[K]> }[keyof Functions], false>>();
type Collector = woowup.connectors.StatsCollector;
assertType<Equal<{ [K in keyof Collector]: HasAny<Collector[K]> }[keyof Collector], false>>();

// The client: one method per endpoint, requests that fetch takes as they are.
const client: woowup.Client = woowup.v2({ appId: "14", apiKey: "demo-woowup-key", baseUrl: "http://127.0.0.1:8790/apiv2" });
woowup.v2({ appId: 14, apiKey: "k" });
const appId: string = client.appId;
assertType<Equal<ReturnType<typeof client.userByEmail>, GetRequest>>();
assertType<Equal<ReturnType<typeof client.addSalePointsByUid>, PostRequest>>();
assertType<Equal<ReturnType<typeof client.saveProduct>["body"], null>>();
const sale: woowup.AddSalePointsByUid = {
  uid: "ana@example.com",
  points: woowup.points("19.99", 5),
  nrofactura: 1034242,
  factura: [{ codigo: "SKU1", producto: "Mate", cantidad: 2, precio: "9.995", variations: [{ name: "Talle", value: "XS" }] }],
  branch: "Web",
  datetime: "2024-02-29 10:00:00",
};
async function send(): Promise<string | null> {
  const req = client.addSalePointsByUid(sale);
  const response = await fetch(req.url, req);
  const lookup = client.userByEmail("ana@example.com");
  await fetch(lookup.url, lookup);
  const product = client.saveProduct({ code: 1, name: "Mate", cost: "12.50" });
  await fetch(product.url, product);
  return woowup.readTransactionId(response.status, await response.text());
}
client.addSalePointsByUid('{"uid":"a","points":1,"nrofactura":"1"}');
client.isUser({ service: 2, service_uid: "ana@example.com" });
client.topUsersByPoints();
client.saveCategoryTree([{ id: 1, name: "Ropa", children: [{ id: "2", name: "Niños", children: null }] }]);
client.sendTransactionalEmail({ to: ["a@b.co"], subject: "Hola", body: "<p>Hola</p>" });

// Points: decimal text out.
const points: string = woowup.points(19.99, "1.5", "unrounded");

// Readers: plain objects, numbers-as-text kept as text.
const lookup = woowup.readUserLookup(200, "{}");
if (lookup.kind === "found") {
  assertType<Equal<typeof lookup.user.points, string | null>>();
} else {
  assertType<Equal<typeof lookup.message, string | null>>();
}
const data: JsonValue = woowup.readResponse(200, "{}");
const transactions: woowup.Transaction[] = woowup.readTransactions(200, "[]");
const salePoints: string | null = woowup.readSalePoints(200, "{}");
const exists: boolean = woowup.readIsUser(200, "{}");

// The flows: a discriminated union on `outcome`.
async function reward(order: woowup.Order): Promise<string> {
  const outcome = await woowup.rewardOrder({ client, order, options: { unknownCustomer: "initialize", salePoints: "5" }, retry: { maxAttempts: 3, baseDelayMs: 500 } });
  switch (outcome.outcome) {
    case "rewarded":
      assertType<Equal<typeof outcome.points, string>>();
      return outcome.sale_points;
    case "skipped":
      assertType<Equal<typeof outcome.reason, "unknown_customer" | "zero_sale_points" | "customer_without_uid">>();
      return outcome.reason;
    case "failed": {
      assertType<Equal<typeof outcome.step, "find_customer" | "initialize_user" | "read_sale_points" | "add_sale_points">>();
      const code: ErrorCode = outcome.error.code;
      const retry = code === "network_error" || code === "in_doubt" || (outcome.status !== null && outcome.status >= 500);
      return retry ? "retry" : outcome.error.message;
    }
  }
}
async function cancel(): Promise<void> {
  const logged: woowup.Fetch = async (url, init) => {
    console.log(init.method, url);
    return fetch(url, init);
  };
  const outcome = await woowup.cancelOrder({ client, nrofactura: "A-1", fetch: logged });
  if (outcome.outcome === "failed") assertType<Equal<typeof outcome.step, "cancel_invoice">>();
  else assertType<Equal<typeof outcome.transaction_id, string | null>>();
}

// The registration webhook.
const form = woowup.readRegistrationRequest(new Uint8Array(2));
const dni: string | undefined = form.texts["dni"];
const answer = woowup.registrationAnswer({ accept: false, message: "Tu DNI no se encuentra registrado" });
const response = new Response(answer.body, answer);

// Connectors.
const stats = new woowup.connectors.StatsCollector();
stats.addFile("purchases", "purchases-2024_02_29.csv");
stats.record({ entity: "purchases", branch: "Web", revenue: "19.99", items: 1 }, "created");
stats.recordFailure({ entity: "customers" }, { file: "customers.csv", line: 3, reason: "no email" });
const payload = stats.payload(new Date());
const revenue: number | undefined = payload.stats.purchases?.total_revenue;
const logged: PostRequest = woowup.connectors.logRequest({ apiKey: "k" }, payload);
const records: woowup.connectors.LogRecord[] = woowup.connectors.readLogsResponse(200, "[]");
const account: number = woowup.connectors.readStatsResponse(200, "{}").total_revenue;

try {
  woowup.v2({ appId: "1/3", apiKey: "k" });
} catch (e) {
  if (e instanceof LoyaltyError) console.log(e.code, e.field);
}

// Misuse that must not compile.
// @ts-expect-error the API key is required
woowup.v2({ appId: "14" });
// @ts-expect-error a misspelt option is refused
woowup.v2({ appId: "14", apiKey: "k", baseURL: "http://127.0.0.1" });
// @ts-expect-error the key is never a property of the client
console.log(client.apiKey);
// @ts-expect-error WoowUp's field names: nrofactura, not invoice
client.addSalePointsByUid({ uid: "a", points: 1, invoice: "A-1" });
// @ts-expect-error the order detail's lines need producto, cantidad and precio
client.addSalePointsByUid({ uid: "a", points: 1, nrofactura: "1", factura: [{ codigo: "1" }] });
// @ts-expect-error the guide's sku/Price keys are not the API's
client.addSalePointsByUid({ uid: "a", points: 1, nrofactura: "1", factura: [{ sku: "1", productName: "p", Quantity: 1, Price: 1 }] });
// @ts-expect-error service is 1 or 2
client.isUser({ service: 3, service_uid: "a" });
// @ts-expect-error the email lookup takes the address
client.userByEmail({ email: "a@b.co" });
// @ts-expect-error no such points rule
woowup.points("19.99", 1, "ceil");
// @ts-expect-error points are decimal text, not a number
const pointsNumber: number = woowup.points("19.99", 1);
// @ts-expect-error the order needs its customer
woowup.rewardOrder({ client, order: { nrofactura: "1", total: "19.99" } });
// @ts-expect-error options are camelCase (findBy)
woowup.rewardOrder({ client, order: { nrofactura: "1", total: 1, customer: {} }, options: { find_by: "uid" } });
// @ts-expect-error the retry budget is in milliseconds and attempts, by name
woowup.rewardOrder({ client, order: { nrofactura: "1", total: 1, customer: {} }, retry: { retries: 3 } });
// @ts-expect-error the client is one made by woowup.v2
woowup.rewardOrder({ client: { appId: "14", baseUrl: "x" }, order: { nrofactura: "1", total: 1, customer: {} } });
// @ts-expect-error cancelOrder takes the invoice number
woowup.cancelOrder({ client, order: "A-1" });
async function misuseOutcome(): Promise<void> {
  const outcome = await woowup.rewardOrder({ client, order: { nrofactura: "1", total: 1, customer: { email: "a@b.co" } } });
  // @ts-expect-error points exist on a rewarded outcome only
  console.log(outcome.points);
  // @ts-expect-error a reward flow never ends cancelled
  if (outcome.outcome === "cancelled") console.log();
}
// @ts-expect-error a refusal needs its message
woowup.registrationAnswer({ accept: false });
// @ts-expect-error no such entity
stats.record({ entity: "orders" }, "created");
// @ts-expect-error the outcome of a row is created, updated or failed
stats.record({ entity: "purchases" }, "done");
// @ts-expect-error the statistics' key is apiKey
woowup.connectors.statsRequest({ api_key: "k" });

export { send, points, data, transactions, salePoints, exists, reward, cancel, dni, response, revenue, logged, records, account, appId, misuseOutcome, pointsNumber };
