// An edge function: POST the vector files, get the suite's results.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../suites.mjs";

addEventListener("fetch", (event) => {
  event.respondWith(
    event.request.json().then(async (vectorFiles) => Response.json(await runSuites({ name: "edge-runtime", lib, lootlyOnly, vectorFiles }))),
  );
});
