// What Lootly's queue workers do with a webhook once its signature is accepted
// (notes/lootly-server-behaviour.md §2). Every outcome is written to the state so that a test can
// see what a 200 really led to: an order rewarded, dropped (with the validator's reasons), skipped
// as a duplicate, or ignored.
import { PhpArray, isNumeric, toNumber, phpToString } from './php.mjs';
import { MERCHANT_DEFAULTS } from './config.mjs';

export const ORDER_TYPES = ['orders-completed', 'orders-paid', 'orders-fulfilled', 'orders-processing'];
/** Newer than the 2019 snapshot (Lootly's Magento module): answered at once with `{"data": …}`. */
export const ANSWER_TYPES = ['rewards-list', 'customer', 'redeem-reward'];
export const JOB_TYPES = [
  ...ORDER_TYPES, 'orders-cancelled', 'refunds-create', 'customers-create', 'points-add', 'points-subtract',
  'key-verify', 'app-installed', 'orders-closed', ...ANSWER_TYPES,
];

export function emptyLootlyState() {
  return { requests: [], customers: [], orders: [], dropped: [], ignored: [], shops: [], redemptions: [], handed_out: {}, settings: {} };
}

/**
 * Runs one accepted webhook. Returns a short outcome ("rewarded", "duplicate", "dropped", …) that
 * the request log shows next to the verdict.
 */
export function runJob(state, merchant, type, payload, at) {
  const job = JOBS[type];
  return job(state, merchant, type, payload, at);
}

const JOBS = {
  'orders-completed': orderJob,
  'orders-paid': orderJob,
  'orders-fulfilled': orderJob,
  'orders-processing': orderJob,
  'orders-cancelled': cancelJob,
  'refunds-create': refundJob,
  'customers-create': customerJob,
  'points-add': pointsJob,
  'points-subtract': pointsJob,
  'key-verify': () => 'verified',
  'app-installed': installJob,
  'orders-closed': (state, merchant, type, payload, at) =>
    ignore(state, merchant, type, 'recorded: what orders-closed does is not documented', at, { id: text(get(payload, 'id')) }),
};

// ---------------------------------------------------------------------------------------------
// Laravel-style validation of PHP values

const get = (a, key) => (a instanceof PhpArray ? a.get(key) : undefined);
const phpTrim = (s) => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');

/** Laravel's `required`: present and not null, not a blank string, not an empty array. */
function filled(v) {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return phpTrim(v) !== '';
  if (v instanceof PhpArray) return v.size > 0;
  return true;
}

/** Laravel skips non-implicit rules for a missing, null-less blank string value. */
const skipsRules = (v) => v === undefined || (typeof v === 'string' && phpTrim(v) === '');

/** Laravel's `max:N` without a `numeric` rule: string length in characters, array count. */
function size(v) {
  if (v instanceof PhpArray) return v.size;
  const s = phpToString(v);
  return s === null ? 0 : [...s].length;
}

/** Laravel's `boolean`: exactly true, false, 0, 1, "0", "1". */
const isBooleanLike = (v) => v === true || v === false || v === 0n || v === 1n || v === '0' || v === '1';

/**
 * PHP's filter_var($v, FILTER_VALIDATE_EMAIL) (what Laravel 5.6's `email` rule runs), on PHP 7 and
 * 8 alike: at most 320 bytes, then PHP's regular expression (case-insensitive, over bytes), matched
 * part by part as src/php/filter.rs does (that one is checked against php-cli and PHP 7.4 over
 * thousands of generated addresses). No non-ASCII byte passes.
 */
export function isEmail(v) {
  if (typeof v !== 'string') return false;
  const s = new TextEncoder().encode(v);
  if (s.length === 0 || s.length > 320) return false;
  // The look-aheads: (?!unit{255,}) and (?!unit{65,}@), unit = "?(\\[\x00-\x7E]|[^\\"])"?
  let count = 0;
  let p = 0;
  const quote = 0x22;
  const backslash = 0x5c;
  for (;;) {
    let q = p + (s[p] === quote ? 1 : 0);
    if (s[q] === backslash && q + 1 < s.length && s[q + 1] <= 0x7e) q += 2;
    else if (q < s.length && s[q] !== backslash && s[q] !== quote) q += 1;
    else break;
    count++;
    if (count >= 65 && s[q] === 0x40) return false;
    if (s[q] === quote) {
      q++;
      if (count >= 65 && s[q] === 0x40) return false;
    }
    p = q;
  }
  if (count >= 255) return false;
  const at = s.lastIndexOf(0x40);
  return at >= 0 && localPart(s.subarray(0, at)) && domainPart(s.subarray(at + 1));
}

