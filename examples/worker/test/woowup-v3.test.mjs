// The Worker on WoowUp API v3 (WOOWUP_API=v3) under `wrangler dev`, against the emulator's v3:
// 1. orders recorded exactly once, and refunds and cancellations taking back their points once
//    (WOOWUP_V3_REVERSAL=negative_points), while 30 % of the answers are lost after WoowUp
//    stored the request (503 "after": the purchase or the points are there, the Worker cannot
//    know), some events posted twice;
// 2. a burst of orders paced per account: the emulator's rate limit is scaled (600 a minute
//    instead of 140, so the run takes seconds, not minutes) and the Worker paces at the same
//    budget; the run takes the time the limit implies and meets (almost) no 429.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Processes, WOOWUP_KEY, eventId, startEmulator, startWorker, waitUntilSettled, workerVars } from './harness.mjs';

const APP_ID = '14'; // the emulator's app of WOOWUP_KEY (examples/emulator/config.json)

function order(i, customers) {
  const cents = 1000 + ((i * 7919) % 90000);
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const c = i % customers;
  return {
    order_id: `V3-${i}/${i % 2 ? 'web' : 'tienda'}`,
    status: 'completed',
    created_at: '2026-11-20T10:00:00-03:00',
    customer: { id: `C-${c}`, email: `cliente.${c}@example.com`, first_name: 'Zoë', last_name: `Núñez ${c}` },
    amounts: { subtotal: amount, discount: '0.00', tax: '0.00', total: amount, taxes_included: true },
    items: [{ sku: `SKU-${i % 13}`, name: 'Mate «clásico» 1/2', quantity: 1, unit_price: amount }],
  };
}

async function start(t, { perMinute, rateLimit, vars = {} }) {
  const procs = new Processes();
  t.after(() => procs.stopAll());
  const emulator = await startEmulator(procs);
  const r = await fetch(`${emulator.url}/_emulator/woowup-v3`, { method: 'POST', body: JSON.stringify({ rate_limit: rateLimit }) });
  assert.equal(r.status, 200, await r.text());
  const extra = {
    WOOWUP_API: 'v3',
    WOOWUP_V3_BASE_URL: `${emulator.url}/apiv3`,
    WOOWUP_API_KEY: WOOWUP_KEY,
    WOOWUP_UNKNOWN_CUSTOMER: 'create',
    WOOWUP_REQUESTS_PER_MINUTE: String(perMinute),
    RETRY_BASE_SECONDS: '1',
    RETRY_MAX_SECONDS: '4',
    MAX_ATTEMPTS: '30',
    ...vars,
  };
  const worker = await startWorker(procs, workerVars({ lootly: emulator.url, destinations: 'woowup', extra }));
  return { emulator, worker };
}

/** Posts `[endpoint, event]` pairs 50 at a time; their answers. */
async function postAll(shop, events) {
  const all = [];
  for (let i = 0; i < events.length; i += 50) {
    const answers = await Promise.all(events.slice(i, i + 50).map(([endpoint, e]) => shop.post(endpoint, e)));
    for (const a of answers) assert.ok([200, 202].includes(a.status), `${a.status} ${JSON.stringify(a.body)}`);
    all.push(...answers);
  }
  return all;
}

