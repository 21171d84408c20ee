// Lootly: webhooks signed by real PHP (the guide's client code) against the emulator.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { askPhp } from './php-oracle.mjs';
import {
  LOOTLY_KEY, LOOTLY_SECRET, call, control, guideOrder, phpReadHmacs, phpSignedBodies, postJson, startEmulator, state,
} from './helpers.mjs';
import { canonicalText } from '../lootly.mjs';
import { isEmail, isDate } from '../lootly-jobs.mjs';
import { jsonDecode } from '../php.mjs';

const k = { key: LOOTLY_KEY };
// Everything PHP signs, in one php process.
const SIGNED = Object.fromEntries((() => {
  const cases = {
    orderA: [guideOrder(), LOOTLY_SECRET],
    orderB: [guideOrder({ id: '100002', subtotal_price: '120.50', total_price: '120.50', total_tax: '20.50', taxes_included: true },
      { id: '002', email: 'B@Example.com' }), LOOTLY_SECRET],
    taxesTrueString: [guideOrder({ id: 'bad-1', taxes_included: 'true' }), LOOTLY_SECRET],
    guest: [guideOrder({ id: 'bad-2' }, { id: undefined }), LOOTLY_SECRET],
    birthdayNull: [guideOrder({ id: 'bad-3' }, { birthday: null }), LOOTLY_SECRET],
    birthdayEmpty: [guideOrder({ id: '100003' }, { id: '003', email: 'c@example.com', birthday: '' }), LOOTLY_SECRET],
    badEmail: [guideOrder({ id: 'bad-4' }, { email: 'not-an-email' }), LOOTLY_SECRET],
    nonNumeric: [guideOrder({ id: 'bad-5', total_tax: 'zero' }), LOOTLY_SECRET],
    paidMerchant: [guideOrder({ id: 'P1', key: 'paid-key' }), 'paid-secret'],
    cancelA: [{ id: '100001', ...k }, LOOTLY_SECRET],
    refundB1: [{ id: '100002', transactions: [{ amount: '30.125' }], ...k }, LOOTLY_SECRET],
    refundB2: [{ id: '100002', transactions: [{ amount: '90.375' }], ...k }, LOOTLY_SECRET],
    customer: [{ id: 'C9', email: 'new@example.com', first_name: 'Nina', last_name: 'New', default_address: { zip: '1000', country: 'AR' }, ...k }, LOOTLY_SECRET],
    pointsAdd: [{ customer_id: 'C9', point_value: 15, ...k }, LOOTLY_SECRET],
    pointsSubtract: [{ customer_id: 'C9', point_value: '5', ...k }, LOOTLY_SECRET],
    pointsUnknown: [{ customer_id: 'nobody', point_value: 15, ...k }, LOOTLY_SECRET],
    keyVerify: [{ t: 1700000000, ...k }, LOOTLY_SECRET],
    installed: [{ shop_url: 'https://shop.example/', api_endpoint: 'https://shop.example/lootly', ...k }, LOOTLY_SECRET],
    guideVector: [{ ...guideOrder(), key: 'xxx' }, 'xxx'],
    guideCancel: [{ id: '100001', key: 'xxx' }, 'xxx'],
    guideCustomer: [{ id: 'C1', email: 'c1@example.com', birthday: '', key: 'xxx' }, 'xxx'],
    rewardsList: [{ key: 'xxx', t: 1767225600 }, 'xxx'],
    customerInfo: [{ customer_id: '001', key: 'xxx', t: 1767225600 }, 'xxx'],
    redeem: [{ customer_email: 'support@lootly.io', reward_id: 3, key: 'xxx', t: 1767225600 }, 'xxx'],
    redeemUnknown: [{ customer_email: 'nobody@example.com', reward_id: 3, key: 'xxx', t: 1767225600 }, 'xxx'],
    unicode: [guideOrder({ id: 'U/1' }, { id: 'ü1', email: 'u@example.com', first_name: 'Zoë 😀 <b>&', last_name: "O'Neil/\"x\"" }), LOOTLY_SECRET],
  };
  const bodies = phpSignedBodies(Object.values(cases));
  return Object.keys(cases).map((name, i) => [name, bodies[i]]);
})());