const isUpper = (b) => b >= 0x41 && b <= 0x5a;
const isDigit = (b) => b >= 0x30 && b <= 0x39;
const isAlnum = (b) => isDigit(b) || isUpper(b) || (b >= 0x61 && b <= 0x7a);
const isHex = (b) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const atomText = (b) => b === 0x21 || (b >= 0x23 && b <= 0x27) || b === 0x2a || b === 0x2b || b === 0x2d ||
  (b >= 0x2f && b <= 0x39) || b === 0x3d || b === 0x3f || (b >= 0x5e && b <= 0x7e) || isUpper(b);
const quotedText = (b) => (b >= 0x01 && b <= 0x08) || b === 0x0b || b === 0x0c || (b >= 0x0e && b <= 0x1f) || b === 0x21 ||
  (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7f);
const latin1 = (bytes) => String.fromCharCode(...bytes);

function localPart(s) {
  let p = 0;
  for (;;) {
    if (s[p] === 0x22) {
      p++;
      for (;;) {
        if (s[p] === 0x22) break;
        if (s[p] === 0x5c && p + 1 < s.length && s[p + 1] <= 0x7f) p += 2;
        else if (p < s.length && quotedText(s[p])) p++;
        else return false;
      }
      p++;
    } else {
      const from = p;
      while (p < s.length && atomText(s[p])) p++;
      if (p === from) return false;
    }
    if (p === s.length) return true;
    if (s[p] !== 0x2e) return false;
    p++;
  }
}

const label = (l) => l.length > 0 && [...l].every((c) => isAlnum(c.charCodeAt(0)) || c === '-') && !l.startsWith('-') && !l.endsWith('-');

function domainPart(bytes) {
  const d = latin1(bytes);
  if (d.startsWith('[')) return addressLiteral(d);
  const labels = d.split('.');
  if (labels.some((l) => l.length >= 64) || labels.length < 2) return false;
  const last = labels[labels.length - 1];
  return labels.every(label) && /^[a-z]/i.test(last);
}

const hexGroup = (g) => g.length >= 1 && g.length <= 4 && [...g].every((c) => isHex(c.charCodeAt(0)));
const groups = (s, min, max) => {
  if (s === '') return min === 0;
  const parts = s.split(':');
  return parts.length >= min && parts.length <= max && parts.every(hexGroup);
};
const colonGroups = (s, bracket) => {
  let n = 0;
  for (let i = 0; i + 1 < s.length; i++) if (isHex(s.charCodeAt(i)) && s[i + 1] === ':') n++;
  return n + (bracket && s.length > 0 && isHex(s.charCodeAt(s.length - 1)) ? 1 : 0);
};
const ipv4 = (s) => {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/.test(p));
};

function addressLiteral(d) {
  if (!d.endsWith(']') || d.length < 2) return false;
  const inner = d.slice(1, -1);
  if (inner.slice(0, 5).toLowerCase() !== 'ipv6:') return ipv4(inner);
  const v6 = inner.slice(5);
  // h16(:h16){7}, or a compressed form with at most 6 groups
  if (groups(v6, 8, 8)) return true;
  const c = v6.indexOf('::');
  if (c >= 0 && colonGroups(v6, true) < 7 && groups(v6.slice(0, c), 0, 6) && groups(v6.slice(c + 2), 0, 6)) return true;
  // h16(:h16){5}:IPv4, or a compressed form with an IPv4 tail and at most 4 groups
  const colon = v6.lastIndexOf(':');
  if (colon < 0 || !ipv4(v6.slice(colon + 1))) return false;
  if (groups(v6.slice(0, colon), 6, 6)) return true;
  if (colonGroups(v6, false) >= 5) return false;
  const withColon = v6.slice(0, colon + 1);
  const cc = withColon.indexOf('::');
  if (cc < 0) return false;
  const [left, right] = [withColon.slice(0, cc), withColon.slice(cc + 2)];
  return groups(left, 0, 4) && (right === '' || (right.endsWith(':') && groups(right.slice(0, -1), 1, 4)));
}

/**
 * Laravel's `date` rule (strtotime succeeds and date_parse gives a real calendar date), for the
 * forms a shop sends: 2019-05-17, 2019-05-17 10:00:00, 2019-05-17T10:00:00+02:00, 2019/05/17, 05/17/2019.
 */
