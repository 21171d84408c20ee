// The JavaScript half of the binding: the error class every failure is thrown as. The Rust side
// (src/wasm/error.rs) constructs it; the package's entry points export this very class, so that
// `err instanceof LoyaltyError` holds in every runtime.

/** A failure of loyalty-connector: `code` is stable, `field` names the offending input. */
export class LoyaltyError extends Error {
  constructor(code, message, field) {
    super(message);
    this.name = "LoyaltyError";
    this.code = code;
    this.field = field;
  }
}

export function loyaltyErrorClass() {
  return LoyaltyError;
}
