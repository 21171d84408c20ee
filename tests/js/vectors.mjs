// The PHP-generated vectors of tests/vectors/*.json, checked through the JS API: one test per
// file that exists, each vector checked, every mismatch reported. A file is
// `{"source": "...", "vectors": [...]}`; the fields of a vector depend on the file (below).

import { ok } from "./assert.mjs";

/** Marks a check whose `false` is a result, never a refusal. */
const NEVER_THROWS = true;

/** What each file's vectors must satisfy, given the package (`lib`) and one vector (`v`). */
const CHECKS = {
  "json_encode.json": ({ php }, v) => [
    ["assoc", () => php.phpView(text(v.input), "assoc"), v.assoc],
    ["objects", () => php.phpView(text(v.input), "objects"), v.objects],
  ],
  "ksort.json": ({ php }, v) => [["output", () => php.ksort(text(v.input)), v.output]],
  "http_build_query.json": ({ php }, v) => [["output", () => php.httpBuildQuery(text(v.input)), v.output]],
  "lootly_sign.json": ({ lootly }, v) => {
    // The vectors are PHP 8.2's; every one of them signs alike for an unknown PHP version.
    const signed = () => lootly.sign(v.params, { apiKey: v.api_key, apiSecret: v.api_secret });
    return [
      ["canonical", () => signed().canonical, v.canonical],
      ["hmac", () => signed().hmac, v.hmac],
      ["body", () => signed().body, v.body],
    ];
  },
  // `false` is a result here, not a refusal: verify never throws on text.
  "lootly_verify.json": ({ lootly }, v) => [["valid", () => lootly.verify(v.body, v.api_secret), v.valid, NEVER_THROWS]],
  "lootly_widget.json": ({ lootly }, v) => [
    ["shop_id", () => lootly.shopId(v.shop_domain, v.api_secret), v.shop_id],
    ["customer_signature", () => lootly.customerSignature(v.customer_id, v.api_secret), v.customer_signature],
  ],
  "lootly_read_api.json": ({ lootly }, v) => {
    const creds = { apiKey: v.api_key, apiSecret: v.api_secret };
    const ids = typeof v.customer_ids === "string" ? v.customer_ids.split(",") : v.customer_ids;
    // One id is the single-customer endpoint, whose signature covers the key only (as tests/vectors.rs reads it).
    const url = () => new URL((ids.length === 1 ? lootly.pointBalance(ids[0], creds) : lootly.pointBalances(ids, creds)).url);
    return [
      ["query", () => url().search.slice(1), v.query],
      ["hmac", () => url().searchParams.get("hmac"), v.hmac],
    ];
  },
};

/** JSON text as written in the file (kept byte for byte), or a parsed value turned back into text. */
const text = (input) => (typeof input === "string" ? input : JSON.stringify(input));

/** An expected text of `null` or `false` means PHP refused the input: the JS API must throw. */
const refused = (expected) => expected === null || expected === false;


export function checkVectors({ test, lib, vectorFiles }) {
  for (const [file, content] of Object.entries(vectorFiles).sort()) {
    const check = CHECKS[file];
    if (!check) continue; // another area's vectors (WoowUp), checked by its own binding's tests
    const { vectors } = JSON.parse(content);
    test(`vectors: ${file} (${vectors.length} vectors)`, () => {
      ok(Array.isArray(vectors) && vectors.length > 0, `${file} holds vectors`);
      const failures = [];
      vectors.forEach((v, i) => {
        for (const [what, compute, expected, neverThrows] of check(lib, v)) {
          const label = `${v.name ?? `#${i}`} ${what}`;
          try {
            const actual = compute();
            if (actual !== expected) failures.push(`${label}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
          } catch (e) {
            const expectedRefusal = !neverThrows && refused(expected) && e instanceof lib.LoyaltyError;
            if (!expectedRefusal) failures.push(`${label}: threw ${e?.code ?? e?.name}: ${e?.message}`);
          }
        }
      });
      ok(failures.length === 0, `${failures.length} mismatches:\n${failures.slice(0, 10).join("\n")}`);
    });
  }
}
