// Durable delivery under `wrangler dev`, to Lootly and WoowUp: 1,000 events (orders, refunds,
// cancellations) while the emulator fails 30 % of requests with 503, answers every 10th with 429 +
// Retry-After, and answers slowly; some events are posted twice. Every event must reach each
// program exactly once (the emulator's ledgers), and the Worker's status must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENDPOINT, Processes, eventId, startEmulator, startWorker, waitUntilSettled, workerVars } from './harness.mjs';

const EVENTS = Number(process.env.E2E_EVENTS ?? 1000);
const BOTH_EVENTS = Number(process.env.E2E_BOTH_EVENTS ?? 100);
const FAULTS = { errorRate: 0.3, status: 503, rateLimit: { every: 10, retryAfter: 1 }, latencyMs: 150, seed: 7 };

/** Orders, then a refund for every 8th order and a cancellation for every 12th (not both). */
function events(n) {
  const out = [];
  const orders = Math.round(n * 0.85);
  for (let i = 0; i < orders; i++) {
    const cents = 1000 + ((i * 7919) % 90000);
    const amount = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    out.push({
      kind: 'order',
      event: {
        order_id: `LOAD-${i}/${i % 3 ? 'web' : 'tienda'}`,
        status: 'completed',
        created_at: '2026-11-20T10:00:00-03:00',
        customer: { id: `C-${i % 97}`, email: `cliente.${i % 97}@example.com`, first_name: 'Zoë', last_name: `Núñez ${i % 97}` },
        amounts: { subtotal: amount(cents), discount: '0.00', tax: '0.00', total: amount(cents), taxes_included: true },
        items: [{ sku: `SKU-${i % 13}`, name: 'Mate «clásico» 1/2', quantity: 1, unit_price: amount(cents) }],
      },
    });
  }
  for (let i = 0; out.length < n; i++) {
    const order = out[i].event;
    if (i % 12 === 5) out.push({ kind: 'cancellation', event: { order_id: order.order_id, created_at: '2026-11-21T10:00:00Z' } });
    else out.push({ kind: 'refund', event: { refund_id: `R-${i}`, order_id: order.order_id, amount: '5.00', created_at: '2026-11-21T10:00:00Z' } });
  }
  return out;
}

test(`${EVENTS} events to Lootly, 30 % failures, 429s and slow answers: each delivered exactly once`, { timeout: 600_000 }, async (t) => {
  await run(t, EVENTS, 'lootly');
});

// WoowUp's reward flow makes 3 to 4 requests per order, each failing 30 % of the time: fewer
// events, more attempts allowed.
test(`${BOTH_EVENTS} events to Lootly and WoowUp, 30 % failures, 429s and slow answers: each delivered exactly once`, { timeout: 600_000 }, async (t) => {
  await run(t, BOTH_EVENTS, 'lootly,woowup');
});

