// Shared by the emulator's tests: a config, an in-process emulator, small HTTP helpers.
import { start } from '../server.mjs';
import { askPhp } from './php-oracle.mjs';

export const LOOTLY_KEY = 'test-key';
export const LOOTLY_SECRET = 'test-secret/with+odd"chars';
export const APP_ID = '13';
export const WOOWUP_KEY = 'woowup-test-key';

export const TEST_CONFIG = {
  lootly: {
    merchants: [
      { api_key: LOOTLY_KEY, api_secret: LOOTLY_SECRET, reward_rate: 1, reward_status: 'completed', subtract_status: 'voided' },
      // The guide's example credentials, with a custom-API merchant's real defaults (rewards
      // orders-paid, subtracts on refunds) and one spending reward with uploaded codes.
      {
        api_key: 'xxx', api_secret: 'xxx',
        rewards: [{ reward_id: 3, reward_name: '$5 off', points_required: 20, minimum_order_amount: '20.00', codes_csv: 'LOOT-1\n"LOOT,2"\n' }],
      },
      { api_key: 'paid-key', api_secret: 'paid-secret', reward_rate: 2, reward_status: 'paid', subtract_status: 'none' },
    ],
    read_rate_limit: { limit: 60, window_seconds: 60 },
  },
  woowup: {
    apps: [{
      app_id: APP_ID, api_key: WOOWUP_KEY, contest_sale_points: 5, branches: ['Web', 'Shopping Unicenter'],
      users: [
        { uid: 'john@doe.com', email: 'john@doe.com', first_name: 'John', last_name: 'Doe', points: 50 },
        { uid: '31824477', email: 'juan+vip@example.com', first_name: 'Juan', last_name: 'Villca', points: 10 },
        { uid: 'fb-user', email: 'fb@example.com', service_uid: null, fid: '1413631099', points: 7 },
      ],
    }],
  },
};

export async function startEmulator(config = TEST_CONFIG) {
  return start({ port: 0, config });
}

/** fetch with the answer read: { status, headers, text, json }. */
export async function call(url, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const postJson = (url, body, headers = {}) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

export const state = async (emu) => (await call(`${emu.url}/_emulator/state`)).json;

export async function control(emu, what, body) {
  return call(`${emu.url}/_emulator/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

/** Bodies signed by real PHP running the Lootly guide's client code: [params, secret] each. */
export function phpSignedBodies(list) {
  return askPhp(list.map((pair) => ['sign', JSON.stringify(pair)])).map((a) => {
    if (a.error) throw new Error(a.error);
    return a.bytes.toString('utf8');
  });
}

/** The read API's hmac computed by PHP: [key, customerIds or null, secret] each. */
export function phpReadHmacs(list) {
  return askPhp(list.map((t) => ['read-sign', JSON.stringify(t)])).map((a) => a.bytes.toString('utf8'));
}

/** A Lootly order as the guide builds it. */
export function guideOrder(overrides = {}, customer = {}) {
  return {
    id: '100001',
    total_price: '39.99',
    total_tax: '0.00',
    total_discounts: '10.00',
    subtotal_price: '29.99',
    taxes_included: '0',
    discount_codes: [{ code: 'COUPON_CODE' }],
    customer: {
      id: '001', email: 'support@lootly.io', first_name: 'James', last_name: 'Bond', birthday: '1970-01-01',
      default_address: { zip: '11111', country: 'USA' }, ...customer,
    },
    key: LOOTLY_KEY,
    ...overrides,
  };
}
