// The tiny runner for runtimes without a test runner of their own (workerd, browsers): collects
// the suite's tests, runs them one after the other, and reports each as plain data.

/** Runs `define(test)` and then every test it registered: `[{ name, ok, error? }]`. */
export async function collect(define) {
  const tests = [];
  define((name, fn) => tests.push({ name, fn }));
  const results = [];
  for (const { name, fn } of tests) {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (e) {
      results.push({ name, ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` });
    }
  }
  return results;
}
