// Bun (run, or compiled into one executable): the vector files on stdin, the results on stdout.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../suites.mjs";

// A compiled executable has no node_modules to resolve from: there, the entry is not checked.
const entries = Bun.main.startsWith("/$bunfs/") ? undefined : ["loyalty-connector", "loyalty-connector/lootly"].map((name) => import.meta.resolve(name));
const vectorFiles = JSON.parse(await Bun.stdin.text());
console.log(JSON.stringify(await runSuites({ name: "bun", lib, lootlyOnly, vectorFiles, entries, expected: "bun.js" })));
