// Deno, without any permission: the vector files on stdin, the suite's results on stdout.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../suites.mjs";

const entries = ["loyalty-connector", "loyalty-connector/lootly"].map((name) => import.meta.resolve(name));
const vectorFiles = JSON.parse(await new Response(Deno.stdin.readable).text());
console.log(JSON.stringify(await runSuites({ name: `deno ${Deno.version.deno}`, lib, lootlyOnly, vectorFiles, entries, expected: "deno.js" })));
