// Node, ESM: the vector files on stdin, the suite's results on stdout.
import { readFileSync } from "node:fs";
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../suites.mjs";

const entries = ["loyalty-connector", "loyalty-connector/lootly"].map((name) => import.meta.resolve(name));
const vectorFiles = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(await runSuites({ name: "node (import)", lib, lootlyOnly, vectorFiles, entries, expected: "node.js" })));
