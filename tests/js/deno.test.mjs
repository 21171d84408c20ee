// The suite under `deno test`, against the installed package (its `deno` entry points). Deno is
// given read access to the vectors only: the package itself loads without any permission.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { suite } from "./suite.mjs";

const dir = Deno.env.get("LOYALTY_VECTORS") || new URL("../vectors/", import.meta.url).pathname;

function readVectorFiles() {
  try {
    const names = [...Deno.readDirSync(dir)].map((entry) => entry.name).filter((name) => name.endsWith(".json"));
    return Object.fromEntries(names.map((name) => [name, Deno.readTextFileSync(`${dir}/${name}`)]));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    throw e;
  }
}

const vectorFiles = readVectorFiles();

suite({
  test: (name, fn) => Deno.test(name, fn),
  lib,
  vectorFiles,
  runtime: { name: "deno", dom: false, entry: import.meta.resolve("loyalty-connector"), expectedEntry: "deno.js" },
});

suite({
  test: (name, fn) => Deno.test(`[loyalty-connector/lootly] ${name}`, fn),
  lib: lootlyOnly,
  vectorFiles,
  runtime: { name: "deno", subpath: "lootly", dom: false, entry: import.meta.resolve("loyalty-connector/lootly"), expectedEntry: "lootly/deno.js" },
});
