// Injected failures: deterministic for a seed, Retry-After, and the lost-response case.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ID, WOOWUP_KEY, call, control, startEmulator, state } from './helpers.mjs';

const auth = { username: APP_ID, apikey: WOOWUP_KEY };
const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };

describe('faults', () => {
  let emu;
  const ping = () => call(`${emu.url}/apiv2/${APP_ID}/contest_sale_points`, { headers: auth });
  const sale = (nro) => call(`${emu.url}/apiv2/${APP_ID}/add_sale_points_by_uid`, {
    method: 'POST', headers: form, body: new URLSearchParams({ uid: 'john@doe.com', points: '10', nrofactura: nro }).toString(),
  });
  const statuses = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await ping()).status);
    return out;
  };

  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => control(emu, 'reset'));

  test('a sequence of statuses, with Retry-After on 429', async () => {
    const set = await control(emu, 'faults', { sequence: [503, 429, null, 500], rateLimit: { every: 100, retryAfter: 7 } });
    assert.equal(set.status, 200);
    const r1 = await ping();
    assert.equal(r1.status, 503);
    assert.equal(r1.headers.get('x-emulator-fault'), 'sequence');
    const r2 = await ping();
    assert.deepEqual([r2.status, r2.headers.get('retry-after'), r2.json.message], [429, '7', 'Too Many Attempts.']);
    assert.deepEqual(await statuses(3), [200, 500, 200]);
    const s = await state(emu);
    assert.deepEqual(s.woowup.requests.map((r) => r.verdict), ['fault', 'fault', 'ok', 'fault', 'ok']);
    assert.equal(s.faults.counted, 5);
  });

  test('every N-th request is rate limited', async () => {
    await control(emu, 'faults', { rateLimit: { every: 3, retryAfter: 2 } });
    assert.deepEqual(await statuses(7), [200, 200, 429, 200, 200, 429, 200]);
  });

  test('errorRate draws from the seed: the same seed gives the same failures', async () => {
    const run = async () => {
      await control(emu, 'faults', { errorRate: 0.5, status: 502, retryAfter: 1, seed: 42 });
      return statuses(20);
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(502) && a.includes(200), a.join());
    await control(emu, 'faults', { errorRate: 0.5, seed: 43 });
    assert.notDeepEqual(await statuses(20), a);
  });

  test('when "after": the work is done, the answer is lost, and the retry is a duplicate', async () => {
    await control(emu, 'faults', { sequence: [503], when: 'after', retryAfter: 1 });
    const lost = await sale('R-1');
    assert.deepEqual([lost.status, lost.headers.get('retry-after')], [503, '1']);
    const retry = await sale('R-1');
    assert.equal(retry.json.status, false);
    const s = await state(emu);
    assert.deepEqual(s.woowup.invoices.map((i) => [i.nrofactura, i.deliveries, i.duplicates]), [['R-1', 2, 1]]);
    assert.deepEqual(s.woowup.requests.map((r) => [r.status, r.verdict, r.fault?.when]),
      [[503, 'invoice-recorded', 'after'], [200, 'duplicate-invoice', undefined]]);
  });

  test('programs and pathPrefix narrow the faults; latency delays; bad settings are refused; reset clears', async () => {
    await control(emu, 'faults', { errorRate: 1, programs: ['lootly'] });
    assert.equal((await ping()).status, 200);
    await control(emu, 'faults', { errorRate: 1, pathPrefix: '/apiv2/13/user_by' });
    assert.equal((await ping()).status, 200);
    await control(emu, 'faults', { latencyMs: 150 });
    const t0 = Date.now();
    await ping();
    assert.ok(Date.now() - t0 >= 140);
    for (const bad of [{ errorRate: 2 }, { status: 99 }, { rateLimit: { every: 0 } }, { when: 'later' }, { programs: ['x'] }, { nonsense: 1 }]) {
      const r = await control(emu, 'faults', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    await control(emu, 'faults', { errorRate: 1 });
    await control(emu, 'reset');
    assert.equal((await ping()).status, 200);
    assert.equal((await call(`${emu.url}/_emulator/faults`)).json.errorRate, 0);
  });
});
