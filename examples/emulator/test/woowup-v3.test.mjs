// WoowUp API v3: the envelope, the reference's validation and codes, duplicate invoices, the
// rate limit with its headers, faults, raw UTF-8 queries, and the shared email rule.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { APP_ID, WOOWUP_KEY, call, control, startEmulator, state } from './helpers.mjs';
import { isWoowUpEmail } from '../woowup.mjs';
import { isSku, isV3DateTime, purchaseProblems } from '../woowup-v3.mjs';
import { RequestLineEncoder } from '../http-util.mjs';

const auth = { authorization: `Basic ${WOOWUP_KEY}`, accept: 'application/json' };
const json = { ...auth, 'content-type': 'application/json' };
const b64 = (s) => encodeURIComponent(Buffer.from(s).toString('base64'));
const PURCHASE = {
  invoice_number: 'FAC-1', email: 'ana@example.com', channel: 'web', createtime: '2026-11-30T18:05:00-03:00',
  purchase_detail: [{ sku: 'JCK-001', product_name: 'Jacket', quantity: 1, unit_price: 999.99 }],
  prices: { gross: 999.99, total: 999.99 },
};

/** One request over a raw socket (bytes as given), answered with Connection: close. */
function rawRequest(port, head) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.concat([head, Buffer.from('\r\n')])));
    let text = Buffer.alloc(0);
    socket.on('data', (c) => (text = Buffer.concat([text, c])));
    socket.on('end', () => {
      const [h, body] = text.toString('utf8').split('\r\n\r\n');
      resolve({ status: Number(h.split(' ')[1]), body });
    });
    socket.on('error', reject);
  });
}

