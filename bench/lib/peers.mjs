// The ways a shop signs a Lootly webhook without us, each as the shop would write it, all
// `(params object, apiKey, apiSecret) → { canonical, hmac, body }`. Only the signing differs:
// every peer adds `key`, sorts the top level, encodes, HMACs, and appends `hmac` last, as the
// guide's PHP client does (tests/php/lootly.php).
import { createHmac, createHash, webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import { hmac as nobleHmac } from "@noble/hashes/hmac.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

const require = createRequire(import.meta.url);
const { json_encode: locutusJsonEncode } = require("locutus/php/json/json_encode");
const { ksort: locutusKsort } = require("locutus/php/array/ksort");
const jsMd5 = require("js-md5");
const SparkMD5 = require("spark-md5");

const utf8 = new TextEncoder();

/** `{...params, key}` with its own keys sorted by JavaScript's default string order. */
function sortedWithKey(params, apiKey) {
  const withKey = { ...params, key: apiKey };
  const sorted = {};
  for (const k of Object.keys(withKey).sort()) sorted[k] = withKey[k];
  return sorted;
}

function bodyWith(sorted, hmac, encode) {
  sorted.hmac = hmac;
  return encode(sorted);
}

/** JSON.stringify + node:crypto: what most Node code does (JSON.stringify escapes neither
 * non-ASCII text nor slashes, where PHP writes \uXXXX and \/). */
export function naiveNode(params, apiKey, apiSecret) {
  const sorted = sortedWithKey(params, apiKey);
  const canonical = JSON.stringify(sorted);
  const hmac = createHmac("sha256", apiSecret).update(canonical).digest("base64");
  return { canonical, hmac, body: bodyWith(sorted, hmac, JSON.stringify) };
}

/** JSON.stringify + @noble/hashes (pure JS, runs anywhere). */
export function noble(params, apiKey, apiSecret) {
  const sorted = sortedWithKey(params, apiKey);
  const canonical = JSON.stringify(sorted);
  const mac = nobleHmac(nobleSha256, utf8.encode(apiSecret), utf8.encode(canonical));
  const hmac = Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength).toString("base64");
  return { canonical, hmac, body: bodyWith(sorted, hmac, JSON.stringify) };
}

/** locutus (PHP functions ported to JS): its ksort and json_encode, HMAC by node:crypto. */
export function locutus(params, apiKey, apiSecret) {
  const withKey = { ...params, key: apiKey };
  locutusKsort(withKey);
  const canonical = locutusJsonEncode(withKey);
  const hmac = createHmac("sha256", apiSecret).update(canonical).digest("base64");
  withKey.hmac = hmac;
  return { canonical, hmac, body: locutusJsonEncode(withKey) };
}

/** JSON.stringify + WebCrypto: the edge way (Workers, Deno, browsers). Async; the key for a
 * secret is imported once and cached, as a Worker holding its secret would. */
const webKeys = new Map();
export async function webCrypto(params, apiKey, apiSecret) {
  let key = webKeys.get(apiSecret);
  if (!key) {
    key = await webcrypto.subtle.importKey("raw", utf8.encode(apiSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    webKeys.set(apiSecret, key);
  }
  const sorted = sortedWithKey(params, apiKey);
  const canonical = JSON.stringify(sorted);
  const mac = await webcrypto.subtle.sign("HMAC", key, utf8.encode(canonical));
  const hmac = Buffer.from(mac).toString("base64");
  return { canonical, hmac, body: bodyWith(sorted, hmac, JSON.stringify) };
}

/** The synchronous JS signers, by the name the tables use. */
export const signers = {
  "JSON.stringify + node:crypto": naiveNode,
  "JSON.stringify + @noble/hashes": noble,
  "locutus ksort/json_encode + node:crypto": locutus,
};
export const asyncSigners = { "JSON.stringify + WebCrypto": webCrypto };

/** The widget's md5(a . b) as lowercase hex, by peer. */
export const md5Peers = {
  "node:crypto md5": (a, b) => createHash("md5").update(a + b).digest("hex"),
  "js-md5": (a, b) => jsMd5(a + b),
  "spark-md5": (a, b) => SparkMD5.hash(a + b),
};
