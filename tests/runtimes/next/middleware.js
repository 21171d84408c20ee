// Next.js middleware (the edge runtime): POST /middleware with the vector files, get the suite's results.
import * as lib from "loyalty-connector";
import * as lootlyOnly from "loyalty-connector/lootly";
import { runSuites } from "../suites.mjs";

export const config = { matcher: "/middleware" };

export async function middleware(request) {
  const vectorFiles = await request.json();
  return Response.json(await runSuites({ name: "next middleware", lib, lootlyOnly, vectorFiles }));
}
