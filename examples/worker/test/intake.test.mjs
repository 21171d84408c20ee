// The Worker under `wrangler dev` refuses what it must refuse, and enqueues nothing for it: bad
// or stale signatures (401), malformed or incomplete events (400 naming the field), bodies over
// the limit (413), an id reused for other content (409); a repeated post is one event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { Processes, Shop, eventId, sampleEvents, startEmulator, startWorker, waitUntilSettled, workerVars } from './harness.mjs';

const procs = new Processes();
let emulator, worker, shop;
const order = structuredClone(sampleEvents().find((s) => s.kind === 'order').event);

before(async () => {
  emulator = await startEmulator(procs);
  worker = await startWorker(procs, workerVars({ lootly: emulator.url, extra: { MAX_BODY_BYTES: '4096' } }));
  shop = worker.shop;
});
after(() => procs.stopAll());

/** Nothing reached the emulator, and the Worker has no record of the event. */
async function assertNothingEnqueued(kind, event) {
  await sleep(2500); // more than the queue's batch timeout
  const state = await emulator.state();
  assert.equal(state.lootly.requests.length, 0, 'a refused post must not be delivered');
  if (event?.order_id) assert.equal((await shop.status(eventId(kind, event))).status, 404, 'a refused post must not be recorded');
}

test('bad signatures are refused with 401', async () => {
  const body = JSON.stringify(order);
  const cases = {
    'another secret': new Shop(worker.url, 'whsec_' + Buffer.alloc(24, 7).toString('base64')).headers(body),
    'stale timestamp': shop.headers(body, { at: new Date(Date.now() - 6 * 60 * 1000) }),
    'future timestamp': shop.headers(body, { at: new Date(Date.now() + 6 * 60 * 1000) }),
    'no signature': (({ 'webhook-signature': _, ...h }) => h)(shop.headers(body)),
    'a v2 signature': ((h) => ({ ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v2,') }))(shop.headers(body)),
    'signed another body': shop.headers(body.replace('30805.00', '30804.00')),
    'signed another id': ((h) => ({ ...h, 'webhook-id': h['webhook-id'] + 'x' }))(shop.headers(body)),
  };
  for (const [name, headers] of Object.entries(cases)) {
    const r = await fetch(`${worker.url}/v1/orders`, { method: 'POST', body, headers });
    assert.equal(r.status, 401, name);
    assert.equal((await r.json()).code, 'unauthorized', name);
  }
  await assertNothingEnqueued('order', order);
});

test('malformed and incomplete events are refused with 400 naming the field', async () => {
  const without = (path) => {
    const e = structuredClone(order);
    const keys = path.split('.');
    delete keys.slice(0, -1).reduce((o, k) => o[k], e)[keys.at(-1)];
    return e;
  };
  const cases = [
    ['orders', '{"order_id": "1",', 'invalid_json', ''],
    ['orders', without('order_id'), 'missing_field', 'order_id'],
    ['orders', without('customer.email'), 'missing_field', 'customer.email'],
    ['orders', { ...order, amounts: { ...order.amounts, total: 30805 } }, 'invalid_field', 'amounts.total'],
    ['orders', { ...order, items: [{ ...order.items[0], quantity: 0 }] }, 'invalid_field', 'items[0].quantity'],
    ['orders', { ...order, status: 'shipped' }, 'invalid_field', 'status'],
    ['orders', { ...order, coupon: 'X' }, 'unknown_field', 'coupon'],
    ['orders', { ...order, customer: { ...order.customer, email: 'ana.example.com' } }, 'invalid_field', 'customer.email'],
    ['refunds', { order_id: 'X-1', amount: '10.00', created_at: '2026-11-22T12:00:00Z' }, 'missing_field', 'refund_id'],
    ['refunds', { refund_id: 'R', order_id: 'X-1', amount: '0', created_at: '2026-11-22T12:00:00Z' }, 'invalid_field', 'amount'],
    ['cancellations', { order_id: 'X-1', created_at: 'yesterday' }, 'invalid_field', 'created_at'],
  ];
  for (const [endpoint, event, code, field] of cases) {
    const r = await shop.post(endpoint, event);
    assert.equal(r.status, 400, `${endpoint} ${JSON.stringify(event).slice(0, 80)}`);
    assert.deepEqual([r.body.code, r.body.field], [code, field]);
    assert.equal(typeof r.body.message, 'string');
  }
  await assertNothingEnqueued('order', order);
});

test('a body over the limit is refused with 413', async () => {
  const big = { ...order, items: Array.from({ length: 60 }, (_, i) => ({ ...order.items[0], sku: `SKU-${i}` })) };
  const r = await shop.post('orders', big);
  assert.equal(r.status, 413);
  assert.equal(r.body.code, 'too_large');
  await assertNothingEnqueued('order', big);
});

test('unknown endpoints, methods and events', async () => {
  assert.equal((await fetch(`${worker.url}/v1/customers`, { method: 'POST' })).status, 404);
  assert.equal((await fetch(`${worker.url}/v1/orders`)).status, 405);
  assert.equal((await shop.status('evt_nope')).status, 404);
  assert.equal((await shop.status(eventId('order', { ...order, order_id: 'never-sent' }))).status, 404);
  const unsigned = await fetch(`${worker.url}/v1/events/${eventId('order', order)}`);
  assert.equal(unsigned.status, 401);
});

test('a repeated post is one event, delivered once; other content under its id is a conflict', async () => {
  const id = eventId('order', order);
  const first = await shop.post('orders', order);
  assert.equal(first.status, 202);
  assert.deepEqual(first.body, { id, status: 'accepted', destinations: ['lootly'] });
  // The same event again: concurrently, then later, with new webhook ids and key order.
  const again = await Promise.all([shop.post('orders', order), shop.post('orders', JSON.stringify(Object.fromEntries(Object.entries(order).reverse())))]);
  for (const r of again) assert.deepEqual([r.status, r.body.id], [200, id]);
  const conflict = await shop.post('orders', { ...order, amounts: { ...order.amounts, total: '1.00' } });
  assert.deepEqual([conflict.status, conflict.body.code], [409, 'conflict']);
  const [view] = (await waitUntilSettled(shop, [id], { timeoutMs: 30_000 })).values();
  assert.equal(view.destinations.lootly.state, 'delivered');
  assert.equal(view.posts, 3, 'the conflicting post is not counted');
  await sleep(2000);
  const requests = (await emulator.state()).lootly.requests;
  assert.equal(requests.length, 1);
  assert.equal(requests[0].verdict, 'accepted');
  assert.equal(requests[0].outcome, 'rewarded');
});

test('the standardwebhooks library verifies what this suite signs (the Worker checks the same bytes)', () => {
  const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const sig = wh.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}');
  assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});