test('v3: every order recorded once, every reversal taken back once, while 30 % of the answers are lost after WoowUp stored the request', { timeout: 300_000 }, async (t) => {
  const ORDERS = 150;
  const reversal = { WOOWUP_V3_REVERSAL: 'negative_points', WOOWUP_V3_POINTS_PER_UNIT: '0.1' };
  const { emulator, worker } = await start(t, { perMinute: 6000, rateLimit: 100_000, vars: reversal });
  await emulator.faults({ errorRate: 0.3, status: 503, when: 'after', latencyMs: 20, seed: 12, programs: ['woowup'], pathPrefix: '/apiv3' });
  const orders = Array.from({ length: ORDERS }, (_, i) => order(i, 40));
  const cancellations = orders.filter((_, i) => i % 15 === 0).map((o) => ({ order_id: o.order_id, created_at: '2026-11-21T10:00:00Z' }));
  // Two partial refunds for every 7th order (not a cancelled one): each takes back its own points.
  const refunds = orders.filter((_, i) => i % 7 === 3 && i % 15 !== 0).flatMap((o) => ['A', 'B'].map((part) => (
    { refund_id: `R-${o.order_id}-${part}`, order_id: o.order_id, amount: '33.30', created_at: '2026-11-21T10:00:00Z' })));
  const started = Date.now();
  const reversals = [...cancellations.map((c) => ['cancellations', c]), ...refunds.map((r) => ['refunds', r])];
  const ids = (await postAll(worker.shop, [...orders.map((o) => ['orders', o]), ...reversals])).map((a) => a.body.id);
  const again = await postAll(worker.shop, orders.filter((_, i) => i % 10 === 0).map((o) => ['orders', o]));
  assert.deepEqual(ids.slice(0, ORDERS), orders.map((o) => eventId('order', o)));
  const views = await waitUntilSettled(worker.shop, ids, { timeoutMs: 240_000 });
  const settled = Date.now();
  await sleep(1000);
  const state = await emulator.state();
  const account = state.woowup_v3.accounts[APP_ID];

  // One purchase per order, as the shop sent it; one customer per shop customer.
  const byInvoice = new Map();
  for (const p of account.purchases) byInvoice.set(p.invoice_number, [...(byInvoice.get(p.invoice_number) ?? []), p]);
  for (const o of orders) {
    const stored = byInvoice.get(o.order_id) ?? [];
    assert.equal(stored.length, 1, `${o.order_id}: ${stored.length} purchases`);
    assert.equal(stored[0].prices.total, Number(o.amounts.total), o.order_id);
    assert.equal(stored[0].email, o.customer.email, o.order_id);
  }
  assert.equal(account.purchases.length, ORDERS);
  const emails = account.customers.map((c) => c.email);
  assert.equal(new Set(emails).size, emails.length, 'no customer created twice');
  assert.equal(emails.length, 40);

  // The lost answers were met: purchases stored before their answer was lost came back as
  // duplicates, which the flow read as recorded (and updated).
  const requests = state.woowup_v3.requests;
  const lost = requests.filter((r) => r.fault?.when === 'after');
  const duplicates = requests.filter((r) => r.verdict === 'duplicate' && !r.fault);
  assert.ok(lost.length > ORDERS * 0.3, `answers were lost (${lost.length})`);
  assert.ok(duplicates.length > 10, `lost purchases were met as duplicates (${duplicates.length})`);

  // Each reversal's points taken back once, under its event id: ⌊amount × 0.1⌋ (a cancellation:
  // the order's total), never twice although answers to points were lost.
  const expected = new Map([
    ...cancellations.map((c) => [eventId('cancellation', c), Math.floor(Number(orders.find((o) => o.order_id === c.order_id).amounts.total) / 10)]),
    ...refunds.map((r) => [eventId('refund', r), 3]),
  ]);
  const taken = new Map();
  for (const tx of account.transactions) {
    const id = /\[(evt_[0-9a-f]+)\]$/.exec(tx.description ?? '')?.[1];
    if (id) taken.set(id, [...(taken.get(id) ?? []), tx.points]);
  }
  for (const [id, points] of expected) assert.deepEqual(taken.get(id), [-points], id);
  assert.equal(taken.size, expected.size);
  const pointsLost = requests.filter((r) => r.path.endsWith('/multiusers/points') && r.fault?.when === 'after').length;
  const checks = requests.filter((r) => r.path.endsWith('/multiusers/transactions')).length;
  assert.ok(pointsLost > 0 && checks >= pointsLost, `lost points answers (${pointsLost}) were checked (${checks})`);

  // The Worker's view: every order and reversal delivered.
  for (const [id, view] of views) assert.equal(view.destinations.woowup.state, 'delivered', `${id} ${JSON.stringify(view.destinations.woowup)}`);
  const odd = again.filter((a) => !(a.status === 200 && a.body.status === 'duplicate'));
  assert.deepEqual(odd.map((a) => [a.status, a.body]), [], 'a repeated post is a duplicate');
  console.log(
    `# v3 exactly once: ${ORDERS} orders + ${cancellations.length} cancellations + ${refunds.length} refunds, ${requests.length} requests to WoowUp, ` +
      `${lost.length} answers lost after storing, ${duplicates.length} duplicates read as recorded, ${pointsLost} lost points answers checked ` +
      `(${checks} ledger reads); ` +
      `all settled ${((settled - started) / 1000).toFixed(1)} s after the first post`,
  );
});

