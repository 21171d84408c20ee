// The Worker under `wrangler dev` refuses what it must refuse, and enqueues nothing for it: bad
// or stale signatures (401), malformed or incomplete events (400 naming the field), bodies over
// the limit (413), an id reused for other content (409); a repeated post is one event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { request } from 'node:http';
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

/**
 * A chunked POST to /v1/orders (no content-length): `write(req)` sends; the answer or the error.
 * A 503 from `wrangler dev`'s own proxy ("Your worker restarted mid-request", not JSON) is sent
 * again, as the shop's sender does (harness.mjs).
 */
async function chunkedPost(write) {
  for (let attempt = 1; ; attempt++) {
    const answer = await chunkedPostOnce(write);
    if (answer.status !== 503 || answer.body !== null || attempt === 4) return answer;
    await sleep(200 * attempt);
  }
}

function chunkedPostOnce(write) {
  const { port, hostname } = new URL(worker.url);
  return new Promise((resolve) => {
    const req = request({ host: hostname, port, path: '/v1/orders', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const timer = setTimeout(() => { req.destroy(); resolve({ timeout: true }); }, 20_000);
    const done = (answer) => { clearTimeout(timer); req.destroy(); resolve(answer); };
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body = null;
        try {
          body = JSON.parse(text);
        } catch {
          // wrangler dev's proxy answers some failures in plain text
        }
        done({ status: res.statusCode, body, text: body === null ? text.slice(0, 200) : undefined });
      });
    });
    req.on('error', (e) => done({ error: e.code }));
    write(req);
  });
}

test('a chunked body without content-length is refused once it passes the limit, not read to its end', async () => {
  await emulator.reset();
  // 6,000 bytes and the upload left open: the answer must come without waiting for the end.
  const open = await chunkedPost((req) => req.write(Buffer.alloc(6000, 0x20)));
  assert.deepEqual([open.status, open.body?.code], [413, 'too_large'], JSON.stringify(open));
  // An endless upload: refused (413, or the connection closed on the sender) long before 64 MiB.
  let sent = 0;
  const endless = await chunkedPost((req) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (sent < 400 * 1024 ** 2 && !req.destroyed && req.write(chunk)) sent += chunk.length;
      if (sent >= 400 * 1024 ** 2) return req.end();
      req.once('drain', () => { sent += chunk.length; pump(); });
    };
    pump();
  });
  // wrangler dev's proxy (miniflare) reports the Worker's early answer to a body still streaming
  // in as its own plain-text 500 "Network connection lost": the upload was cut off, as intended.
  const cutOff = endless.status === 500 && endless.body === null && /Network connection lost/.test(endless.text ?? '');
  assert.ok(endless.status === 413 || endless.error || cutOff, JSON.stringify(endless));
  assert.ok(sent < 64 * 1024 ** 2, `refused after ${(sent / 1024 ** 2).toFixed(1)} MiB were sent`);
  await assertNothingEnqueued();
});

test('a signed status request is bound to its method and path', async () => {
  const id = eventId('order', order);
  const other = eventId('order', { ...order, status: 'paid' });
  assert.equal((await shop.status(id)).status, 200);
  // The signature of a request for `id` does not read `other`, nor does one over an empty body.
  const headers = shop.headers(`GET /v1/events/${id}`);
  const replayed = await fetch(`${worker.url}/v1/events/${other}`, { headers });
  assert.equal(replayed.status, 401);
  assert.equal((await shop.status(id, { signed: '' })).status, 401);
  assert.equal((await shop.call('POST', `/v1/events/${id}/replay`, { signed: `GET /v1/events/${id}/replay` })).status, 401);
});

test('a valid signature on any of several webhook-signature lines is accepted', async () => {
  await emulator.reset();
  const event = { ...order, order_id: 'SIG-LINES-1' };
  const body = JSON.stringify(event);
  const good = shop.headers(body);
  const wrong = new Shop(worker.url, 'whsec_' + Buffer.alloc(24, 9).toString('base64')).headers(body, { id: good['webhook-id'] });
  for (const lines of [[good['webhook-signature'], wrong['webhook-signature']], [wrong['webhook-signature'], good['webhook-signature']]]) {
    const headers = new Headers(good);
    headers.delete('webhook-signature');
    for (const line of lines) headers.append('webhook-signature', line);
    const r = await fetch(`${worker.url}/v1/orders`, { method: 'POST', body, headers });
    assert.ok([200, 202].includes(r.status), `${r.status} ${await r.text()}`);
  }
  const headers = new Headers(good);
  headers.set('webhook-signature', wrong['webhook-signature']);
  headers.append('webhook-signature', wrong['webhook-signature']);
  assert.equal((await fetch(`${worker.url}/v1/orders`, { method: 'POST', body, headers })).status, 401);
  await waitUntilSettled(shop, [eventId('order', event)], { timeoutMs: 30_000 });
});