describe('WoowUp API v3', () => {
  let emu;
  const url = (path) => `${emu.url}/apiv3${path}`;
  const get = (path, headers = auth) => call(url(path), { headers });
  const send = (method, path, body, headers = json) => call(url(path), { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const createAna = () => send('POST', '/users', { email: 'ana@example.com', document: '24586932', first_name: 'Ana' });

  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => control(emu, 'reset'));

  test('Basic auth with the raw key; 403 otherwise; the envelope on every answer', async () => {
    assert.equal((await get('/multiusers/exist?email=a@b.c', { accept: 'application/json' })).status, 403);
    const b64Key = { ...auth, authorization: `Basic ${Buffer.from(`${WOOWUP_KEY}:`).toString('base64')}` };
    assert.equal((await get('/multiusers/exist?email=a@b.c', b64Key)).status, 403);
    const r = await get('/multiusers/exist?email=ana%40example.com');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['payload', 'message', 'code', 'time']);
    assert.deepEqual([r.json.payload, r.json.code], [{ exist: false }, 'ok']);
    assert.match(r.json.time, /^\d+ms$/);
    assert.equal((await get('/multiusers/exist?email=a@b.c', { authorization: auth.authorization })).json.code, 'bad_request');
    assert.equal((await send('DELETE', '/purchases', PURCHASE)).status, 405);
    assert.equal((await get('/nothing/here')).status, 404);
  });

  test('customers: create, find by any identity, exist, update; existing → internal_error "usuario existente"', async () => {
    const created = await createAna();
    assert.deepEqual([created.status, created.json.code], [201, 'ok']);
    for (const q of ['email=ANA%40example.com', 'document=24586932', 'email=&document=24586932']) {
      const r = await get(`/multiusers/find?${q}`);
      assert.deepEqual([r.status, r.json.payload.first_name], [200, 'Ana'], q);
    }
    const missing = await get('/multiusers/find?email=nobody%40example.com');
    assert.deepEqual([missing.status, missing.json.code], [404, 'user_not_found']);
    const again = await createAna();
    assert.deepEqual([again.status, again.json.code, again.json.message], [500, 'internal_error', 'usuario existente']);
    const updated = await send('PUT', '/multiusers', { document: '24586932', last_name: 'García', tags: 'vip,club' });
    assert.deepEqual([updated.status, updated.json.payload.last_name, updated.json.payload.tags], [200, 'García', ['vip', 'club']]);
    const bad = await send('POST', '/users', { first_name: 'x', gender: 'X', birthdate: '1990-02-30' });
    assert.equal(bad.json.code, 'bad_request');
    assert.equal(bad.json.payload.errors.length, 3, bad.text);
  });

  test('purchases: validation, user_not_found, duplicates, update by invoice, find', async () => {
    const invalid = await send('POST', '/purchases', { ...PURCHASE, channel: 'store', purchase_detail: [{ sku: '-X', quantity: 1.5 }] });
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.json.payload.errors, [
      'purchase_detail[0].sku does not match ^[^-][a-zA-Z0-9_%-]+$',
      'purchase_detail[0].quantity must be an integer ≥ 0',
      'purchase_detail[0].unit_price must be a number',
      'channel must be one of web, telephone, in-store, corporate, direct, other',
    ]);
    const noCustomer = await send('POST', '/purchases', PURCHASE);
    assert.deepEqual([noCustomer.status, noCustomer.json.code], [404, 'user_not_found']);
    await createAna();
    assert.equal((await send('POST', '/purchases', PURCHASE)).status, 201);
    const dup = await send('POST', '/purchases', PURCHASE);
    assert.deepEqual([dup.status, dup.json.code], [400, 'duplicated_purchase_number']);
    const put = await send('PUT', '/purchases', { ...PURCHASE, prices: { total: 10 } });
    assert.equal(put.status, 200);
    const found = await get('/purchases?invoice_number=FAC-1');
    assert.deepEqual([found.json.payload.length, found.json.payload[0].prices.total, found.json.payload[0].updates], [1, 10, 1]);
    await send('POST', '/users', { email: 'bob@example.com' });
    const other = await send('PUT', '/purchases', { ...PURCHASE, email: 'bob@example.com' });
    assert.deepEqual([other.status, other.json.code], [404, 'user_not_found']);
    const big = await send('POST', '/purchases', { ...PURCHASE, invoice_number: 'BIG', metadata: { x: 'x'.repeat(256 * 1024) } });
    assert.equal(big.json.code, 'bad_request');
    const bulk = await send('POST', '/purchases/bulk', [PURCHASE, { ...PURCHASE, invoice_number: 2 }, { ...PURCHASE, invoice_number: '' }]);
    assert.deepEqual([bulk.json.payload.created, bulk.json.payload.duplicated, bulk.json.payload.failed.length], [1, 1, 1]);
    const s = await state(emu);
    assert.equal(s.woowup_v3.accounts[APP_ID].purchases.length, 2);
  });

  test('points credit every time (no dedupe); ids in paths are base64, branch names unencoded', async () => {
    await createAna();
    for (let i = 0; i < 2; i++) {
      const r = await send('POST', '/multiusers/points', { email: 'ana@example.com', concept: 'gift', points: 10 });
      assert.equal(r.status, 201);
    }
    const ledger = await get('/multiusers/transactions?email=ana%40example.com');
    assert.equal(ledger.json.payload.length, 2);
    assert.equal((await send('POST', '/products', { sku: 'SKU/1?', name: 'Jabón' })).status, 201);
    assert.equal((await get(`/products/${b64('SKU/1?')}`)).json.payload.name, 'Jabón');
    assert.deepEqual((await get(`/products/${b64('SKU/1?')}/exist`)).json.payload, { exist: true });
    assert.equal((await send('PUT', `/products/${b64('nope')}`, { name: 'x' })).status, 404);
    const branch = Buffer.from('Palermo I').toString('base64');
    assert.equal((await send('POST', '/branches', { name: 'Palermo I' })).status, 201);
    assert.equal((await send('PUT', `/branches/${branch}`, { display_name: 'Palermo' })).json.payload.display_name, 'Palermo');
  });

  test('endpoints documented without the envelope answer bare; pages from 0', async () => {
    for (const name of ['a-1', 'b-2', 'c-3']) assert.equal((await send('POST', '/events', { name })).status, 201);
    const events = await get('/events?page=1&limit=2');
    assert.ok(Array.isArray(events.json));
    assert.deepEqual(events.json.map((e) => e.name), ['c-3']);
    assert.equal((await send('POST', '/events', { name: 'a-1' })).json.code, 'bad_request');
    const branches = await get('/branches?page=0&limit=1');
    assert.deepEqual(branches.json.payload.map((b) => b.name), ['Web']);
    assert.equal((await get('/branches?limit=101')).json.code, 'bad_request');
    assert.ok(Array.isArray((await get('/coupons?status=used')).json));
  });

  test('rate limit: 140 a minute over a sliding 30 s window, headers on every answer, 429 with Retry-After', async () => {
    const t0 = 1_800_000_000_000; // the start of a 30 s segment
    await control(emu, 'woowup-v3', { clock_ms: t0 });
    let last;
    for (let i = 0; i < 140; i++) last = await get('/branches');
    assert.equal(last.status, 200);
    assert.equal(last.headers.get('x-rate-limit-limit'), '140');
    assert.equal(last.headers.get('x-rate-limit-remaining'), '0');
    assert.equal(last.headers.get('x-rate-limit-reset'), String((t0 + 30_000) / 1000));
    const limited = await get('/branches');
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.json.payload, []);
    assert.deepEqual([limited.json.code, limited.json.message], ['too_many_request', 'too many request']);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 30 && retryAfter <= 60, `${retryAfter}`);
    // 45 s later the previous segment (140) weighs half: 70 more fit, not 71.
    await control(emu, 'woowup-v3', { advance_ms: 45_000 });
    let ok = 0;
    for (let i = 0; i < 71; i++) if ((await get('/branches')).status === 200) ok++;
    assert.equal(ok, 70);
    // Evenly spent, 140 a minute never meets a 429.
    await control(emu, 'reset');
    await control(emu, 'woowup-v3', { clock_ms: t0 });
    for (let i = 0; i < 300; i++) {
      assert.equal((await get('/branches')).status, 200, `request ${i}`);
      await control(emu, 'woowup-v3', { advance_ms: 429 });
    }
    const s = await state(emu);
    assert.equal(s.woowup_v3.requests.filter((r) => r.status === 429).length, 0);
  });

  test('faults as for v2: programs "woowup", pathPrefix "/apiv3", answers replaced after processing', async () => {
    await createAna();
    await control(emu, 'faults', { programs: ['woowup'], pathPrefix: '/apiv3/purchases', sequence: [503], when: 'after', retryAfter: 2 });
    const r = await send('POST', '/purchases', PURCHASE);
    assert.deepEqual([r.status, r.headers.get('retry-after')], [503, '2']);
    const dup = await send('POST', '/purchases', PURCHASE);
    assert.equal(dup.json.code, 'duplicated_purchase_number', 'the first was processed: the resend is a duplicate');
    const s = await state(emu);
    assert.deepEqual(s.woowup_v3.requests.map((x) => [x.status, x.fault?.kind ?? null]).slice(-2), [[503, 'sequence'], [400, null]]);
  });

  test('raw UTF-8 in a query string is read as real servers read it (v2 and v3)', async () => {
    await send('POST', '/users', { service_uid: '日本-001', email: 'nihon@example.com' });
    const v3 = await rawRequest(emu.port, Buffer.concat([
      Buffer.from('GET /apiv3/multiusers/find?service_uid='), Buffer.from('日本-001'),
      Buffer.from(` HTTP/1.0\r\nHost: x\r\nAuthorization: Basic ${WOOWUP_KEY}\r\nAccept: application/json\r\nConnection: close\r\n`),
    ]));
    assert.equal(v3.status, 200, v3.body);
    assert.equal(JSON.parse(v3.body).payload.email, 'nihon@example.com');
    const v2 = await rawRequest(emu.port, Buffer.concat([
      Buffer.from(`GET /apiv2/${APP_ID}/user_by_uid?uid=`), Buffer.from('日本-001'),
      Buffer.from(` HTTP/1.0\r\nHost: x\r\nUsername: ${APP_ID}\r\nApikey: ${WOOWUP_KEY}\r\nConnection: close\r\n`),
    ]));
    assert.equal(v2.status, 200, v2.body);
    assert.deepEqual(JSON.parse(v2.body), { status: false, message: 'User not found' });
    const s = await state(emu);
    assert.equal(s.woowup.requests.at(-1).query, 'uid=%E6%97%A5%E6%9C%AC-001');
  });
});

