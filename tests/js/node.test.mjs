// The suite under Node's test runner, against the installed package (its `node` entry points:
// the package and loyalty-connector/lootly).
import { test } from "node:test";
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { suite } from "./suite.mjs";
import { readVectorFiles } from "./vector-files.mjs";

const vectorFiles = readVectorFiles();

suite({
  test,
  lib,
  vectorFiles,
  runtime: { name: "node", dom: false, entry: import.meta.resolve("loyalty-connector"), expectedEntry: "node.js" },
});

suite({
  test: (name, fn) => test(`[loyalty-connector/lootly] ${name}`, fn),
  lib: lootlyOnly,
  vectorFiles,
  runtime: { name: "node", subpath: "lootly", dom: false, entry: import.meta.resolve("loyalty-connector/lootly"), expectedEntry: "lootly/node.js" },
});
