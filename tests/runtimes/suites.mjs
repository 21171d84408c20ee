// What every runtime project runs: tests/js's suite over the package's two entry points as that
// runtime resolved them, with the vector files it was handed; the results as plain data
// ([{ name, ok, error? }]) for the driver (tests/runtimes/*.test.mjs) to report.
import { collect } from "../js/collect.mjs";
import { suite } from "../js/suite.mjs";

/**
 * `lib` and `lootlyOnly`: the modules of `loyalty-connector` and `loyalty-connector/lootly`;
 * `entries`: where the runtime resolved them (paths or URLs; checked against `expected`).
 */
export function runSuites({ name, lib, lootlyOnly, vectorFiles, entries, expected }) {
  return collect((test) => {
    suite({ test, lib, vectorFiles, runtime: { name, dom: false, entry: entries?.[0], expectedEntry: expected } });
    suite({
      test: (title, fn) => test(`[loyalty-connector/lootly] ${title}`, fn),
      lib: lootlyOnly,
      vectorFiles,
      runtime: { name, subpath: "lootly", dom: false, entry: entries?.[1], expectedEntry: `lootly/${expected}` },
    });
  });
}
