// POST the vector files ({ "name.json": text }) and get the suite's results back as JSON;
// GET answers "ready" once the Worker (and so the package's wasm) has loaded.
import * as lib from "loyalty-connector";
import { collect } from "../collect.mjs";
import { suite } from "../suite.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("ready");
    const vectorFiles = await request.json();
    const results = await collect((test) => suite({ test, lib, vectorFiles, runtime: { name: "workerd", dom: false } }));
    return Response.json(results);
  },
};
