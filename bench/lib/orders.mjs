// The orders every signer signs: deterministic, ~1.2 KB of JSON each, shaped like a shop's
// `orders-completed` payload (the guide's fields plus line items), with what real shops have:
// non-ASCII names, URLs with slashes, decimal amounts as text. Written once as JSON lines so
// that Node, PHP and Rust read exactly the same bytes.
import { writeFileSync } from "node:fs";

const FIRST = ["Ana", "José", "María", "Lucía", "Martín", "Sofía", "Juan", "Valentina", "Tomás", "Camila"];
const LAST = ["Pérez", "González", "Rodríguez", "Fernández", "López", "Martínez", "Gómez", "Díaz", "Núñez", "Álvarez"];
const PRODUCTS = ["Remera básica", "Zapatillas urbanas", "Campera de jean", "Mochila 20 L", "Gorra bordada",
  "Medias x3", "Buzo con capucha", "Short deportivo", "Botella térmica 750 ml", "Anteojos de sol"];

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const money = (cents) => (cents / 100).toFixed(2);

/** `n` orders as plain objects (deterministic for a seed). */
export function makeOrders(n = 200, seed = 7) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const orders = [];
  for (let i = 0; i < n; i++) {
    const items = [];
    const count = 4 + Math.floor(r() * 2);
    let subtotal = 0;
    for (let j = 0; j < count; j++) {
      const sku = 1000 + Math.floor(r() * 9000);
      const price = 500 + Math.floor(r() * 20000);
      const quantity = 1 + Math.floor(r() * 3);
      subtotal += price * quantity;
      items.push({
        product_id: String(sku),
        sku: `SKU-${sku}/${j}`,
        title: pick(PRODUCTS),
        quantity,
        price: money(price),
        url: `https://shop.example.com/products/${sku}`,
      });
    }
    const discount = r() < 0.3 ? Math.floor(subtotal / 10) : 0;
    const tax = Math.floor((subtotal - discount) * 0.21);
    const first = pick(FIRST), last = pick(LAST);
    orders.push({
      id: String(500000 + i),
      total_price: money(subtotal - discount),
      total_tax: money(tax),
      total_discounts: money(discount),
      subtotal_price: money(subtotal),
      taxes_included: "1",
      discount_codes: discount ? [{ code: "PRIMAVERA10" }] : [],
      customer: {
        id: `C-${10000 + Math.floor(r() * 90000)}`,
        email: `${first}.${last}@example.com`.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(),
        first_name: first,
        last_name: last,
        birthday: `19${60 + Math.floor(r() * 40)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`,
        default_address: { zip: `C${1000 + Math.floor(r() * 9000)}`, country: "AR" },
      },
      line_items: items,
      note: r() < 0.5 ? "Entregar por la tarde / timbre 3°B" : "",
      landing_site: "https://shop.example.com/?utm_source=newsletter&utm_medium=email",
    });
  }
  return orders;
}

/** Writes the orders as JSON lines; returns their texts. */
export function writeOrders(path, n, seed) {
  const texts = makeOrders(n, seed).map((o) => JSON.stringify(o));
  writeFileSync(path, texts.join("\n") + "\n");
  return texts;
}
