// Nothing stays pending after a crash: `wrangler dev` is killed (SIGKILL, as a crash) while
// deliveries to Lootly and WoowUp are in flight, queued or waiting for a retry, and restarted on
// the same state. Its queue messages died with it; the ledgers' alarms must queue again whatever
// stalled, so that every order ends delivered, rewarded once at each program, without the shop
// posting anything again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Processes, eventId, startEmulator, startWorker, waitUntilSettled, workerVars } from './harness.mjs';

const ORDERS = Number(process.env.E2E_RESTART_ORDERS ?? 40);

function order(i) {
  return {
    order_id: `KILL-${i}/web`,
    status: 'completed',
    created_at: '2026-11-20T10:00:00-03:00',
    customer: { id: `C-${i % 7}`, email: `kill.${i % 7}@example.com`, first_name: 'Ana', last_name: `Núñez ${i % 7}` },
    amounts: { subtotal: '100.00', discount: '0.00', tax: '0.00', total: `${100 + i}.00`, taxes_included: true },
    items: [{ sku: 'MATE-1', name: 'Mate', quantity: 1, unit_price: `${100 + i}.00` }],
  };
}

test(`killed mid-delivery and restarted: ${ORDERS} orders each delivered once to Lootly and WoowUp`, { timeout: 400_000 }, async (t) => {
  const procs = new Processes();
  t.after(() => procs.stopAll());
  const emulator = await startEmulator(procs);
  // A short timeout keeps the leases of the killed attempts short (16 × 1 s + 30 s); stalled
  // deliveries are queued again 2 s past due.
  const extra = {
    RETRY_BASE_SECONDS: '1', RETRY_MAX_SECONDS: '2', MAX_ATTEMPTS: '60', FETCH_TIMEOUT_SECONDS: '1',
    REQUEUE_AFTER_SECONDS: '2', WOOWUP_UNKNOWN_CUSTOMER: 'initialize',
  };
  const vars = workerVars({ lootly: emulator.url, woowup: emulator.url, destinations: 'lootly,woowup', extra });
  const first = await startWorker(procs, vars);
  await emulator.faults({ errorRate: 0.2, latencyMs: 300, seed: 3 });

  const orders = Array.from({ length: ORDERS }, (_, i) => order(i));
  const ids = [];
  for (const o of orders) {
    const r = await first.shop.post('orders', o);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  // Kill it once deliveries are under way, well before they are all done.
  const deadline = Date.now() + 60_000;
  while ((await emulator.state()).lootly.requests.length < ORDERS / 4 && Date.now() < deadline) await sleep(100);
  await first.kill();
  const atKill = await emulator.state();
  const done = (s) => s.lootly.orders.length + s.woowup.invoices.length;
  assert.ok(done(atKill) < 2 * ORDERS, `killed mid-delivery (${done(atKill)} of ${2 * ORDERS} deliveries done)`);

  await emulator.faults({ latencyMs: 100 });
  const second = await startWorker(procs, vars, { state: first.state });
  const restarted = Date.now();
  const views = await waitUntilSettled(second.shop, ids, { timeoutMs: 240_000 });
  const settled = Date.now();
  await sleep(3000); // nothing may arrive after the ledger says it is done
  const state = await emulator.state();

  for (const [i, o] of orders.entries()) {
    const view = views.get(eventId('order', o));
    assert.deepEqual([view.destinations.lootly.state, view.destinations.woowup.state], ['delivered', 'delivered'], JSON.stringify(view));
    // An event's status shows no personal data (WoowUp's uid is the customer's email here).
    assert.doesNotMatch(JSON.stringify(view), /@/, `status ${i}`);
    const lootly = state.lootly.orders.filter((r) => r.id === o.order_id);
    assert.equal(lootly.length, 1, `Lootly rewarded ${o.order_id} once`);
    const invoices = state.woowup.invoices.filter((r) => r.nrofactura === o.order_id);
    assert.equal(invoices.length, 1, `WoowUp recorded ${o.order_id} once`);
  }
  assert.equal(state.lootly.orders.length, ORDERS);
  assert.equal(state.woowup.invoices.length, ORDERS);
  // A request in flight at the kill may have reached a program and is sent again: each program
  // refuses such a repeat (it never rewards twice); count them.
  const repeats = state.lootly.orders.reduce((a, o) => a + o.duplicates, 0) + state.woowup.invoices.reduce((a, i) => a + i.duplicates, 0);
  const requeued = (second.child.output.match(/queued again/g) ?? []).length;
  console.log(
    `# killed with ${done(atKill)} of ${2 * ORDERS} deliveries done; after the restart ${requeued} stalled deliveries were queued ` +
      `again by the ledgers' alarms; all delivered ${((settled - restarted) / 1000).toFixed(1)} s after the restart; ` +
      `${repeats} repeated sends refused by the programs`,
  );
});
