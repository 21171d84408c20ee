// POST the vector files ({ "name.json": text }) and get the suite's results back as JSON;
// GET answers "ready" once the Worker (and so the package's wasm) has loaded.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { collect } from "../collect.mjs";
import { suite } from "../suite.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("ready");
    const vectorFiles = await request.json();
    const results = await collect((test) => {
      suite({ test, lib, vectorFiles, runtime: { name: "workerd", dom: false } });
      const lootlyTest = (name, fn) => test(`[loyalty-connector/lootly] ${name}`, fn);
      suite({ test: lootlyTest, lib: lootlyOnly, vectorFiles, runtime: { name: "workerd", subpath: "lootly", dom: false } });
    });
    return Response.json(results);
  },
};
