// loyalty-connector/widget in a page (headless Chromium: tests/js/browser.test.mjs, and the Vite
// page of tests/runtimes): the widget mounted with DOM calls and the same attack as suite.mjs's
// left inert, and a differential run against the core's binding — for generated props (hostile
// strings, wrong types, unknown and missing members) the entry's widgetHtml gives exactly the
// root entry's text, or the same error code and field.
// `widget` is the widget entry's module, `core` the root entry's (or loyalty-connector/lootly's).

import { equal, ok, throwsLoyalty } from "./assert.mjs";
import { ATTACK } from "./suite.mjs";

/** Props the differential run generates (a fixed seed: a failure names its case and is repeatable). */
export const GENERATED_PROPS = 2000;

export function widgetSuite({ test, widget, core, provider }) {
  const { lootly, LoyaltyError } = widget;
  const throws = (fn, code, field) => throwsLoyalty(fn, LoyaltyError, code, field);

  test("widget entry: its exports", () => {
    for (const name of ["mountWidget", "widgetHtml"]) {
      equal(typeof widget[name], "function", name);
      equal(lootly[name], widget[name], `lootly.${name}`);
    }
    const error = new LoyaltyError("missing_field", "apiKey is required", "apiKey");
    ok(error instanceof Error, "LoyaltyError is an Error");
    equal(error.name, "LoyaltyError");
    equal(error.field, "apiKey");
  });

  test("widget entry: mountWidget builds the widget with DOM calls, the attack stays text, the script is added once", () => {
    const host = document.createElement("section");
    host.id = "widget-entry-host";
    document.body.append(host);
    const props = { apiKey: ATTACK, shopDomain: ATTACK, shopId: "abc", customerId: ATTACK, customerSignature: "s'\"", provider };
    const src = `${provider}/js/integrations/common/script.js`;
    const scriptWasThere = [...document.scripts].some((s) => s.getAttribute("src") === src);
    const scriptsBefore = document.scripts.length;
    const div = widget.mountWidget(host, props);
    ok(div instanceof HTMLDivElement, "returns the div");
    equal(div.parentElement, host);
    equal(div.id, "lootly-widget");
    equal(div.className, "lootly-init");
    equal(div.getAttribute("style"), "display: none");
    for (const name of ["data-api-key", "data-shop-domain", "data-customer-id"]) equal(div.getAttribute(name), ATTACK, name);
    equal(div.getAttribute("data-shop-id"), "abc");
    equal(div.getAttribute("data-customer-signature"), "s'\"");
    equal(div.getAttribute("data-provider"), provider);
    equal(div.childNodes.length, 0, "nothing was parsed into the div");
    equal(document.querySelectorAll("img").length, 0, "images");
    equal(document.scripts.length, scriptsBefore + (scriptWasThere ? 0 : 1), "only Lootly's script was added, once");
    equal(globalThis.__xss, undefined);
    // Again by selector (after a login, say): the widget is replaced, the script stays single.
    const again = lootly.mountWidget("#widget-entry-host", { ...props, customerId: "42", customerSignature: "x" });
    equal(document.querySelectorAll("#lootly-widget").length, 1);
    equal(again.getAttribute("data-customer-id"), "42");
    equal([...document.scripts].filter((s) => s.getAttribute("src") === src).length, 1);
    throws(() => widget.mountWidget("#nowhere", props), "invalid_field", "element");
    throws(() => widget.mountWidget("##", props), "invalid_field", "element");
    throws(() => widget.mountWidget(3, props), "invalid_field", "element");
    throws(() => widget.mountWidget(host, { ...props, provider: "javascript:alert(1)//" }), "invalid_field", "provider");
    throws(() => widget.mountWidget(host, { ...props, apiKey: "" }), "missing_field", "apiKey");
    throws(() => widget.mountWidget(host, { ...props, customerSignature: null }), "invalid_field", "customerSignature");
    throws(() => widget.mountWidget(host, { ...props, customerId: "" }), "invalid_field", "customerId");
    throws(() => widget.mountWidget(host), "missing_field", "props");
    // The page is left with the attack mounted through this entry (browser.test.mjs checks the live DOM).
    widget.mountWidget(host, props);
    equal(document.querySelectorAll("#lootly-widget").length, 1);
  });

  if (!core) return;

  test(`widget entry: widgetHtml equals the core's lootly.widgetHtml for ${GENERATED_PROPS} generated props`, () => {
    const counts = { rendered: 0, missing_field: 0, invalid_field: 0, invalid_json: 0 };
    for (let i = 0; i < GENERATED_PROPS; i++) {
      const props = generateProps(random(i));
      const mine = outcome(() => widget.widgetHtml(props), LoyaltyError);
      const theirs = outcome(() => core.lootly.widgetHtml(props), core.LoyaltyError);
      equal(JSON.stringify(mine), JSON.stringify(theirs), `case ${i}, props ${show(props)}`);
      counts[mine[0] === "html" ? "rendered" : mine[1]] += 1;
    }
    // Every kind of case came up, and most props rendered.
    ok(counts.rendered > GENERATED_PROPS / 3 && Object.values(counts).every((n) => n > 0), JSON.stringify(counts));
  });
}

