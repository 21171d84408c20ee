// Lootly played by PHP itself: the emulator's verifier under `php -S` runs PHP's json_decode,
// ksort, json_encode and hash_hmac on every webhook the Worker sends. Every sample event (accents,
// slashes, quotes) and a batch of generated ones must be accepted with 200, once each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENDPOINT, Processes, eventId, sampleEvents, startVerifier, startWorker, waitUntilSettled, workerVars } from './harness.mjs';

const procs = new Processes();
let verifier, worker;

before(async () => {
  verifier = await startVerifier(procs);
  worker = await startWorker(procs, workerVars({ lootly: verifier.url, extra: { RETRY_BASE_SECONDS: '1' } }));
});
after(() => procs.stopAll());

test('the PHP verifier accepts every webhook the Worker sends', { timeout: 120_000 }, async () => {
  const names = ['José Ñandú', 'Zoë «Ö» O\'Brien', 'Łukasz / 李小龍', 'Emoji 🧉 Mate', 'Back\\slash "quoted"'];
  const generated = names.map((name, i) => ({
    kind: 'order',
    event: {
      order_id: `PHP-${i}/${name.length}`,
      status: ['completed', 'paid', 'fulfilled', 'processing', 'completed'][i],
      created_at: '2026-11-20T10:00:00+01:00',
      customer: { id: `ü-${i}`, email: `php.${i}@example.com`, first_name: name, last_name: name.split(' ').reverse().join(' ') },
      amounts: { subtotal: '10.10', discount: '0.10', tax: '2.121', total: '12.121', taxes_included: i % 2 === 0 },
      items: [{ sku: `S/${i}`, name, quantity: i + 1, unit_price: '10.10' }],
      discount_codes: [`CÓDIGO/${i}`, 'a"b'],
    },
  }));
  const events = [...sampleEvents(), ...generated];
  const ids = [];
  for (const { kind, event } of events) {
    const r = await worker.shop.post(ENDPOINT[kind], event);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.id, eventId(kind, event));
    ids.push(r.body.id);
  }
  const views = await waitUntilSettled(worker.shop, ids, { timeoutMs: 90_000 });
  for (const view of views.values()) {
    assert.equal(view.destinations.lootly.state, 'delivered', JSON.stringify(view));
    assert.equal(view.destinations.lootly.attempts, 1, 'PHP accepted the first attempt');
  }
  await sleep(1000);
  const log = await verifier.log();
  assert.equal(log.length, events.length, 'one accepted request per event');
  const webhook = { order: (e) => `orders-${e.status}`, refund: () => 'refunds-create', cancellation: () => 'orders-cancelled' };
  const received = log.map((entry) => `${entry.type} ${JSON.parse(entry.body).id}`).sort();
  const expected = events.map(({ kind, event }) => `${webhook[kind](event)} ${event.order_id}`).sort();
  assert.deepEqual(received, expected, 'each event reached PHP once, as its own webhook');
});