async function run(t, count, destinations) {
  const procs = new Processes();
  t.after(() => procs.stopAll());
  const emulator = await startEmulator(procs);
  const extra = { RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '4', MAX_ATTEMPTS: '60', WOOWUP_UNKNOWN_CUSTOMER: 'initialize' };
  const withWoowUp = destinations.includes('woowup');
  const worker = await startWorker(procs, workerVars({ lootly: emulator.url, woowup: withWoowUp && emulator.url, destinations, extra }));
  await emulator.faults(FAULTS);
  const all = events(count);
  const started = Date.now();
  // Post in parallel batches; every 10th event is posted a second time later.
  const ids = [];
  const post = async ({ kind, event }) => {
    const r = await worker.shop.post(ENDPOINT[kind], event);
    assert.ok([200, 202].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.id, eventId(kind, event));
    return r;
  };
  for (let i = 0; i < all.length; i += 50) {
    const batch = all.slice(i, i + 50);
    const answers = await Promise.all(batch.map(post));
    ids.push(...answers.map((a) => a.body.id));
  }
  const again = await Promise.all(all.filter((_, i) => i % 10 === 0).map(post));
  const posted = Date.now();

  const views = await waitUntilSettled(worker.shop, ids, { timeoutMs: 300_000 });
  const settled = Date.now();
  await sleep(2000); // nothing may arrive after the ledger says it is done
  const state = await emulator.state();

  // The emulator's ledger: accepted webhooks per (type, order id); faults were not processed.
  const accepted = new Map();
  for (const r of state.lootly.requests.filter((r) => r.verdict === 'accepted')) {
    const key = `${r.type} ${JSON.parse(r.body).id}`;
    accepted.set(key, (accepted.get(key) ?? 0) + 1);
  }
  const webhook = { order: 'orders-completed', refund: 'refunds-create', cancellation: 'orders-cancelled' };
  const missing = [];
  const doubled = [];
  for (const { kind, event } of all) {
    const n = accepted.get(`${webhook[kind]} ${event.order_id}`) ?? 0;
    if (n === 0) missing.push(`${kind} ${event.order_id}`);
    if (n > 1) doubled.push(`${kind} ${event.order_id} ×${n}`);
  }
  assert.deepEqual(missing, [], 'every event delivered');
  assert.deepEqual(doubled, [], 'no event delivered twice');
  assert.equal([...accepted.values()].reduce((a, b) => a + b, 0), all.length);
  for (const o of state.lootly.orders) assert.deepEqual([o.deliveries, o.duplicates], [1, 0], o.id);

  const orders = all.filter((e) => e.kind === 'order');
  if (withWoowUp) {
  // WoowUp's ledger: one invoice per order, recorded once; each cancellation applied once.
  const invoices = new Map(state.woowup.invoices.map((i) => [i.nrofactura, i]));
  for (const { event } of orders) {
    const invoice = invoices.get(event.order_id);
    assert.ok(invoice, `invoice ${event.order_id}`);
    assert.deepEqual([invoice.deliveries, invoice.duplicates], [1, 0], event.order_id);
  }
  assert.equal(invoices.size, orders.length);
  const cancelled = state.woowup.requests.filter((r) => r.verdict === 'invoice-cancelled').map((r) => r.nrofactura).sort();
  const cancellations = all.filter((e) => e.kind === 'cancellation').map((e) => e.event.order_id).sort();
  assert.deepEqual(cancelled, cancellations);
  assert.equal(state.woowup.requests.filter((r) => r.verdict === 'already-cancelled' || r.verdict === 'duplicate-invoice').length, 0);

  // The Worker's own view agrees: every destination delivered (WoowUp skips refunds), and its
  // attempts cover the requests the emulator saw.
  for (const [id, view] of views) {
    assert.equal(view.destinations.woowup.state, view.kind === 'refund' ? 'skipped' : 'delivered', id);
  }
  }
  const states = [...views.values()].map((v) => v.destinations.lootly);
  assert.deepEqual([...new Set(states.map((d) => d.state))], ['delivered']);
  const attempts = states.reduce((a, d) => a + d.attempts, 0);
  const faults = state.lootly.requests.filter((r) => r.verdict === 'fault');
  const woowupFaults = state.woowup.requests.filter((r) => r.verdict === 'fault');
  // Every request the emulator saw was an attempt; an attempt may also end before reaching it
  // (a network error inside wrangler dev, an invocation cut short), and is then retried.
  assert.ok(attempts >= state.lootly.requests.length, `${attempts} attempts < ${state.lootly.requests.length} requests`);
  assert.equal(state.lootly.requests.length, all.length + faults.length);
  const log = worker.child.output;
  const networkErrors = (log.match(/network error on/g) ?? []).length;
  const tooMany = faults.filter((r) => r.status === 429).length;
  assert.ok(faults.length > all.length * 0.3, `failures were injected (${faults.length})`);
  if (withWoowUp) assert.ok(woowupFaults.length > orders.length * 0.3, `failures were injected into WoowUp (${woowupFaults.length})`);
  assert.ok(tooMany > all.length / 20, `429s were injected (${tooMany})`);
  assert.ok(again.every((r) => r.status === 200 && r.body.status === 'duplicate'));
  const retried = worker.shop.retried ?? 0;

  console.log(
    `# ${destinations}: ${all.length} events (+${again.length} repeated posts): Lootly ${faults.length} injected failures ` +
      `(${tooMany} × 429), ${attempts} attempts; WoowUp ${state.woowup.requests.length} requests, ` +
      `${woowupFaults.length} injected failures (${networkErrors} network errors logged); posted in ${((posted - started) / 1000).toFixed(1)} s, ` +
      `all delivered ${((settled - started) / 1000).toFixed(1)} s after the first post; ${retried} posts retried after a 503`,
  );
}
