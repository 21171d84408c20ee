// 7. WoowUp v3 against v2: a request built and its answer read, per operation, through the npm
//    package in Node: a purchase (v3 `purchases.create` + `readV3`; v2 `addSalePointsByUid` +
//    `readTransactionId`) and a customer lookup (v3 `customers.find` + `readV3Customer`; v2
//    `userByEmail` + `readUserLookup`). The ratio is v3's time ÷ v2's in the same round.
//    Standalone: node bench/woowup.mjs [--quick]
import { loadOurs } from "./lib/ours.mjs";
import { race, timeSync } from "./lib/timing.mjs";

const V3_OK = JSON.stringify({ payload: { userapp_id: 7, invoice_number: "F-1" }, message: "ok", code: "ok", time: "3ms" });
const V2_OK = JSON.stringify({ status: true, data: { transaction_id: "2424" } });
const V3_CUSTOMER = JSON.stringify({ payload: { userapp_id: 7, email: "ana@example.com", first_name: "Ana", points: 120, tags: ["vip"] }, message: "ok", code: "ok", time: "3ms" });
const V2_USER = JSON.stringify({ status: true, data: { user: { service_uid: "ana@example.com", userapp_id: "7", email: "ana@example.com", first_name: "Ana", points: "120" } } });

/** The same order of 3 lines, in each API's shape. */
function orders(i) {
  const lines = [1, 2, 3].map((n) => ({ sku: `SKU-${n}`, name: `Producto ${n} «bio»`, quantity: n, price: "9.995" }));
  const v3 = {
    invoice_number: `F-${i}`, email: "ana@example.com", channel: "web", branch_name: "Web", createtime: "2024-02-29 10:00:00",
    purchase_detail: lines.map((l) => ({ sku: l.sku, product_name: l.name, quantity: l.quantity, unit_price: 9.995 })),
    prices: { gross: 59.97, discount: 0, total: 59.97 },
  };
  const v2 = {
    uid: "ana@example.com", points: "60", nrofactura: `F-${i}`, branch: "Web", datetime: "2024-02-29 10:00:00",
    factura: lines.map((l) => ({ codigo: l.sku, producto: l.name, cantidad: l.quantity, precio: l.price })),
  };
  return { v2, v3 };
}

export async function benchWoowup({ rounds = 7, ms = 200 } = {}) {
  const ours = await loadOurs();
  if (!ours) return { error: "no package: make package" };
  const { woowup } = ours;
  const v2 = woowup.v2({ appId: "14", apiKey: "bench-key" });
  const v3 = woowup.v3({ apiKey: "bench-key" });
  const sample = Array.from({ length: 64 }, (_, i) => orders(i));
  const rows = {};
  for (const [what, pair] of Object.entries({
    purchase: {
      v2: (i) => (v2.addSalePointsByUid(sample[i & 63].v2), woowup.readTransactionId(200, V2_OK)),
      v3: (i) => (v3.purchases.create(sample[i & 63].v3), woowup.readV3(201, V3_OK)),
    },
    lookup: {
      v2: () => (v2.userByEmail("ana@example.com"), woowup.readUserLookup(200, V2_USER)),
      v3: () => (v3.customers.find({ email: "ana@example.com" }), woowup.readV3Customer(200, V3_CUSTOMER)),
    },
  })) {
    const contenders = Object.entries(pair).map(([name, f]) => ({ name, time: async () => timeSync(f, ms) }));
    const [a, b] = await race(contenders, "v2", rounds);
    rows[what] = { v2_ns: a.ns, v3_ns: b.ns, v3_over_v2: b.ratio };
  }
  return { rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  console.log(JSON.stringify(await benchWoowup(quick ? { rounds: 3, ms: 40 } : {}), null, 1));
}