export function isDate(v) {
  if (typeof v !== 'string') return false;
  const s = phpTrim(v);
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  let y, mo, d;
  if (m) [, y, mo, d] = m;
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) [, mo, d, y] = m;
  else return false;
  [y, mo, d] = [Number(y), Number(mo), Number(d)];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return mo >= 1 && mo <= 12 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The order validator. Returns Laravel-style messages; an empty list means valid. */
export function validateOrder(order) {
  const problems = [];
  const id = get(order, 'id');
  if (!filled(id)) problems.push('The id field is required.');
  else if (size(id) > 191) problems.push('The id may not be greater than 191 characters.');
  for (const field of ['total_price', 'total_tax', 'total_discounts', 'subtotal_price']) {
    const v = get(order, field);
    if (!filled(v)) problems.push(`The ${field} field is required.`);
    else if (!isNumeric(v)) problems.push(`The ${field} must be a number.`);
  }
  const taxes = get(order, 'taxes_included');
  if (!filled(taxes)) problems.push('The taxes_included field is required.');
  else if (!isBooleanLike(taxes)) problems.push('The taxes_included field must be true or false.');

  const customer = get(order, 'customer');
  const cid = get(customer, 'id');
  if (!filled(cid)) problems.push('The customer.id field is required.');
  const email = get(customer, 'email');
  if (!filled(email)) problems.push('The customer.email field is required.');
  else if (!isEmail(email)) problems.push('The customer.email must be a valid email address.');
  for (const field of ['first_name', 'last_name']) {
    const v = get(customer, field);
    if (!skipsRules(v) && v !== null && size(v) > 191) problems.push(`The customer.${field} may not be greater than 191 characters.`);
  }
  const birthday = get(customer, 'birthday');
  if (!skipsRules(birthday) && !isDate(birthday)) problems.push('The customer.birthday is not a valid date.');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Customers and the points ledger

const sameText = (a, b) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
const text = (v) => (v === undefined ? null : phpToString(v));

function findCustomerByEmail(state, merchant, email) {
  return state.customers.find((c) => c.merchant === merchant.api_key && sameText(c.email, email));
}

export function findCustomerById(state, merchant, id) {
  return state.customers.find((c) => c.merchant === merchant.api_key && c.id === id);
}

/** Upsert keyed by (merchant, email). An empty birthday is stored as the order jobs store it
 * (1970-01-01) or, by the customers-create job, as 0000-00-00 (notes §2). */
function upsertCustomer(state, merchant, data, at, emptyBirthday = '1970-01-01') {
  const email = text(get(data, 'email'));
  let c = findCustomerByEmail(state, merchant, email);
  if (!c) {
    c = { merchant: merchant.api_key, id: null, email, first_name: null, last_name: null, birthday: null,
      zip: null, country: null, points: 0, ledger: [], created_at: at };
    state.customers.push(c);
  }
  const id = text(get(data, 'id'));
  if (id !== null && id !== '') c.id = id;
  for (const field of ['first_name', 'last_name']) {
    const v = get(data, field);
    if (v !== undefined && v !== null) c[field] = text(v);
  }
  const birthday = get(data, 'birthday');
  if (birthday !== undefined) c.birthday = birthday === '' ? emptyBirthday : text(birthday);
  const address = get(data, 'default_address');
  if (address instanceof PhpArray) {
    if (address.has('zip')) c.zip = text(address.get('zip'));
    if (address.has('country')) c.country = text(address.get('country'));
  }
  c.updated_at = at;
  return c;
}

function credit(customer, points, reason, at, orderId = null) {
  customer.points += points;
  customer.ledger.push({ points, reason, order_id: orderId, balance: customer.points, at });
}

// ---------------------------------------------------------------------------------------------
// Jobs

function drop(state, merchant, type, payload, reasons, at) {
  const customer = get(payload, 'customer');
  state.dropped.push({
    merchant: merchant.api_key, type, id: text(get(payload, 'id')) ?? null,
    email: customer instanceof PhpArray ? text(customer.get('email')) : null, reasons, at,
  });
  return 'dropped';
}

function ignore(state, merchant, type, reason, at, extra = {}) {
  state.ignored.push({ merchant: merchant.api_key, type, reason, ...extra, at });
  return 'ignored';
}

const taxesIncluded = (order) => [true, 1n, '1'].includes(get(order, 'taxes_included'));

/** Points with Lootly's default settings: floor(subtotal − (taxes included ? tax : 0)) × rate. */
export function orderPoints(order, rate) {
  const subtotal = toNumber(get(order, 'subtotal_price'));
  const tax = toNumber(get(order, 'total_tax'));
  const points = Math.floor(Math.floor(subtotal - (taxesIncluded(order) ? tax : 0)) * rate);
  return Math.max(0, points);
}

/** The merchant's reward and subtract settings: as configured, or as app-installed reset them. */
const settingsOf = (state, merchant) => ({ ...merchant, ...state.settings[merchant.api_key] });

function orderJob(state, merchant, type, order, at) {
  const word = type.slice('orders-'.length);
  merchant = settingsOf(state, merchant);
  if (merchant.reward_status !== 'any' && merchant.reward_status !== word) {
    return ignore(state, merchant, type, `the merchant rewards on "${merchant.reward_status}", not "${word}"`, at,
      { id: text(get(order, 'id')) });
  }
  const problems = validateOrder(order);
  if (problems.length) return drop(state, merchant, type, order, problems, at);

  const id = text(get(order, 'id'));
  const customerData = get(order, 'customer');
  const email = text(customerData.get('email'));
  const existing = state.orders.find((o) => o.merchant === merchant.api_key && o.id === id && sameText(o.email, email));
  if (existing) {
    existing.deliveries++;
    existing.duplicates++;
    existing.last_delivery_at = at;
    return 'duplicate';
  }
  const customer = upsertCustomer(state, merchant, customerData, at);
  const points = orderPoints(order, merchant.reward_rate);
  const codes = get(order, 'discount_codes');
  state.orders.push({
    merchant: merchant.api_key, id, email, customer_id: customer.id, type,
    total_price: toNumber(get(order, 'total_price')), subtotal_price: toNumber(get(order, 'subtotal_price')),
    total_tax: toNumber(get(order, 'total_tax')), total_discounts: toNumber(get(order, 'total_discounts')),
    taxes_included: taxesIncluded(order),
    discount_codes: codes instanceof PhpArray
      ? codes.values.filter((c) => c instanceof PhpArray && c.has('code')).map((c) => text(c.get('code')))
      : [],
    points, refunded_total: 0, refunded_points: 0, refunds: [], status: 'rewarded',
    deliveries: 1, duplicates: 0, created_at: at, last_delivery_at: at,
  });
  if (points) credit(customer, points, type, at, id);
  return 'rewarded';
}

function findOrder(state, merchant, id) {
  for (let i = state.orders.length - 1; i >= 0; i--) {
    const o = state.orders[i];
    if (o.merchant === merchant.api_key && o.id === id) return o;
  }
  return undefined;
}

function cancelJob(state, merchant, type, payload, at) {
  const id = text(get(payload, 'id'));
  merchant = settingsOf(state, merchant);
  if (!['voided', 'any'].includes(merchant.subtract_status)) {
    return ignore(state, merchant, type, `the merchant's subtract status is "${merchant.subtract_status}"`, at, { id });
  }
  const order = findOrder(state, merchant, id);
  if (!order) return ignore(state, merchant, type, 'no such order', at, { id });
  if (order.status === 'cancelled') return ignore(state, merchant, type, 'the order is already cancelled', at, { id });
  const remaining = order.points - order.refunded_points;
  order.status = 'cancelled';
  order.cancelled_at = at;
  const customer = findCustomerByEmail(state, merchant, order.email);
  if (customer && remaining) credit(customer, -remaining, type, at, id);
  return 'cancelled';
}

function refundJob(state, merchant, type, payload, at) {
  const id = text(get(payload, 'id'));
  const order = findOrder(state, merchant, id);
  if (!order) return ignore(state, merchant, type, 'no such order', at, { id });
  if (order.status === 'cancelled') return ignore(state, merchant, type, 'the order is cancelled', at, { id });
  const transactions = get(payload, 'transactions');
  let amount = 0;
  if (transactions instanceof PhpArray) {
    for (const t of transactions.values) {
      const a = get(t, 'amount');
      if (isNumeric(a)) amount += toNumber(a);
    }
  }
  order.refunded_total += amount;
  const share = order.total_price > 0 ? Math.floor((amount / order.total_price) * order.points) : 0;
  const deducted = Math.min(share, order.points - order.refunded_points);
  order.refunded_points += deducted;
  order.refunds.push({ amount, points: deducted, at });
  order.status = order.refunded_total >= order.total_price ? 'refunded' : 'partially-refunded';
  const customer = findCustomerByEmail(state, merchant, order.email);
  if (customer && deducted) credit(customer, -deducted, type, at, id);
  return 'refunded';
}

function customerJob(state, merchant, type, payload, at) {
  const email = get(payload, 'email');
  const problems = [];
  if (!filled(email)) problems.push('The email field is required.');
  else if (!isEmail(email)) problems.push('The email must be a valid email address.');
  const birthday = get(payload, 'birthday');
  if (!skipsRules(birthday) && !isDate(birthday)) problems.push('The birthday is not a valid date.');
  if (problems.length) return drop(state, merchant, type, payload, problems, at);
  const known = findCustomerByEmail(state, merchant, text(email));
  upsertCustomer(state, merchant, payload, at, '0000-00-00');
  return known ? 'updated' : 'created';
}

function pointsJob(state, merchant, type, payload, at) {
  const id = text(get(payload, 'customer_id'));
  const value = get(payload, 'point_value');
  const customer = id === null ? undefined : findCustomerById(state, merchant, id);
  if (!customer) return ignore(state, merchant, type, 'unknown customer', at, { customer_id: id });
  if (!isNumeric(value)) return ignore(state, merchant, type, 'point_value is not a number', at, { customer_id: id });
  const points = Math.trunc(toNumber(value));
  credit(customer, type === 'points-add' ? points : -points, type, at);
  return type === 'points-add' ? 'added' : 'subtracted';
}

function installJob(state, merchant, type, payload, at) {
  const shopUrl = text(get(payload, 'shop_url'));
  const apiEndpoint = text(get(payload, 'api_endpoint'));
  state.shops = state.shops.filter((s) => s.merchant !== merchant.api_key);
  state.shops.push({ merchant: merchant.api_key, shop_url: shopUrl, api_endpoint: apiEndpoint, installed_at: at });
  // The server resets the merchant's settings: a custom-API merchant rewards paid orders again
  // (kept in the state, so that a reset of the emulator restores the configured ones).
  state.settings[merchant.api_key] = { ...MERCHANT_DEFAULTS };
  return 'installed';
}

// ---------------------------------------------------------------------------------------------
// The newer endpoints, answered at once: { status, data | message, outcome }

const rewardView = (r) => PhpArray.from([
  ['reward_id', typeof r.reward_id === 'number' ? BigInt(r.reward_id) : r.reward_id], ['reward_name', r.reward_name],
  ['points_required', BigInt(Math.trunc(r.points_required))], ['minimum_order_amount', r.minimum_order_amount],
]);

/**
 * rewards-list, customer and redeem-reward. Where the notes are silent (an unknown customer or
 * reward, too few points, no codes left) the emulator answers 404 or 422 with a `message`.
 */
export function answer(state, merchant, type, payload, at) {
  if (type === 'rewards-list') {
    return { status: 200, data: PhpArray.list((merchant.rewards ?? []).map(rewardView)), outcome: 'listed' };
  }
  if (type === 'customer') {
    const customer = findCustomerById(state, merchant, text(get(payload, 'customer_id')));
    if (!customer) return { status: 404, message: 'Customer not found', outcome: 'unknown customer' };
    return {
      status: 200, outcome: 'read',
      data: PhpArray.from([['customer_id', customer.id], ['email', customer.email], ['points', BigInt(customer.points)]]),
    };
  }
  // redeem-reward: spend the points, hand out the next code of the reward's uploaded CSV.
  const customer = findCustomerByEmail(state, merchant, text(get(payload, 'customer_email')));
  if (!customer) return { status: 404, message: 'Customer not found', outcome: 'unknown customer' };
  const rewardId = text(get(payload, 'reward_id'));
  const reward = (merchant.rewards ?? []).find((r) => String(r.reward_id) === rewardId);
  if (!reward) return { status: 404, message: 'Reward not found', outcome: 'unknown reward' };
  if (customer.points < reward.points_required) return { status: 422, message: 'Not enough points', outcome: 'not enough points' };
  const handedOut = (state.handed_out[`${merchant.api_key}/${rewardId}`] ??= 0);
  const code = reward.codes[handedOut];
  if (code === undefined) return { status: 422, message: 'No reward codes left', outcome: 'no codes left' };
  state.handed_out[`${merchant.api_key}/${rewardId}`] = handedOut + 1;
  credit(customer, -reward.points_required, type, at);
  state.redemptions.push({ merchant: merchant.api_key, email: customer.email, reward_id: rewardId, coupon_code: code, points: reward.points_required, at });
  return { status: 200, outcome: 'redeemed', data: PhpArray.from([['data', PhpArray.from([['coupon_code', code]])]]) };
}