describe('pure pieces', () => {
  test('request lines are re-encoded, heads and bodies left alone, across chunk boundaries', () => {
    const e = new RequestLineEncoder();
    const input = Buffer.concat([
      Buffer.from('POST /a?x=ñ HTTP/1.1\r\nContent-Length: 7\r\nX-Name: ñ\r\n\r\nñandú'),
      Buffer.from('GET /b?y=日 HTTP/1.1\r\n\r\n'),
    ]);
    const out = [];
    for (let i = 0; i < input.length; i += 5) out.push(...e.push(input.subarray(i, i + 5)));
    assert.equal(Buffer.concat(out).toString('utf8'),
      'POST /a?x=%C3%B1 HTTP/1.1\r\nContent-Length: 7\r\nX-Name: ñ\r\n\r\nñandúGET /b?y=%E6%97%A5 HTTP/1.1\r\n\r\n');
  });

  test('the email rule, the sku pattern and the date forms', () => {
    for (const ok of ['a@b', 'john+tag@doe.com', 'ñandú@ejemplo.com.ar', '"john..doe"@example.com', '"a@b"@x.com']) assert.ok(isWoowUpEmail(ok), ok);
    for (const bad of ['', 'john', '@doe.com', 'john@', 'a@b.', 'a@.b', 'a@b..c', '"john doe"@x.com', 'a\u0085@b', `${'a'.repeat(250)}@b.cd`]) {
      assert.ok(!isWoowUpEmail(bad), bad);
    }
    for (const ok of ['JCK-001', 'a%', ' 1', 'ñA1']) assert.ok(isSku(ok), ok);
    for (const bad of ['a', '-ab', 'SKU/1', 'añ']) assert.ok(!isSku(bad), bad);
    for (const ok of ['2026-11-30 18:05:00', '2026-11-30T18:05:00-03:00', '2024-02-29T00:00:00.5Z']) assert.ok(isV3DateTime(ok), ok);
    for (const bad of ['2026-11-30T18:05:00', '2026-11-30 18:05:00Z', '2026-02-30 10:00:00', '2026-11-30T18:05:00+15:00']) assert.ok(!isV3DateTime(bad), bad);
    assert.deepEqual(purchaseProblems({ ...PURCHASE, email: '', document: 1 }), []);
  });
});