test('an order id has one spelling: NFC and NFD are one order, whitespace around it is refused', async () => {
  await emulator.reset();
  const nfc = { ...order, order_id: 'CAF\u00c9-1' };
  const nfd = { ...order, order_id: 'CAFE\u0301-1' };
  const first = await shop.post('orders', nfd);
  assert.equal(first.status, 202);
  assert.equal(first.body.id, eventId('order', nfc));
  const second = await shop.post('orders', nfc);
  assert.deepEqual([second.status, second.body.status, second.body.id], [200, 'duplicate', first.body.id]);
  for (const id of ['CAF\u00c9-1 ', ' CAF\u00c9-1', 'CAF\u00c9-1\u00a0']) {
    const r = await shop.post('orders', { ...order, order_id: id });
    assert.deepEqual([r.status, r.body.code, r.body.field], [400, 'invalid_field', 'order_id'], JSON.stringify(id));
  }
  const refund = await shop.post('refunds', { refund_id: 'R-1', order_id: 'CAFE\u0301-1', amount: '1.00', created_at: '2026-11-22T12:00:00Z' });
  assert.equal(refund.status, 202);
  await waitUntilSettled(shop, [first.body.id, refund.body.id], { timeoutMs: 30_000 });
  await sleep(1000);
  const state = await emulator.state();
  const ids = state.lootly.requests.filter((r) => r.verdict === 'accepted').map((r) => `${r.type} ${JSON.parse(r.body).id}`);
  assert.deepEqual(ids.sort(), ['orders-completed CAF\u00c9-1', 'refunds-create CAF\u00c9-1']);
});

test('50 identical posts at once: one accepted, 49 duplicates, one delivery', async () => {
  for (let round = 0; round < 3; round++) {
    await emulator.reset();
    const event = { ...order, order_id: `BURST-${round}` };
    const answers = await Promise.all(Array.from({ length: 50 }, () => shop.post('orders', event)));
    const statuses = answers.map((a) => `${a.status} ${a.body.status}`);
    assert.equal(statuses.filter((s) => s === '202 accepted').length, 1, statuses.join(', '));
    assert.equal(statuses.filter((s) => s === '200 duplicate').length, 49, statuses.join(', '));
    const [view] = (await waitUntilSettled(shop, [eventId('order', event)], { timeoutMs: 30_000 })).values();
    assert.equal(view.posts, 50);
    await sleep(1500);
    assert.equal((await emulator.state()).lootly.requests.length, 1);
  }
});

test('the operator lists dead letters and replays them', { timeout: 120_000 }, async () => {
  await emulator.reset();
  // Lootly refuses the next request for good (a 400 is not retried).
  await emulator.faults({ sequence: [400], programs: ['lootly'] });
  const event = { ...order, order_id: 'DEAD-1' };
  const id = eventId('order', event);
  assert.equal((await shop.post('orders', event)).status, 202);
  const [failed] = (await waitUntilSettled(shop, [id], { timeoutMs: 30_000 })).values();
  assert.equal(failed.destinations.lootly.state, 'failed');
  let letters = [];
  for (let i = 0; i < 50 && !letters.some((l) => l.event === id); i++) {
    await sleep(200);
    letters = (await shop.deadLetters()).body.letters;
  }
  const letter = letters.find((l) => l.event === id);
  assert.ok(letter, JSON.stringify(letters));
  assert.deepEqual([letter.destination, letter.attempts], ['lootly', 1]);
  assert.equal((await fetch(`${worker.url}/v1/dead-letters`)).status, 401, 'the operator signs too');
  await emulator.faults({});
  const replayed = await shop.replay(id);
  assert.deepEqual([replayed.status, replayed.body.status, replayed.body.destinations], [202, 'replayed', ['lootly']]);
  const [view] = (await waitUntilSettled(shop, [id], { timeoutMs: 30_000 })).values();
  assert.deepEqual([view.destinations.lootly.state, view.destinations.lootly.attempts], ['delivered', 1]);
  assert.ok(!(await shop.deadLetters()).body.letters.some((l) => l.event === id), 'a replayed letter is removed');
  assert.deepEqual([(await shop.replay(id)).body.status], ['nothing_to_replay']);
  const accepted = (await emulator.state()).lootly.requests.filter((r) => r.verdict === 'accepted');
  assert.equal(accepted.length, 1);
});

test('the standardwebhooks library verifies what this suite signs (the Worker checks the same bytes)', () => {
  const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const sig = wh.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}');
  assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});
