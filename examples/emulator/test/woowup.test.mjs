// WoowUp API v2: happy paths and the errors a client must see.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { APP_ID, WOOWUP_KEY, call, control, startEmulator, state } from './helpers.mjs';

const auth = { username: APP_ID, apikey: WOOWUP_KEY, accept: 'application/json' };
const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
const FACTURA = JSON.stringify([
  { codigo: '12', producto: 'prod1', cantidad: 2, precio: 10.3, branch: 'Web', variations: [{ name: 'Color', value: 'Rojo' }] },
  { codigo: '13', producto: 'prod3', cantidad: 1, precio: 1.3, categoryCode: 'C1' },
]);

describe('WoowUp API v2', () => {
  let emu;
  const url = (endpoint, query = '') => `${emu.url}/apiv2/${APP_ID}/${endpoint}${query}`;
  const get = (endpoint, query, headers = auth) => call(url(endpoint, query), { headers });
  const post = (endpoint, fields, headers = form) =>
    call(url(endpoint), { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const sale = (fields) => post('add_sale_points_by_uid', { uid: 'john@doe.com', points: '100', nrofactura: 'F-1', factura: FACTURA, ...fields });

  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => control(emu, 'reset'));

  test('credentials: Username and Apikey headers, names in any case', async () => {
    assert.equal((await get('contest_sale_points', '', {})).status, 401);
    assert.equal((await get('contest_sale_points', '', { ...auth, apikey: 'wrong' })).status, 401);
    assert.equal((await get('contest_sale_points', '', { ...auth, username: '99' })).status, 401);
    const r = await call(`${emu.url}/apiv2/99/contest_sale_points`, { headers: { ...auth, username: '99' } });
    assert.deepEqual([r.status, r.json], [401, { status: false, message: 'Invalid credentials' }]);
    const raw = await new Promise((resolve, reject) => {
      const req = http.request(url('contest_sale_points'), { headers: { USERNAME: APP_ID, ApIkEy: WOOWUP_KEY } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(raw, { status: 200, text: '{"status":true,"data":{"contest_sale_points":5}}' });
  });

  test('users: by email (percent-encoded), by uid, is_user, strings where WoowUp sends strings', async () => {
    let r = await get('user_by_email', '?email=juan%2Bvip%40example.com');
    assert.equal(r.json.status, true);
    const user = r.json.data.user;
    assert.deepEqual([user.points, user.service_uid, user.email, typeof user.userapp_id], ['10', '31824477', 'juan+vip@example.com', 'string']);
    r = await get('user_by_email', '?email=juan+vip@example.com'); // "+" unencoded is a space
    assert.deepEqual([r.status, r.json], [200, { status: false, message: 'User not found' }]);
    r = await get('user_by_uid', '?uid=31824477');
    assert.equal(r.json.data.user.email, 'juan+vip@example.com');
    r = await get('user_by_email', '?email=fb@example.com');
    assert.equal(r.json.data.user.service_uid, null);
    assert.equal((await get('user_by_uid', '?uid=fb-user')).json.status, false);
    assert.deepEqual((await get('is_user', '?service=2&service_uid=31824477')).json, { status: true, message: 'User already exists' });
    assert.deepEqual((await get('is_user', '?service=1&service_uid=1413631099')).json, { status: true, message: 'User already exists' });
    assert.equal((await get('is_user', '?service=2&service_uid=nobody')).json.status, false);
    assert.equal((await get('is_user', '?service=3&service_uid=x')).status, 400);
    assert.equal((await get('user_by_email', '')).status, 400);
  });

  test('initialize_user, then register_user_classic completes the registration', async () => {
    const fields = { uid: 'new@x.com', email: 'new@x.com', first_name: 'Ana', last_name: 'Nueva' };
    let r = await post('initialize_user', fields);
    assert.equal(r.json.status, true);
    assert.deepEqual([r.json.data.user.service_uid, r.json.data.user_app.app_id, r.json.data.points], ['new@x.com', APP_ID, 0]);
    assert.deepEqual((await post('initialize_user', fields)).json, { status: false, message: 'User already exists' });
    r = await post('register_user_classic', { ...fields, pass: '1234' });
    assert.equal(r.json.data.user.service_pass, '81dc9bdb52d04dc20036dbd8313ed055');
    assert.equal((await post('register_user_classic', { ...fields, pass: '1234' })).json.status, false);
    assert.equal((await post('initialize_user', { uid: 'x' })).status, 400);
    const s = await state(emu);
    assert.equal(s.woowup.users.find((u) => u.uid === 'new@x.com').registered, true);
  });

  test('add_sale_points_by_uid records the invoice once; a repeated nrofactura is a duplicate', async () => {
    const first = await sale({ branch: 'Web', datetime: '2024-05-17 10:00:00' });
    assert.equal(first.status, 200);
    assert.equal(first.json.status, true);
    assert.match(first.json.data.transaction_id, /^\d+$/);
    const again = await sale({ branch: 'Web', datetime: '2024-05-17 10:00:00' });
    assert.deepEqual([again.status, again.json], [200, { status: false, message: 'Invoice number F-1 already exists' }]);
    const s = await state(emu);
    assert.equal(s.woowup.invoices.length, 1);
    const [invoice] = s.woowup.invoices;
    assert.deepEqual([invoice.deliveries, invoice.duplicates, invoice.points, invoice.branch, invoice.items.length], [2, 1, 100, 'Web', 2]);
    assert.deepEqual(invoice.items[0].variations, [{ name: 'Color', value: 'Rojo' }]);
    assert.equal(s.woowup.users.find((u) => u.uid === 'john@doe.com').points, 150);
    assert.deepEqual(s.woowup.requests.map((r) => r.verdict), ['invoice-recorded', 'duplicate-invoice']);
  });

  test('add_sale_points_by_uid refuses what WoowUp refuses', async () => {
    const cases = [
      [{ factura: '[{"codigo":"1"' }, /factura is not valid JSON/],
      [{ factura: JSON.stringify([{ sku: 'SK02313', productName: 'Vanilla cake', Quantity: 1, Price: 16 }]) }, /factura\[0\]\.codigo is required/],
      [{ factura: JSON.stringify([{ codigo: '1', producto: 'p', cantidad: 'two', precio: 1 }]) }, /cantidad must be a number/],
      [{ factura: JSON.stringify({ codigo: '1' }) }, /must be a JSON list/],
      [{ factura: JSON.stringify([{ codigo: '1', producto: 'p', cantidad: 1, precio: 1, variations: [{ name: 'Color' }] }]) }, /variations\[0\]/],
      [{ datetime: '2024-05-17T10:00:00' }, /datetime must be yyyy-mm-dd hh:mm:ss/],
      [{ datetime: '2024-02-30 10:00:00' }, /datetime/],
      [{ branch: 'Nowhere' }, /Branch "Nowhere" does not exist/],
      [{ points: 'many' }, /points must be a number/],
      [{ nrofactura: '' }, /Missing parameter: nrofactura/],
    ];
    for (const [fields, message] of cases) {
      const r = await sale(fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      assert.equal(r.json.status, false);
      assert.match(r.json.message, message);
    }
    const unknown = await sale({ uid: 'ghost@x.com' });
    assert.deepEqual([unknown.status, unknown.json], [200, { status: false, message: 'User not found' }]);
    // parameters must travel in a form body, not in the query string or as JSON
    const inQuery = await call(url('add_sale_points_by_uid', '?uid=john@doe.com&points=1&nrofactura=Q'), { method: 'POST', headers: auth });
    assert.equal(inQuery.status, 400);
    const asJson = await call(url('add_sale_points_by_uid'), {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ uid: 'john@doe.com', points: 1, nrofactura: 'J' }),
    });
    assert.equal(asJson.status, 400);
    assert.equal((await state(emu)).woowup.invoices.length, 0);
  });

  test('cancel_invoice reverts the points once; transactions list the movements as strings', async () => {
    await sale({});
    let r = await post('cancel_invoice', { nrofactura: 'F-1' });
    assert.equal(r.json.status, true);
    assert.deepEqual((await post('cancel_invoice', { nrofactura: 'F-1' })).json, { status: false, message: 'Invoice already cancelled' });
    assert.deepEqual((await post('cancel_invoice', { nrofactura: 'nope' })).json, { status: false, message: 'Invoice not found' });
    assert.equal((await sale({})).json.status, false); // the number stays taken
    r = await get('transactions', '?userapp_id=john@doe.com');
    assert.ok(Array.isArray(r.json));
    assert.deepEqual(r.json.map((t) => [t.points, t.concept_id, t.description]), [['100', '6', 'F-1'], ['-100', '6', 'cancel F-1']]);
    const s = await state(emu);
    assert.equal(s.woowup.users.find((u) => u.uid === 'john@doe.com').points, 50);
    assert.equal(s.woowup.invoices[0].status, 'cancelled');
  });

  test('add_points_by_uid (negative too), top_users_by_points as a bare array, coupon_status', async () => {
    assert.equal((await post('add_points_by_uid', { userapp_id: 'john@doe.com', points: '-20', concept: '3', description: 'fix' })).json.status, true);
    assert.equal((await post('add_points_by_uid', { userapp_id: '31824477', points: '500', branch: 'Shopping Unicenter' })).json.status, true);
    assert.equal((await post('add_points_by_uid', { userapp_id: 'john@doe.com', points: '1', branch: 'Mars' })).status, 400);
    assert.equal((await post('add_points_by_uid', { userapp_id: 'ghost', points: '1' })).json.status, false);
    let r = await get('top_users_by_points', '?limit=2');
    assert.deepEqual(r.json.map((u) => [u.email, u.points]), [['juan+vip@example.com', 510], ['john@doe.com', 30]]);
    r = await get('top_users_by_points', '?limit=1000');
    assert.equal(r.json.length, 3);
    r = await post('coupon_status', { coupon_id: '77', status: '4' });
    assert.deepEqual(r.json, { status: true, data: 'Cambio de estado efectuado con exito' });
    assert.equal((await post('coupon_status', { coupon_id: '77' })).status, 400);
    const s = await state(emu);
    assert.deepEqual(s.woowup.coupons.map((c) => [c.coupon_id, c.status]), [['77', 4]]);
  });

  test('save_product takes the query string of a POST; category tree and emails take JSON bodies', async () => {
    const q = '?code=123&name=soap&category_id=23&thumbnail_url=http://img.com/t.jpg&cost=15.8';
    let r = await call(url('save_product', q), { method: 'POST', headers: auth });
    assert.deepEqual(r.json, { status: true, message: 'product created' });
    assert.equal(r.text, '{"status":true,"message":"product created"}');
    r = await call(url('save_product', q), { method: 'POST', headers: auth });
    assert.deepEqual(r.json, { status: true, message: 'product updated' });
    r = await post('save_product', { code: '1', name: 'body' }); // fields in the body are not read
    assert.equal(r.status, 400);

    const tree = [{ id: 1, name: 'Ropa Mujer', children: [{ id: 2, name: 'Polleras', children: null }] }, { id: 4, name: 'Ropa Hombre', children: [] }];
    const json = { ...auth, 'content-type': 'application/json' };
    r = await call(url('save_category_tree'), { method: 'POST', headers: json, body: JSON.stringify(tree) });
    assert.deepEqual(r.json, { status: true });
    r = await call(url('save_category_tree'), { method: 'POST', headers: json, body: JSON.stringify([{ id: 'x', children: 3 }]) });
    assert.equal(r.status, 400);
    r = await call(url('send_transactional_email'), { method: 'POST', headers: json, body: JSON.stringify({ to: ['a@b.co', 'c@d.co'], subject: 's', body: 'b' }) });
    assert.deepEqual(r.json, { status: true });
    r = await call(url('send_transactional_email'), { method: 'POST', headers: json, body: JSON.stringify({ to: 'a@b.co', subject: 's' }) });
    assert.equal(r.status, 400);
    const s = await state(emu);
    assert.deepEqual(s.woowup.products.map((p) => [p.code, p.cost]), [['123', '15.8']]);
    assert.equal(s.woowup.category_trees[0].tree[0].children[0].name, 'Polleras');
    assert.deepEqual(s.woowup.emails[0].to, ['a@b.co', 'c@d.co']);
  });

  test('unknown endpoint 404, wrong method 405, connectedservices', async () => {
    assert.equal((await get('no_such_thing', '')).status, 404);
    assert.equal((await get('add_sale_points_by_uid', '')).status, 405);
    assert.equal((await post('user_by_email', { email: 'john@doe.com' })).status, 405);
    assert.deepEqual((await get('connectedservices', '')).json, { status: true, data: [] });
  });
});
