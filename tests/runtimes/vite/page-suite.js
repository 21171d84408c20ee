// tests/js's suite in the page, with the DOM (the widget is mounted and Lootly's script, a
// stand-in in public/, is loaded from this origin).
import { collect } from "../../js/collect.mjs";
import { suite } from "../../js/suite.mjs";

export function runPageSuite({ lib, vectorFiles, subpath }) {
  return collect((test) => suite({ test, lib, vectorFiles, runtime: { name: "vite page", subpath, dom: true, provider: location.origin } }));
}
