// WoowUp connectors: processing logs and account stats.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ID, WOOWUP_KEY, call, control, startEmulator } from './helpers.mjs';

const bearer = { authorization: `Bearer ${WOOWUP_KEY}`, 'content-type': 'application/json' };
const LOG = {
  files: ['customers-2019_03_11.csv', 'purchases-2019_03_11.csv'],
  processingtime: '2019-03-12T12:30:00+00:00',
  stats: {
    customers: { total_created: 200, total_updated: 10, total_failed: 2, per_branches: [{ branch: 'Shopping Unicenter', created: 200, updated: 10, failed: 2 }] },
    purchases: {
      total_created: 300, total_updated: 1, total_failed: 1, total_revenue: 300000, total_invoice_items: 5000,
      per_branches: [{ branch: 'Shopping Unicenter', total_created: 300, total_updated: 1, total_failed: 1, total_revenue: 300000, total_invoice_items: 5000 }],
    },
    products: { total_created: 20, total_updated: 5, total_failed: 0 },
    branches: { total_created: 1, total_updated: 3 },
  },
};

describe('WoowUp connectors', () => {
  let emu;
  const post = (body, headers = bearer) => call(`${emu.url}/v1/log`, { method: 'POST', headers, body: JSON.stringify(body) });
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => control(emu, 'reset'));

  test('POST /v1/log accepts the documented record and answers it with its createtime', async () => {
    const r = await post(LOG);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.stats, LOG.stats);
    assert.match(r.json.createtime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    assert.equal((await post(LOG, { ...bearer, authorization: 'Bearer nope' })).status, 401);
    assert.equal((await post(LOG, { ...bearer, authorization: WOOWUP_KEY })).status, 401);
  });

  test('POST /v1/log checks the schema: processingtime (not processedtime), integers, purchases per_branches', async () => {
    const { processingtime, ...rest } = LOG;
    let r = await post({ ...rest, processedtime: processingtime });
    assert.equal(r.status, 400);
    assert.match(r.json.errors.join(' '), /processingtime, not processedtime/);
    const { per_branches, ...purchases } = LOG.stats.purchases;
    r = await post({ ...LOG, stats: { purchases: { ...purchases, total_revenue: 12.5 } } });
    assert.deepEqual(r.json.errors, ['stats.purchases.total_revenue must be an integer', 'stats.purchases.per_branches is required']);
    r = await post({ ...LOG, stats: { products: { ...LOG.stats.products, per_branches: [] } } });
    assert.match(r.json.errors[0], /no per_branches/);
    r = await call(`${emu.url}/v1/log`, { method: 'POST', headers: bearer, body: '{' });
    assert.equal(r.status, 400);
  });

  test('GET /v1/logs filters by entity and processing date and pages, newest first', async () => {
    await post(LOG);
    await post({ ...LOG, processingtime: '2019-03-13T01:00:00+00:00', stats: { products: LOG.stats.products } });
    const logs = (q) => call(`${emu.url}/v1/logs${q}`, { headers: bearer });
    assert.deepEqual((await logs('')).json.map((l) => l.processingtime), ['2019-03-13T01:00:00+00:00', '2019-03-12T12:30:00+00:00']);
    assert.equal((await logs('?entity=customers')).json.length, 1);
    assert.equal((await logs('?from=2019-03-13')).json.length, 1);
    assert.equal((await logs('?to=2019-03-12')).json.length, 1);
    assert.equal((await logs('?limit=1&page=1')).json[0].processingtime, '2019-03-12T12:30:00+00:00');
    assert.equal((await logs('?entity=orders')).status, 400);
    assert.equal((await call(`${emu.url}/v1/logs`)).status, 401);
  });

  test('GET /apiv3/stats counts what the API v2 recorded', async () => {
    const form = { username: APP_ID, apikey: WOOWUP_KEY, 'content-type': 'application/x-www-form-urlencoded' };
    const sale = (fields) => call(`${emu.url}/apiv2/${APP_ID}/add_sale_points_by_uid`, { method: 'POST', headers: form, body: new URLSearchParams(fields).toString() });
    const factura = JSON.stringify([{ codigo: '1', producto: 'a', cantidad: 2, precio: 10.25 }, { codigo: '2', producto: 'b', cantidad: 1, precio: 5 }]);
    await sale({ uid: 'john@doe.com', points: '10', nrofactura: 'S1', factura, branch: 'Web', datetime: '2024-01-02 10:00:00' });
    await sale({ uid: '31824477', points: '10', nrofactura: 'S2', factura, branch: 'Shopping Unicenter', datetime: '2024-01-03 10:00:00' });
    await sale({ uid: '31824477', points: '10', nrofactura: 'S3', datetime: '2024-02-01 10:00:00' });
    const stats = (q, auth = `Basic ${WOOWUP_KEY}`) => call(`${emu.url}/apiv3/stats${q}`, { headers: { authorization: auth } });
    let r = await stats('');
    assert.deepEqual(r.json, {
      total_customers: 3, total_purchases: 3, total_revenue: 51, total_invoice_items: 4,
      per_branches: [
        { branch: 'Web', total_customers: 1, total_purchases: 1, total_revenue: 26, total_invoice_items: 2 },
        { branch: 'Shopping Unicenter', total_customers: 1, total_purchases: 1, total_revenue: 26, total_invoice_items: 2 },
      ],
    });
    r = await stats('?from=2024-01-01&to=2024-01-31&branch=Web');
    assert.deepEqual([r.json.total_customers, r.json.total_purchases, r.json.per_branches.length], [1, 1, 1]);
    assert.equal((await stats('', 'Basic wrong')).status, 403);
    await control(emu, 'config', { connectors: { stats_trailing_comma: true } });
    r = await stats('');
    assert.equal(r.json, undefined); // the documented example's trailing comma: not JSON
    assert.match(r.text, /"total_invoice_items": 2,\n\t\t}/);
  });
});
