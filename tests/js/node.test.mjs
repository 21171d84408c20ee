// The suite under Node's test runner, against the installed package (its `node` entry point).
import { test } from "node:test";
import * as lib from "loyalty-connector";
import { suite } from "./suite.mjs";
import { readVectorFiles } from "./vector-files.mjs";

suite({
  test,
  lib,
  vectorFiles: readVectorFiles(),
  runtime: { name: "node", dom: false, entry: import.meta.resolve("loyalty-connector"), expectedEntry: "node.js" },
});
