// A route handler on the edge runtime: POST /edge-route with the vector files, get the suite's results.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../../../suites.mjs";

export const runtime = "edge";

export function GET() {
  return new Response("ready");
}

export async function POST(request) {
  const vectorFiles = await request.json();
  return Response.json(await runSuites({ name: "next edge route", lib, lootlyOnly, vectorFiles }));
}
