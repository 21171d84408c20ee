// The JavaScript half of the binding (imported by src/wasm/*.rs): the error class every failure
// is thrown as, and small helpers that do in one call what would take many calls from Rust
// (each call across the boundary costs; these run on every request).
//
// The package's entry points export this very LoyaltyError class (through loyaltyErrorClass),
// so that `err instanceof LoyaltyError` holds in every runtime.

/** A failure of loyalty-connector: `code` is stable, `field` names the offending input;
 * `status` and `service` say which vendor answered what (remote_error, invalid_response). */
export class LoyaltyError extends Error {
  constructor(code, message, field, status, service) {
    super(message);
    this.name = "LoyaltyError";
    this.code = code;
    this.field = field;
    this.status = status;
    this.service = service;
  }
}

export function loyaltyErrorClass() {
  return LoyaltyError;
}

// The platform's HMAC-SHA256, when the entry point registers one (src/wasm/platform.rs).
let hmacSha256 = null;

export function setPlatformHmac(hmac) {
  hmacSha256 = hmac;
}

export function platformHmac(key, data) {
  return hmacSha256(key, data);
}

/** `[keys, ...values]`: the own enumerable keys of `object` joined by "\n", then their values. */
export function entries(object) {
  const keys = Object.keys(object);
  return [keys.join("\n"), ...keys.map((key) => object[key])];
}

// Strings sent from wasm are decoded one call each, and that call dominates for short strings:
// the results below come as one text, split here at line breaks, which JSON text, URLs, header
// names and values and base64 never contain.

/** `{ method, url, headers, body }` from "METHOD\nURL\nname\nvalue\n…" and the body (undefined: none). */
export function request(head, body) {
  const [method, url, ...lines] = head.split("\n");
  const headers = {};
  for (let i = 0; i + 1 < lines.length; i += 2) headers[lines[i]] = lines[i + 1];
  return { method, url, headers, body: body ?? null };
}

/** `{ canonical, hmac, body }` from "canonical\nhmac\nbody". */
export function signed(text) {
  const [canonical, hmac, body] = text.split("\n");
  return { canonical, hmac, body };
}
