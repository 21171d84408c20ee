// Node, CommonJS: the package through require() (Node 22.12 and later load its ES modules).
const { readFileSync } = require("node:fs");
const lib = require("loyalty-connector");
const lootlyOnly = require("loyalty-connector/lootly");

const entries = ["loyalty-connector", "loyalty-connector/lootly"].map((name) => require.resolve(name));
const vectorFiles = JSON.parse(readFileSync(0, "utf8"));
import("../suites.mjs")
  .then(({ runSuites }) => runSuites({ name: "node (require)", lib: { ...lib }, lootlyOnly: { ...lootlyOnly }, vectorFiles, entries, expected: "node.js" }))
  .then((results) => console.log(JSON.stringify(results)));