const hook = (emu, type, slug = 'common', query = '') => `${emu.url}/integrations/webhooks/${slug}/${type}${query}`;

describe('Lootly webhooks', () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => control(emu, 'reset'));

  test('the guide’s example signs to the value in the notes, and the emulator computes the same', async () => {
    const body = JSON.parse(SIGNED.guideVector);
    assert.equal(body.hmac, 'vPP+Wn1EwMCJoDSDcFaVc54CTIwIisCe3OJjK7mTAHo=');
    const text = canonicalText(jsonDecode(SIGNED.guideVector));
    assert.equal(createHmac('sha256', 'xxx').update(text).digest('base64'), body.hmac);
    assert.equal((await postJson(hook(emu, 'orders-completed'), SIGNED.guideVector)).status, 200);
  });

  test('an order signed by PHP is accepted and rewarded once; the duplicate is skipped', async () => {
    for (const slug of ['common', 'custom-api', 'woocommerce', 'magento']) {
      const r = await postJson(hook(emu, 'orders-completed', slug), SIGNED.orderA);
      assert.equal(r.status, 200);
      assert.equal(r.text, '');
    }
    const s = await state(emu);
    assert.equal(s.lootly.orders.length, 1);
    const [order] = s.lootly.orders;
    assert.deepEqual([order.id, order.email, order.points, order.deliveries, order.duplicates], ['100001', 'support@lootly.io', 29, 4, 3]);
    assert.deepEqual(order.discount_codes, ['COUPON_CODE']);
    const [customer] = s.lootly.customers;
    assert.deepEqual([customer.id, customer.points, customer.zip, customer.country], ['001', 29, '11111', 'USA']);
    assert.equal(customer.ledger.length, 1);
    assert.deepEqual(s.lootly.requests.map((r) => [r.status, r.verdict, r.outcome]),
      [[200, 'accepted', 'rewarded'], [200, 'accepted', 'duplicate'], [200, 'accepted', 'duplicate'], [200, 'accepted', 'duplicate']]);
  });

  test('the server signs its decoded view: whitespace and top-level key order do not matter', async () => {
    const body = JSON.parse(SIGNED.orderA);
    const hmacFirst = JSON.stringify({ hmac: body.hmac, ...body }, null, 2);
    assert.equal((await postJson(hook(emu, 'orders-completed'), hmacFirst)).status, 200);
    const reversed = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()));
    assert.equal((await postJson(hook(emu, 'orders-completed'), reversed)).status, 200);
    const unicode = await postJson(hook(emu, 'orders-completed'), SIGNED.unicode);
    assert.equal(unicode.status, 200);
    const s = await state(emu);
    assert.equal(s.lootly.customers.find((c) => c.id === 'ü1').first_name, 'Zoë 😀 <b>&');
  });

  test('tampering breaks the signature: a changed value, reordered nested keys, an added query parameter', async () => {
    const body = JSON.parse(SIGNED.orderA);
    const changed = JSON.stringify({ ...body, subtotal_price: '2999.00' });
    const nested = JSON.stringify({ ...body, customer: Object.fromEntries(Object.entries(body.customer).reverse()) });
    for (const [url, text] of [
      [hook(emu, 'orders-completed'), changed],
      [hook(emu, 'orders-completed'), nested],
      [hook(emu, 'orders-completed', 'common', '?source=shop'), SIGNED.orderA],
      [hook(emu, 'orders-completed'), SIGNED.orderA.replace(LOOTLY_KEY, 'unknown-key')],
    ]) {
      const r = await postJson(url, text);
      assert.equal(r.status, 401, text);
      assert.match(r.headers.get('content-type'), /text\/html/);
    }
    const json = await postJson(hook(emu, 'orders-completed'), changed, { accept: 'application/json' });
    assert.equal(json.status, 401);
    assert.equal(json.text, '{"message":"Unauthenticated."}');
    const s = await state(emu);
    assert.equal(s.lootly.orders.length, 0);
    assert.deepEqual(s.lootly.requests.map((r) => r.verdict), ['bad-signature', 'bad-signature', 'bad-signature', 'unknown-key', 'bad-signature']);
    assert.match(s.lootly.requests[2].canonical, /"source":"shop"/); // the query parameter was signed too
  });

  test('a client that signs its own bytes instead of PHP’s view fails on floats', async () => {
    const unsigned = '{"id":"F1","key":"test-key","subtotal_price":10.50,"total_price":10.0}';
    const naive = createHmac('sha256', LOOTLY_SECRET).update(unsigned).digest('base64');
    const withHmac = (h) => unsigned.replace(/}$/, `,"hmac":${JSON.stringify(h)}}`);
    assert.equal((await postJson(hook(emu, 'key-verify'), withHmac(naive))).status, 401);
    const [php] = askPhp([['canonical', unsigned]]);
    assert.equal(php.bytes.toString(), '{"id":"F1","key":"test-key","subtotal_price":10.5,"total_price":10}');
    const right = createHmac('sha256', LOOTLY_SECRET).update(php.bytes).digest('base64');
    assert.equal((await postJson(hook(emu, 'key-verify'), withHmac(right))).status, 200);
  });

  test('a custom-API merchant’s defaults: orders-paid rewards, orders-completed and -cancelled are ignored; app-installed resets', async () => {
    assert.equal((await postJson(hook(emu, 'orders-completed'), SIGNED.guideVector)).status, 200);
    assert.equal((await postJson(hook(emu, 'orders-paid'), SIGNED.guideVector)).status, 200);
    assert.equal((await postJson(hook(emu, 'orders-cancelled'), SIGNED.guideCancel)).status, 200);
    assert.equal((await postJson(hook(emu, 'customers-create'), SIGNED.guideCustomer)).status, 200);
    let s = await state(emu);
    assert.deepEqual(s.lootly.requests.map((r) => r.outcome), ['ignored', 'rewarded', 'ignored', 'created']);
    assert.deepEqual(s.lootly.orders.map((o) => [o.merchant, o.id, o.type, o.status]), [['xxx', '100001', 'orders-paid', 'rewarded']]);
    assert.match(s.lootly.ignored[0].reason, /rewards on "paid"/);
    assert.match(s.lootly.ignored[1].reason, /subtract status is "refunded"/);
    // customers-create keeps an empty birthday as 0000-00-00 (the order jobs store 1970-01-01).
    assert.equal(s.lootly.customers.find((c) => c.id === 'C1').birthday, '0000-00-00');
    // app-installed resets the settings of a merchant that rewarded completed orders.
    assert.equal((await postJson(hook(emu, 'app-installed', 'custom-api'), SIGNED.installed)).status, 200);
    await postJson(hook(emu, 'orders-completed'), SIGNED.orderA);
    s = await state(emu);
    assert.equal(s.lootly.requests.at(-1).outcome, 'ignored');
  });

  test('rewards-list, customer and redeem-reward: redeeming spends points and hands out the uploaded codes in order', async () => {
    await postJson(hook(emu, 'orders-paid'), SIGNED.guideVector); // customer 001: floor(29.99) = 29 points
    const list = await postJson(hook(emu, 'rewards-list'), SIGNED.rewardsList);
    assert.deepEqual([list.status, list.json], [200, { data: [{ reward_id: 3, reward_name: '$5 off', points_required: 20, minimum_order_amount: '20.00' }] }]);
    const before = await postJson(hook(emu, 'customer'), SIGNED.customerInfo);
    assert.equal(before.json.data.points, 29);
    const redeemed = await postJson(hook(emu, 'redeem-reward'), SIGNED.redeem);
    assert.deepEqual([redeemed.status, redeemed.json], [200, { data: { data: { coupon_code: 'LOOT-1' } } }]);
    assert.equal((await postJson(hook(emu, 'customer'), SIGNED.customerInfo)).json.data.points, 9);
    const short = await postJson(hook(emu, 'redeem-reward'), SIGNED.redeem);
    assert.deepEqual([short.status, short.json], [422, { message: 'Not enough points' }]);
    assert.equal((await postJson(hook(emu, 'redeem-reward'), SIGNED.redeemUnknown)).status, 404);
    const s = await state(emu);
    assert.deepEqual(s.lootly.redemptions.map((r) => [r.email, r.coupon_code, r.points]), [['support@lootly.io', 'LOOT-1', 20]]);
  });

  test('a body’s `integration` shadows the route’s slug: zapier skips verification, shopify → 401, custom → 500', async () => {
    const unsigned = (integration) => JSON.stringify({ ...guideOrder(), key: LOOTLY_KEY, integration, hmac: 'not-a-signature' });
    const zapier = await postJson(hook(emu, 'orders-completed'), unsigned('zapier'));
    assert.equal(zapier.status, 200);
    assert.equal((await postJson(hook(emu, 'orders-completed'), unsigned('shopify'))).status, 401);
    assert.equal((await postJson(hook(emu, 'orders-completed'), unsigned('custom'))).status, 500);
    const s = await state(emu);
    assert.deepEqual(s.lootly.requests.map((r) => r.verdict), ['accepted-unverified', 'other-verifier', 'unknown-slug']);
  });

  test('unknown type → 201 and nothing happens; unknown slug → 500; wrong method → 405', async () => {
    const r = await postJson(hook(emu, 'orders-shipped'), SIGNED.orderA);
    assert.deepEqual([r.status, r.text], [201, '']);
    assert.equal((await postJson(hook(emu, 'orders-completed', 'shopify'), SIGNED.orderA)).status, 500);
    assert.equal((await call(hook(emu, 'orders-completed'))).status, 405);
    const s = await state(emu);
    assert.equal(s.lootly.orders.length, 0);
    assert.deepEqual(s.lootly.requests.map((x) => x.verdict), ['unknown-type', 'unknown-slug', 'method-not-allowed']);
  });

  test('invalid orders are answered 200 but dropped, with the validator’s reasons', async () => {
    for (const name of ['taxesTrueString', 'guest', 'birthdayNull', 'badEmail', 'nonNumeric', 'birthdayEmpty']) {
      assert.equal((await postJson(hook(emu, 'orders-completed'), SIGNED[name])).status, 200, name);
    }
    const s = await state(emu);
    const reasons = Object.fromEntries(s.lootly.dropped.map((d) => [d.id, d.reasons]));
    assert.deepEqual(reasons, {
      'bad-1': ['The taxes_included field must be true or false.'],
      'bad-2': ['The customer.id field is required.'],
      'bad-3': ['The customer.birthday is not a valid date.'],
      'bad-4': ['The customer.email must be a valid email address.'],
      'bad-5': ['The total_tax must be a number.'],
    });
    assert.deepEqual(s.lootly.orders.map((o) => o.id), ['100003']);
    assert.equal(s.lootly.customers.find((c) => c.id === '003').birthday, '1970-01-01');
  });

  test('points: taxes included are taken off; the reward status and the rate are the merchant’s', async () => {
    await postJson(hook(emu, 'orders-completed'), SIGNED.orderB);
    await postJson(hook(emu, 'orders-completed'), SIGNED.paidMerchant); // merchant rewards on "paid"
    await postJson(hook(emu, 'orders-paid'), SIGNED.paidMerchant);
    const s = await state(emu);
    assert.deepEqual(s.lootly.orders.map((o) => [o.merchant, o.id, o.points]), [[LOOTLY_KEY, '100002', 100], ['paid-key', 'P1', 58]]);
    assert.equal(s.lootly.ignored.length, 1);
    assert.match(s.lootly.ignored[0].reason, /rewards on "paid"/);
  });

  test('cancellation rolls back; refunds deduct floor(refund / total × points) and accumulate', async () => {
    await postJson(hook(emu, 'orders-completed'), SIGNED.orderA);
    await postJson(hook(emu, 'orders-completed'), SIGNED.orderB);
    await postJson(hook(emu, 'orders-cancelled'), SIGNED.cancelA);
    await postJson(hook(emu, 'orders-cancelled'), SIGNED.cancelA); // again: nothing more
    await postJson(hook(emu, 'refunds-create'), SIGNED.refundB1);
    let s = await state(emu);
    const b = () => s.lootly.orders.find((o) => o.id === '100002');
    assert.deepEqual([b().refunded_points, b().status], [25, 'partially-refunded']);
    await postJson(hook(emu, 'refunds-create'), SIGNED.refundB2);
    s = await state(emu);
    assert.deepEqual([b().refunded_total, b().refunded_points, b().status], [120.5, 100, 'refunded']);
    assert.equal(s.lootly.orders.find((o) => o.id === '100001').status, 'cancelled');
    const points = Object.fromEntries(s.lootly.customers.map((c) => [c.id, c.points]));
    assert.deepEqual(points, { '001': 0, '002': 0 });
    assert.deepEqual(s.lootly.customers.find((c) => c.id === '002').ledger.map((l) => l.points), [100, -25, -75]);
    assert.match(s.lootly.ignored[0].reason, /already cancelled/);
  });

  test('customers-create upserts; points-add/-subtract adjust known customers only', async () => {
    await postJson(hook(emu, 'customers-create'), SIGNED.customer);
    await postJson(hook(emu, 'customers-create'), SIGNED.customer);
    await postJson(hook(emu, 'points-add'), SIGNED.pointsAdd);
    await postJson(hook(emu, 'points-subtract'), SIGNED.pointsSubtract);
    await postJson(hook(emu, 'points-add'), SIGNED.pointsUnknown);
    const s = await state(emu);
    assert.equal(s.lootly.customers.length, 1);
    assert.deepEqual([s.lootly.customers[0].email, s.lootly.customers[0].points], ['new@example.com', 10]);
    assert.deepEqual(s.lootly.requests.map((r) => r.outcome), ['created', 'updated', 'added', 'subtracted', 'ignored']);
  });

  test('key-verify answers [], app-installed records the shop (custom-api only)', async () => {
    const r = await postJson(hook(emu, 'key-verify'), SIGNED.keyVerify);
    assert.deepEqual([r.status, r.text], [200, '[]']);
    assert.equal((await postJson(hook(emu, 'app-installed', 'common'), SIGNED.installed)).status, 201);
    assert.equal((await postJson(hook(emu, 'app-installed', 'custom-api'), SIGNED.installed)).status, 200);
    const s = await state(emu);
    assert.deepEqual(s.lootly.shops.map((x) => [x.merchant, x.shop_url, x.api_endpoint]),
      [[LOOTLY_KEY, 'https://shop.example/', 'https://shop.example/lootly']]);
  });

  test('a form-encoded body is read as PHP reads $_POST, and a body without Content-Type is empty', async () => {
    const [signedJson] = phpSignedBodies([[{ t: '1', ...k }, LOOTLY_SECRET]]);
    const { hmac } = JSON.parse(signedJson);
    const form = new URLSearchParams({ t: '1', key: LOOTLY_KEY, hmac }).toString();
    const ok = await call(hook(emu, 'key-verify'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(ok.status, 200);
    const none = await call(hook(emu, 'key-verify'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: signedJson });
    assert.equal(none.status, 401);
  });
});