test('v3: a burst of orders is paced per account: the time the limit implies, (almost) no 429', { timeout: 300_000 }, async (t) => {
  const ORDERS = 240;
  const LIMIT = 600; // a minute: 140 scaled up, so that the burst takes seconds
  const { emulator, worker } = await start(t, { perMinute: LIMIT, rateLimit: LIMIT });
  const orders = Array.from({ length: ORDERS }, (_, i) => order(i, 24));
  const started = Date.now();
  const ids = (await postAll(worker.shop, orders.map((o) => ['orders', o]))).map((a) => a.body.id);
  const posted = Date.now();
  const views = await waitUntilSettled(worker.shop, ids, { timeoutMs: 240_000 });
  const settled = Date.now();
  const state = await emulator.state();
  const requests = state.woowup_v3.requests;
  const tooMany = requests.filter((r) => r.status === 429).length;
  for (const view of views.values()) assert.equal(view.destinations.woowup.state, 'delivered', JSON.stringify(view));
  assert.equal(state.woowup_v3.accounts[APP_ID].purchases.length, ORDERS);

  // The requests left evenly: the run is shorter than a minute, so never more than the limit's
  // share of any 30 s (WoowUp's window segment), and no storm of 429s.
  const times = requests.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  const busiest = (ms) => {
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] < times[i] + ms) j++;
      most = Math.max(most, j - i);
    }
    return most;
  };
  const [busiest10, busiest30] = [busiest(10_000), busiest(30_000)];
  if (process.env.E2E_VERBOSE) {
    const perSecond = new Map();
    for (const t of times) perSecond.set(Math.floor((t - times[0]) / 1000), (perSecond.get(Math.floor((t - times[0]) / 1000)) ?? 0) + 1);
    console.log(`# requests per second: ${[...perSecond.entries()].map(([s, n]) => `${s}:${n}`).join(' ')}`);
  }
  const seconds = (settled - started) / 1000;
  const minimum = ((requests.length - 1) * 60) / LIMIT;
  console.log(
    `# v3 burst: ${ORDERS} orders posted in ${((posted - started) / 1000).toFixed(1)} s; ${requests.length} requests to WoowUp ` +
      `at ${LIMIT}/min: ${tooMany} × 429, busiest 10 s ${busiest10} requests (pace ${LIMIT / 6}), busiest 30 s ${busiest30} (pace ${LIMIT / 2}); ` +
      `all recorded ${seconds.toFixed(1)} s after the first post (the limit's minimum ${minimum.toFixed(1)} s)`,
  );
  assert.ok(busiest30 <= (LIMIT / 2) * 1.05, `${busiest30} requests in 30 s (limit ${LIMIT}/min)`);
  assert.ok(tooMany <= Math.ceil(requests.length * 0.01), `${tooMany} × 429 in ${requests.length} requests`);
  assert.ok(seconds >= minimum * 0.95, `paced: ${seconds} s for ${requests.length} requests at ${LIMIT}/min (≥ ${minimum} s)`);
  assert.ok(seconds <= minimum * 1.5 + 15, `not slower than the limit needs: ${seconds} s, minimum ${minimum.toFixed(1)} s`);
});
