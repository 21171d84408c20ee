// The JavaScript half of loyalty-connector/widget's wasm: the error class it throws, the same
// shape as the core binding's LoyaltyError (src/wasm/glue.js): a stable `code` and the `field`.

/** A failure of loyalty-connector/widget: `code` is stable, `field` names the offending input. */
export class LoyaltyError extends Error {
  constructor(code, message, field) {
    super(message);
    this.name = "LoyaltyError";
    this.code = code;
    this.field = field;
    this.status = undefined;
    this.service = undefined;
  }
}

export function loyaltyErrorClass() {
  return LoyaltyError;
}