describe('Lootly read API', () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('point balances with the read API’s own signature; 403, 404, 429', async () => {
    await postJson(hook(emu, 'orders-completed'), SIGNED.orderA);
    await postJson(hook(emu, 'customers-create'), SIGNED.customer);
    await postJson(hook(emu, 'points-add'), SIGNED.pointsAdd);
    const [single, bulk, wrongOrder] = phpReadHmacs([[LOOTLY_KEY, null, LOOTLY_SECRET], [LOOTLY_KEY, '001,C9,0', LOOTLY_SECRET],
      [LOOTLY_KEY, 'C9,001', LOOTLY_SECRET]]);
    const q = (h) => encodeURIComponent(h);
    let r = await call(`${emu.url}/api/custom/customer/001/point-balance?key=${LOOTLY_KEY}&hmac=${q(single)}`);
    assert.deepEqual([r.status, r.text], [200, '{"point_value":29}']);
    r = await call(`${emu.url}/api/custom/customers/point-balance?key=${LOOTLY_KEY}&customer_ids=001,C9,0&hmac=${q(bulk)}`);
    assert.deepEqual([r.status, r.text], [200, '[{"001":29},{"C9":15},[0]]']); // PHP: [0 => 0] is a list
    r = await call(`${emu.url}/api/custom/customers/point-balance?key=${LOOTLY_KEY}&customer_ids=001,C9&hmac=${q(wrongOrder)}`);
    assert.deepEqual([r.status, r.json], [403, { error: 'Unauthorized' }]);
    r = await call(`${emu.url}/api/custom/customer/001/point-balance?key=${LOOTLY_KEY}&hmac=${single}`); // not percent-encoded
    assert.equal(r.status, single.includes('+') ? 403 : 200);
    r = await call(`${emu.url}/api/custom/customer/001/point-balance?key=nope&hmac=x`);
    assert.deepEqual([r.status, r.json], [404, { error: 'Merchant not found' }]);

    await control(emu, 'config', { lootly: { read_rate_limit: { limit: 2, window_seconds: 30 } } });
    await control(emu, 'reset');
    for (let i = 0; i < 2; i++) assert.equal((await call(`${emu.url}/api/custom/customer/001/point-balance?key=nope`)).status, 404);
    r = await call(`${emu.url}/api/custom/customer/001/point-balance?key=${LOOTLY_KEY}&hmac=${q(single)}`);
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
    assert.equal(r.json.message, 'Too Many Attempts.');
  });
});

