// Assertions that run unchanged in Node, Deno, workerd and browsers (node:assert is not everywhere).

export class AssertionError extends Error {
  name = "AssertionError";
}

const show = (value) => {
  try {
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

export function ok(value, message = "expected a truthy value") {
  if (!value) throw new AssertionError(message);
}

export function equal(actual, expected, message = "") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Structural equality through a key-sorted JSON form (plain data only). */
export function deepEqual(actual, expected, message = "") {
  const canonical = (v) =>
    JSON.stringify(v, (_, x) =>
      x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
    );
  equal(canonical(actual), canonical(expected), message);
}

/** `fn` must throw a LoyaltyError with this code (and field, when given); returns the error. */
export function throwsLoyalty(fn, LoyaltyError, code, field) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  ok(error !== undefined, `expected a LoyaltyError ${code}, nothing was thrown`);
  ok(error instanceof LoyaltyError, `expected a LoyaltyError, got ${error?.name}: ${error?.message}`);
  ok(error instanceof Error, "a LoyaltyError is an Error");
  equal(error.code, code, `code of "${error.message}"`);
  if (field !== undefined) equal(error.field, field, `field of "${error.message}"`);
  return error;
}