/** Strings meant to break out of an attribute, or the encoders on the way. */
const HOSTILE = [
  ATTACK, `'"<>&`, "&amp;&#039;", "</div><script>alert(1)</script>", "javascript:alert(1)//", "a\nb\tc\r\n",
  "\u0000nul", "ü ñ 中文 🎉 \u2028\u2029", "\ufffd", "  spaced  ", "https://shop.example/?a=1&b='2'",
  "\\\"escaped\\\"", "=x onmouseover=alert(1) y=", "<".repeat(300),
];
/** Lone surrogates: no UTF-8 form (both entries refuse them as invalid_json). */
const LONE_SURROGATES = ["\ud800", "x\udc00y", "\ud83d"];
const FIELDS = ["apiKey", "shopDomain", "shopId", "customerId", "customerSignature", "provider"];

/** [`"html"`, text] or [`"error"`, code, field], the error checked to be the entry's own class. */
function outcome(fn, LoyaltyError) {
  try {
    return ["html", fn()];
  } catch (e) {
    ok(e instanceof LoyaltyError, `a LoyaltyError, not ${e?.name}: ${e?.message}`);
    return ["error", e.code, e.field ?? null];
  }
}

/** mulberry32: a small seeded generator, one per case. */
function random(seed) {
  let a = (seed * 0x9e3779b1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateProps(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const text = () => {
    const roll = next();
    if (roll < 0.01) return pick(LONE_SURROGATES);
    if (roll < 0.5) return pick(HOSTILE);
    if (roll < 0.8) return Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(["a", "Z", "0", "<", ">", "&", '"', "'", " ", "é", "🎉", "/", "=", "\n"])).join("");
    return pick(["k", "shop.example", "0123456789abcdef0123456789abcdef", "42"]);
  };
  const props = {};
  const loggedIn = next() < 0.5;
  for (const field of [...FIELDS].sort(() => next() - 0.5)) {
    const optional = FIELDS.indexOf(field) >= 3;
    const roll = next();
    if (roll < 0.04) continue; // absent
    if (roll < 0.06) props[field] = pick([undefined, null, 42, true, {}, [], () => 1]);
    else if (roll < 0.08) props[field] = "";
    else if (optional && field !== "provider" && !loggedIn) props[field] = pick([undefined, null, ""]);
    else props[field] = text();
  }
  if (next() < 0.03) props[pick(["apiSecret", "extra", "__proto__x"])] = "s";
  return props;
}

function show(value) {
  return JSON.stringify(value, (_, v) => (v === undefined ? "<undefined>" : typeof v === "function" ? "<function>" : v));
}
