// `lootly sign | verify | widget` through the command line, against the vectors PHP computed
// (tests/vectors/, written by tests/php/make_vectors.php): the payload on stdin, the key as an
// option, the secret in the environment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, run } from "./support.mjs";

const vectors = (name) => JSON.parse(readFileSync(join(ROOT, "tests/vectors", name), "utf8")).vectors;

/** Runs `jobs` (functions returning promises) a few at a time. */
async function pool(jobs, size = 6) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

const sign = (v, output = "body") =>
  run(["lootly", "sign", "--api-key", v.api_key, "--output", output], { input: v.params, env: { LOYALTY_LOOTLY_API_SECRET: v.api_secret } });
const verify = (body, secret) => run(["lootly", "verify"], { input: body, env: { LOYALTY_LOOTLY_API_SECRET: secret } });

test("lootly sign: PHP's canonical text, HMAC and body for every vector; verify accepts each body and refuses it tampered", async () => {
  const all = vectors("lootly_sign.json");
  assert.ok(all.length >= 30);
  let tamperedChecked = 0;
  await pool(all.map((v, i) => async () => {
    const json = await sign(v, "json");
    assert.equal(json.code, 0, `${v.name}: ${json.stderr}`);
    assert.deepEqual(JSON.parse(json.stdout), { canonical: v.canonical, hmac: v.hmac, body: v.body }, v.name);
    // Each output on its own (a few vectors: the same function underneath).
    if (i < 3) {
      for (const output of ["body", "hmac", "canonical"]) {
        const r = await sign(v, output);
        assert.equal(r.stdout, v[output] + "\n", `${v.name} --output ${output}`);
      }
    }
    // Round trip: the body sign printed (with its line break) verifies.
    const body = await sign(v, "body");
    if (v.api_secret.length >= 8) assert.ok(!(body.stdout + body.stderr).includes(v.api_secret), "the secret is never printed");
    const ok = await verify(body.stdout, v.api_secret);
    assert.equal(ok.code, 0, `${v.name}: ${ok.stdout}${ok.stderr}`);
    assert.equal(ok.stdout, "valid\n");
    if (i % 3 === 0) {
      const wrongSecret = await verify(v.body, v.api_secret + "x");
      assert.equal(wrongSecret.code, 1, v.name);
      assert.equal(wrongSecret.stdout, "not valid\n");
      const at = v.body.lastIndexOf('"hmac":"') + 8;
      const flipped = v.body.slice(0, at) + (v.body[at] === "A" ? "B" : "A") + v.body.slice(at + 1);
      const tampered = await verify(flipped, v.api_secret);
      assert.equal(tampered.code, 1, `${v.name}: tampered`);
      tamperedChecked++;
    }
  }));
  assert.ok(tamperedChecked >= 10);
});

test("lootly verify: PHP's verdict on every verify vector (exit 0 valid, 1 not)", async () => {
  const all = vectors("lootly_verify.json");
  assert.ok(all.length >= 100);
  await pool(all.map((v) => async () => {
    const r = await run(["lootly", "verify", "--quiet"], { input: v.body, env: { LOYALTY_LOOTLY_API_SECRET: v.api_secret } });
    assert.equal(r.code, v.valid ? 0 : 1, `${v.name}: ${r.stderr}`);
    assert.equal(r.stdout, "");
  }));
});

test("lootly sign refuses what Lootly's server would not accept (exit 1)", async () => {
  const env = { LOYALTY_LOOTLY_API_SECRET: "s" };
  for (const input of ["not json", '{"hmac":"x"}', '{"_url":"x"}', '{"key":"other"}', '{"a":1']) {
    const r = await run(["lootly", "sign", "--api-key", "k"], { input, env });
    assert.equal(r.code, 1, `${input}: ${r.stdout}`);
    assert.ok(r.stderr.length > 0);
  }
});

test("lootly widget: data-shop-id and data-customer-signature as PHP computes them", async () => {
  const all = vectors("lootly_widget.json");
  await pool(all.map((v) => async () => {
    const args = ["lootly", "widget", "--api-key", "pk_1", "--shop-domain", v.shop_domain];
    if (v.customer_id) args.push("--customer-id", v.customer_id);
    const r = await run(args, { env: { LOYALTY_LOOTLY_API_SECRET: v.api_secret } });
    if (v.shop_domain === "") {
      // The library refuses a widget without a shop domain (md5 of "" + secret is no shop).
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /shopDomain/);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<div id="lootly-widget" class="lootly-init"/);
    assert.ok(r.stdout.includes(`data-shop-id="${v.shop_id}"`), `${v.shop_domain}: ${r.stdout}`);
    if (v.customer_id) assert.ok(r.stdout.includes(`data-customer-signature="${v.customer_signature}"`), r.stdout);
    else assert.ok(r.stdout.includes('data-customer-id=""\ndata-customer-signature=""'), r.stdout);
    assert.ok(v.api_secret.length < 8 || !r.stdout.includes(v.api_secret));
  }));
  const withScript = await run(["lootly", "widget", "--api-key", "k", "--shop-domain", "shop.com", "--script"], { env: { LOYALTY_LOOTLY_API_SECRET: "s" } });
  assert.match(withScript.stdout, /<\/div>\n<script[^>]+lootly/);
});