test('the email rule agrees with PHP’s FILTER_VALIDATE_EMAIL; the date rule accepts real dates only', () => {
  const emails = ['a@b.co', 'a@b', 'a.b@c.d', '.a@b.co', 'a.@b.co', 'a..b@c.co', 'a+b@ex-ample.com', 'a@-ex.com',
    'a@ex-.com', '"a b"@c.co', 'a b@c.co', 'ü@x.com', 'a@x_y.com', 'a@[1.2.3.4]', '@b.co', 'a@', 'a@b.c-o', 'user@localhost',
    'x'.repeat(64) + '@a.co', 'x'.repeat(65) + '@a.co', 'a@' + 'b'.repeat(63) + '.co', 'a@' + 'b'.repeat(64) + '.co',
    "o'neil@x.io", 'a/b@c.io', 'a@b..c', 'A@B.CO', 'a@1.2', 'support@lootly.io', '"a\\ b"@c.co', '"a"."b"@c.co',
    'a@b-.co', 'a@xn--bcher-kva.ch', 'a@b.xn--p1ai', 'a@b.c1', 'a@b.1c', 'a@b---c.co', 'a@[256.1.1.1]', 'a(b)@c.co',
    'a@b.co.', 'a@@b.co', '"a@b"@c.co', 'a\tb@c.co', 'x@[IPv6:::1]', 'x@[IPv6:1:2:3:4:5:6:7:8]', 'x@[ipv6:1::2.3.4.5]',
    'x@[IPv6:1:2:3:4:5:6:7::8]', 'x@[IPv6:1:2:3:4:5:6:1.2.3.4]', 'x@[IPv6:1::2:3:4:5:1.2.3.4]', 'x@[01.1.1.1]', '"a\\"b"@c.co',
    'a@b.co\n', 'y'.repeat(63) + '.' + 'z'.repeat(63) + '@a.co'];
  const php = askPhp(emails.map((e) => ['email', e]));
  emails.forEach((e, i) => assert.equal(isEmail(e), php[i].bytes.toString() === 'valid', e));
  for (const d of ['1970-01-01', '2019-05-17 10:00:00', '2019-05-17T10:00:00+02:00', '2019/05/17', '05/17/2019']) assert.ok(isDate(d), d);
  for (const d of ['2019-02-30', '2019-13-01', 'yesterday?', '17.05.2019x', '']) assert.ok(!isDate(d), d);
});
