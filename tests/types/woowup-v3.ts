// `tsc --noEmit`: woowup.v3 and its flows, readers and pager as a TypeScript caller writes them.
// Never run.
import { woowup, LoyaltyError, type GetRequest } from "loyalty-connector";

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function assertType<T extends true>(): void;
type HasAny<F> = F extends (...args: infer A) => infer R
  ? IsAny<R> extends true ? true : true extends { [K in keyof A]-?: IsAny<A[K]> }[number] ? true : false
  : false;
// No `any` in any builder of any namespace of the client.
type Groups = Omit<woowup.V3Client, "baseUrl" | "stats" | "toJSON">;
type Builders = { [G in keyof Groups]: { [M in keyof Groups[G]]: HasAny<Groups[G][M]> }[keyof Groups[G]] }[keyof Groups];
assertType<Equal<Builders, false>>();
assertType<Equal<HasAny<woowup.V3Client["stats"]>, false>>();

const client: woowup.V3Client = woowup.v3({ apiKey: "k", baseUrl: "http://127.0.0.1:8790/apiv3" });
const find: GetRequest = client.customers.find({ email: "ana@example.com" });
const create: woowup.V3BodyRequest = client.purchases.create({ invoice_number: "F-1", email: "ana@example.com", purchase_detail: [] });
const method: "POST" | "PUT" | "DELETE" = create.method;
const text: string = client.products.update("SKU/1", '{"sku":"SKU/1","name":"x"}').body;
client.products.search({ limit: 10, filters: { available: true } });
client.coupons.list({ status: "used", page: 1 });
client.customAttributes.list("purchase_item", { text: "color" });
client.benefits.list({ current: 5 });
client.stats({ from: "2026-01-01" });
client.customers.addPoints({ document: 24586932 }, { concept: "gift", points: 10 });
// @ts-expect-error a coupon status WoowUp does not have
client.coupons.setStatus("ABC", "redeemed");
// @ts-expect-error the key is not a property
console.log(client.apiKey);

const answer = woowup.readV3(429, "{}", new Headers());
if (!answer.ok) {
  const wait: number | null = answer.retryAfter;
  const kind: woowup.V3FailureKind = answer.kind;
  console.log(wait, kind, answer.errors.join(";"));
} else {
  const payload: import("loyalty-connector").JsonValue = answer.payload;
  console.log(payload);
}
const customer = woowup.readV3Customer(200, "{}");
const points: string | null | undefined = customer?.points;
const purchases: woowup.V3Purchase[] = woowup.readV3Purchases(200, "{}");
console.log(find, method, text, points, purchases.length, woowup.readV3Exist(200, "{}"), woowup.readV3Items(200, "[]"));

async function flows(): Promise<void> {
  const recorded = await woowup.recordOrder({ client, purchase: '{"invoice_number":"F-1"}', options: { unknownCustomer: "create" }, fetch, retry: { maxAttempts: 3 } });
  if (recorded.outcome === "recorded") {
    const updated: boolean = recorded.updated;
    console.log(updated);
  } else if (recorded.outcome === "failed") {
    const step: woowup.V3Step = recorded.step;
    console.log(step, recorded.retryable, recorded.error.code);
  }
  const awarded = await woowup.awardPoints({ client, customer: { service_uid: "u-1" }, points: { concept: "gift", points: 50 }, reference: "evt-1" });
  if (awarded.outcome === "awarded") console.log(awarded.checked);
  await woowup.reverseOrder({ client, invoiceNumber: "F-1", reversal: { kind: "negativePoints", customer: { email: "a@b.c" }, points: 20, concept: "purchase" } });
  // @ts-expect-error a reversal kind that does not exist
  await woowup.reverseOrder({ client, invoiceNumber: "F-1", reversal: { kind: "cancel" } });
  for await (const page of woowup.pages({ client, list: "products", filters: { available: "true" }, limit: 50 })) {
    console.log(page.length);
  }
  // @ts-expect-error customAttributes needs an owner
  woowup.pages({ client, list: "customAttributes" });
  // @ts-expect-error a v2 client is not a v3 one
  await woowup.recordOrder({ client: woowup.v2({ appId: 1, apiKey: "k" }), purchase: "{}" });
}
flows().catch((e: unknown) => console.log(e instanceof LoyaltyError ? e.code : e));
