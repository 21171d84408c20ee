// The pass-through baseline of make bench's Worker row: takes the shop's POST and forwards its
// body to Lootly with one fetch, nothing else (no signature check, no ledger, no queue, no
// signing). What the loyalty-connector Worker's work is compared against.
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response(null, { status: 404 });
    const body = await request.text();
    const r = await fetch(env.TARGET, { method: "POST", body, headers: { "content-type": "application/json" } });
    await r.arrayBuffer();
    return new Response(JSON.stringify({ forwarded: r.status }), { status: 202 });
  },
};
