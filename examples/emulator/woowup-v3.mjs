// WoowUp API v3 (/apiv3/…), as ../../docs (the project's WoowUp v3 reference) describes it:
// `Authorization: Basic {api_key}` (the raw key of a configured WoowUp app), `Accept:
// application/json`, JSON bodies; the `{payload, message, code, time}` envelope; the reference's
// validation and error codes; purchases deduplicated by invoice number; ids in paths as
// urlencode(base64(id)), branch names as base64(name); and the rate limit: 140 requests a minute
// per account over a sliding window of 30-second segments (the previous segment weighted down
// as time passes), every answer carrying x-rate-limit-limit/-remaining/-reset, 429s
// `too_many_request` with Retry-After. `GET /stats` stays with connectors.mjs.
//
// Choices where the reference is unconfirmed (each marked there): `duplicated_purchase_number`
// answers 400; `user_not_found` 404; 403 carries code `forbidden`; `GET /coupons` and
// `GET /events` answer bare arrays and `POST /events` a bare object, as the docs' examples show.
//
// Control (POST /_emulator/woowup-v3): { "rate_limit": N | null (default 140),
// "clock_ms": N | null (a frozen clock for the rate limiter; null follows the real one),
// "advance_ms": N (moves a frozen clock) }.
import { fromPlain } from './php.mjs';
import { phpJsonResponse, plainQuery, sqlDateTime } from './http-util.mjs';
import { isWoowUpEmail } from './woowup.mjs';

export const RATE_LIMIT = 140;
const SEGMENT_MS = 30_000;
const MAX_PURCHASE_BODY = 256 * 1024;
const CHANNELS = ['web', 'telephone', 'in-store', 'corporate', 'direct', 'other'];
const PAYMENT_TYPES = ['credit', 'debit', 'mercadopago', 'todopago', 'cash', 'other'];
const IDS = ['service_uid', 'email', 'document', 'telephone'];
const COUPON_STATUSES = ['available', 'assigned', 'pending', 'cancelled', 'used'];
const RELATIONSHIPS = ['son', 'parent', 'grandparent', 'sibling', 'friend', 'espose', 'grandson', 'nephew', 'pet_dog', 'pet_cat', 'pet', 'other'];
const ATTRIBUTE_PATHS = {
  'custom-attributes': 'customer', 'purchase-custom-attributes': 'purchase',
  'purchase-item-custom-attributes': 'purchase_item', 'product-custom-attributes': 'product',
};

/** The schema's sku pattern ^[^-][a-zA-Z0-9_%-]+$. */
export const isSku = (s) => typeof s === 'string' && /^[^-\n][a-zA-Z0-9_%-]+$/u.test(s);

/** "YYYY-mm-dd HH:mm:ss" (UTC) or ISO 8601 with an offset, naming a real date and time. */
export function isV3DateTime(s) {
  if (typeof s !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: |T)(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/.exec(s);
  if (!m) return false;
  const sep = s[10];
  if (sep === ' ' && (m[7] || m[8])) return false;
  if (sep === 'T' && !m[8]) return false;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y > 0 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}

const isDate = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && isV3DateTime(`${s} 00:00:00`);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v) => Number.isInteger(v);
const given = (o, k) => o[k] !== undefined && o[k] !== null;
const nonBlank = (v) => typeof v === 'string' && v.trim() !== '';

/** The identities given (text or integers, "" meaning unknown as the PHP clients send it). */
function identityProblems(o, at = '') {
  const problems = [];
  let any = false;
  for (const k of IDS) {
    const v = o[k];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'number' && Number.isInteger(v)) any = true;
    else if (!nonBlank(v)) problems.push(`${at}${k} must be non-blank text`);
    else {
      any = true;
      if (k === 'email' && !isWoowUpEmail(v)) problems.push(`${at}email is not a valid email`);
    }
  }
  if (!any && !problems.length) problems.push(`${at}one of service_uid, email, document or telephone is required`);
  return problems;
}

/** The purchase schema of the reference (§5.1). */
export function purchaseProblems(p, at = '') {
  if (!isObject(p)) return [`${at || 'body'} must be an object`];
  const problems = [];
  const inv = p.invoice_number;
  if (!(isInteger(inv) || nonBlank(inv))) problems.push(`${at}invoice_number is required (text or integer)`);
  problems.push(...identityProblems(p, at));
  if (!Array.isArray(p.purchase_detail) || !p.purchase_detail.length) problems.push(`${at}purchase_detail must be a non-empty array`);
  else {
    p.purchase_detail.forEach((item, i) => {
      const ia = `${at}purchase_detail[${i}].`;
      if (!isObject(item)) return problems.push(`${ia.slice(0, -1)} must be an object`);
      if (!isSku(item.sku)) problems.push(`${ia}sku does not match ^[^-][a-zA-Z0-9_%-]+$`);
      if (!isInteger(item.quantity) || item.quantity < 0) problems.push(`${ia}quantity must be an integer ≥ 0`);
      if (!isNumber(item.unit_price)) problems.push(`${ia}unit_price must be a number`);
      if (given(item, 'variations')) {
        if (!Array.isArray(item.variations)) problems.push(`${ia}variations must be an array`);
        else item.variations.forEach((v, j) => {
          if (!isObject(v) || !nonBlank(v.name) || !nonBlank(v.value)) problems.push(`${ia}variations[${j}] must be {name, value}`);
        });
      }
    });
  }
  if (!isObject(p.prices)) problems.push(`${at}prices must be an object`);
  else for (const k of ['cost', 'shipping', 'gross', 'tax', 'discount', 'total']) {
    if (given(p.prices, k) && !isNumber(p.prices[k])) problems.push(`${at}prices.${k} must be a number`);
  }
  if (given(p, 'channel') && !CHANNELS.includes(p.channel)) problems.push(`${at}channel must be one of ${CHANNELS.join(', ')}`);
  for (const k of ['createtime', 'approvedtime']) {
    if (given(p, k) && !isV3DateTime(p[k])) problems.push(`${at}${k} must be YYYY-mm-dd HH:mm:ss or ISO 8601 with an offset`);
  }
  if (given(p, 'points') && !isInteger(p.points)) problems.push(`${at}points must be an integer`);
  if (given(p, 'payment')) {
    const list = Array.isArray(p.payment);
    const payments = list ? p.payment : [p.payment];
    payments.forEach((pay, i) => {
      const pa = list ? `${at}payment[${i}].` : `${at}payment.`;
      if (!isObject(pay)) return problems.push(`${pa.slice(0, -1)} must be an object`);
      if (!PAYMENT_TYPES.includes(pay.type)) problems.push(`${pa}type must be one of ${PAYMENT_TYPES.join(', ')}`);
      if (list && !isNumber(pay.total)) problems.push(`${pa}total is required`);
    });
  }
  return problems;
}

/** The customer fields of the reference (§4.2). */
export function customerProblems(c) {
  if (!isObject(c)) return ['body must be an object'];
  const problems = identityProblems(c);
  if (given(c, 'birthdate') && !isDate(c.birthdate)) problems.push('birthdate must be yyyy-mm-dd');
  if (given(c, 'gender') && !['F', 'M'].includes(c.gender)) problems.push('gender must be F or M');
  if (given(c, 'country') && !/^[A-Z]{3}$/.test(c.country)) problems.push('country must be ISO 3166-1 alpha-3');
  if (given(c, 'marital_status') && !['single', 'commited', 'married', 'divorced', 'widowed'].includes(c.marital_status)) {
    problems.push('marital_status is not valid');
  }
  for (const ch of ['mailing', 'sms', 'whatsapp']) {
    if (given(c, `${ch}_enabled`) && !['enabled', 'disabled'].includes(c[`${ch}_enabled`])) problems.push(`${ch}_enabled must be enabled or disabled`);
    const reason = c[`${ch}_disabled_reason`];
    if (given(c, `${ch}_disabled_reason`) && !['bounce', 'unsubscribe', 'unsuscribe', 'spamreport', 'dropped', 'other'].includes(reason)) {
      problems.push(`${ch}_disabled_reason is not valid`);
    }
  }
  if (given(c, 'points') && !isInteger(c.points)) problems.push('points must be an integer');
  if (given(c, 'tags') && typeof c.tags !== 'string') problems.push('tags must be a comma-separated string');
  if (given(c, 'custom_attributes') && !isObject(c.custom_attributes)) problems.push('custom_attributes must be an object');
  return problems;
}

function productProblems(p) {
  if (!isObject(p)) return ['body must be an object'];
  const problems = [];
  if (!nonBlank(p.sku)) problems.push('sku is required');
  if (!nonBlank(p.name)) problems.push('name is required');
  for (const k of ['price', 'offer_price', 'stock']) if (given(p, k) && !isNumber(p[k])) problems.push(`${k} must be a number`);
  if (given(p, 'available') && typeof p.available !== 'boolean') problems.push('available must be a boolean');
  return problems;
}

function branchProblems(b) {
  if (!isObject(b)) return ['body must be an object'];
  const problems = [];
  if (!nonBlank(b.name) || b.name.length > 128) problems.push('name is required (at most 128 characters)');
  if (given(b, 'description') && (typeof b.description !== 'string' || b.description.length > 100)) problems.push('description: at most 100 characters');
  if (given(b, 'display_name') && (typeof b.display_name !== 'string' || b.display_name.length > 128)) problems.push('display_name: at most 128 characters');
  return problems;
}

/** Decodes a path id the official clients' way: base64 after percent-decoding. */
function decodeId(segment) {
  const b = Buffer.from(segment, 'base64');
  return b.toString('base64') === segment ? b.toString('utf8') : null;
}

export function createWoowUpV3() {
  let config;
  let accounts; // api_key → account state
  let rate; // { limit, clockMs }
  let ids;

  const now = () => rate.clockMs ?? Date.now();

  function account(key) {
    if (!accounts.has(key)) {
      const app = config.apps.find((a) => a.api_key === key);
      accounts.set(key, {
        app_id: app.app_id, customers: [], purchases: [], products: [], transactions: [], members: [], carts: [],
        branches: app.branches.map((name) => ({ id: ++ids.branch, name, display_name: name, description: null, status: 'active' })),
        events: [], user_events: [], coupons: [], attributes: [], integration_stats: [],
        window: { segment: 0, current: 0, previous: 0 },
      });
      // invoice number → stored purchase: a day of 10,000 purchases is not a quadratic scan.
      Object.defineProperty(accounts.get(key), 'invoices', { value: new Map(), enumerable: false });
    }
    return accounts.get(key);
  }

  const program = {
    name: 'woowup_v3',
    faultGroup: 'woowup',

    owns(segments) {
      return segments[0] === 'apiv3' && segments[1] !== 'stats';
    },

    configure(fullConfig) {
      config = fullConfig.woowup;
    },

    reset(fullConfig) {
      accounts = new Map();
      rate = { limit: RATE_LIMIT, clockMs: null };
      ids = { customer: 500, purchase: 9000, product: 300, branch: 20, event: 40, transaction: 7000, request: 1 };
      program.configure(fullConfig);
      program.requests = [];
    },

    requests: [],

    state() {
      return {
        requests: program.requests,
        rate_limit: rate.limit,
        clock_ms: rate.clockMs,
        accounts: Object.fromEntries([...accounts.values()].map((a) => [a.app_id, { ...a }])),
      };
    },

    /** POST /_emulator/woowup-v3. */
    control(body) {
      if (body.rate_limit !== undefined) {
        if (body.rate_limit !== null && !(Number.isInteger(body.rate_limit) && body.rate_limit > 0)) {
          throw Object.assign(new Error('rate_limit must be a positive integer or null'), { status: 400 });
        }
        rate.limit = body.rate_limit ?? RATE_LIMIT;
      }
      if (body.clock_ms !== undefined) rate.clockMs = body.clock_ms;
      if (body.advance_ms !== undefined) {
        if (rate.clockMs === null) throw Object.assign(new Error('advance_ms needs a frozen clock (clock_ms)'), { status: 400 });
        rate.clockMs += body.advance_ms;
      }
      return { rate_limit: rate.limit, clock_ms: rate.clockMs };
    },

    handle(request) {
      const started = now();
      const m = /^Basic (\S+)$/.exec(request.headers.authorization ?? '');
      const key = m?.[1];
      if (!key || !config.apps.some((a) => a.api_key === key)) {
        return envelope(403, [], 'forbidden', 'forbidden', { verdict: 'unauthorized' });
      }
      const acc = account(key);
      const limited = consume(acc);
      const rateHeaders = limited.headers;
      if (limited.refused) {
        return envelope(429, [], 'too many request', 'too_many_request', {
          verdict: 'rate-limited', headers: { ...rateHeaders, 'retry-after': String(limited.retryAfter) },
        });
      }
      const answer = route(acc, request);
      const response = envelope(answer.status, answer.payload ?? [], answer.message ?? (answer.code === 'ok' ? 'ok' : answer.code),
        answer.code, { verdict: answer.verdict ?? answer.code, detail: answer.detail, headers: rateHeaders, bare: answer.bare, started });
      return response;
    },
  };

  /** The sliding window: the previous 30 s segment weighted down plus the current one. */
  function weighted(w, at) {
    const segment = Math.floor(at / SEGMENT_MS);
    let { current, previous } = w;
    if (segment !== w.segment) {
      previous = segment === w.segment + 1 ? current : 0;
      current = 0;
    }
    const elapsed = (at % SEGMENT_MS) / SEGMENT_MS;
    return { segment, current, previous, count: previous * (1 - elapsed) + current };
  }

  function consume(acc) {
    const at = now();
    const w = weighted(acc.window, at);
    acc.window = { segment: w.segment, current: w.current, previous: w.previous };
    const resetS = Math.ceil(((w.segment + 1) * SEGMENT_MS) / 1000);
    if (w.count + 1 > rate.limit) {
      let wait = 1;
      while (wait < 120 && weighted(acc.window, at + wait * 1000).count + 1 > rate.limit) wait++;
      return {
        refused: true, retryAfter: wait,
        headers: { 'x-rate-limit-limit': String(rate.limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetS) },
      };
    }
    acc.window.current++;
    const remaining = Math.max(0, Math.floor(rate.limit - (w.count + 1)));
    return {
      refused: false,
      headers: { 'x-rate-limit-limit': String(rate.limit), 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(resetS) },
    };
  }

  function envelope(status, payload, message, code, extra = {}) {
    const value = extra.bare ? payload : { payload, message, code, time: `${Math.max(0, now() - (extra.started ?? now()))}ms` };
    return phpJsonResponse(status, fromPlain(value), { verdict: extra.verdict ?? code, detail: extra.detail, headers: extra.headers ?? {} });
  }

  const ok = (payload, extra = {}) => ({ status: extra.status ?? 200, code: 'ok', payload, ...extra });
  const bad = (errors) => ({ status: 400, code: 'bad_request', message: 'bad request', payload: { errors }, verdict: 'invalid', detail: { errors } });
  const fail = (status, code, message, verdict = code) => ({ status, code, message, payload: [], verdict });

  // -------------------------------------------------------------------------------------------
  // routing

  function route(acc, request) {
    if (!/application\/json/i.test(request.headers.accept ?? '')) {
      return bad(['Accept: application/json is required']);
    }
    let body;
    if (request.method === 'POST' || request.method === 'PUT' || (request.method === 'DELETE' && request.body.length)) {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return bad(['Content-Type must be application/json']);
      try {
        body = JSON.parse(request.body.toString('utf8'));
      } catch (e) {
        return bad([`the body is not JSON (${e.message})`]);
      }
    }
    const qs = plainQuery(request);
    const [, ...parts] = request.segments;
    const [first, second, third] = parts;
    const shape = parts.map((seg, i) => {
      if (i === 0) return seg;
      if (i === 1 && STATIC[first]?.includes(seg)) return seg;
      if (i === 1 && first === 'account' && ATTRIBUTE_PATHS[seg]) return ':attributes';
      if (i === 2 && first === 'products' && seg === 'exist') return seg;
      return i < 3 ? '*' : '…';
    });
    const path = `${request.method} ${shape.join('/')}`;
    const handler = ROUTES[path];
    if (!handler) {
      const known = Object.keys(ROUTES).some((r) => r.split(' ')[1] === shape.join('/'));
      return known ? fail(405, 'method_not_allowed', 'method not allowed') : fail(404, 'not_found', 'not found');
    }
    const answer = handler({ acc, body, qs, second, third, size: request.body.length });
    return { ...answer, detail: { route: path, ...(answer.detail ?? {}) } };
  }

  const STATIC = {
    multiusers: ['exist', 'find', 'points', 'transactions', 'members', 'abandoned-cart'],
    purchases: ['bulk', 'iin'],
    categories: ['bulk'],
  };

  // -------------------------------------------------------------------------------------------
  // customers

  function findCustomer(acc, ids) {
    for (const k of IDS) {
      const v = ids[k];
      if (v === undefined || v === null || v === '') continue;
      const value = String(v);
      const found = acc.customers.find((c) => c[k] !== null && c[k] !== undefined &&
        (k === 'email' ? String(c[k]).toLowerCase() === value.toLowerCase() : String(c[k]) === value));
      if (found) return found;
    }
    return null;
  }

  function customerDoc(c) {
    const { birthdate, street, postcode, tags, ...rest } = c;
    return { ...rest, birthday: birthdate ?? null, address: street ?? null, postal_code: postcode ?? null, tags: tags ? tags.split(',') : [] };
  }

  function identityQuery(qs) {
    const problems = identityProblems(qs);
    return problems.length ? bad(problems) : null;
  }

  function addTransaction(acc, customer, points, concept, description) {
    customer.points = (customer.points ?? 0) + points;
    const t = { id: ++ids.transaction, userapp_id: customer.userapp_id, points, concept, description: description ?? null, createtime: sqlDateTime(new Date(now())) };
    acc.transactions.push(t);
    return t;
  }

  const ROUTES = {
    'GET multiusers/exist': ({ acc, qs }) => identityQuery(qs) ?? ok({ exist: findCustomer(acc, qs) !== null }),
    'GET multiusers/find': ({ acc, qs }) => {
      const problem = identityQuery(qs);
      if (problem) return problem;
      const c = findCustomer(acc, qs);
      return c ? ok(customerDoc(c)) : fail(404, 'user_not_found', 'user not found');
    },
    'POST users': ({ acc, body }) => {
      const problems = customerProblems(body);
      if (problems.length) return bad(problems);
      if (findCustomer(acc, body)) return fail(500, 'internal_error', 'usuario existente', 'customer-exists');
      const now_ = sqlDateTime(new Date(now()));
      const c = { userapp_id: ++ids.customer, ...Object.fromEntries(IDS.map((k) => [k, body[k] === '' ? null : body[k] ?? null])) };
      Object.assign(c, body, { service_uid: c.service_uid, points: body.points ?? 0, createtime: now_, updatetime: now_ });
      acc.customers.push(c);
      return ok(customerDoc(c), { status: 201, verdict: 'created', detail: { userapp_id: c.userapp_id } });
    },
    'PUT multiusers': ({ acc, body }) => {
      const problems = customerProblems(body);
      if (problems.length) return bad(problems);
      const c = findCustomer(acc, body);
      if (!c) return fail(404, 'user_not_found', 'user not found');
      const { new_email: newEmail, ...fields } = body;
      for (const [k, v] of Object.entries(fields)) if (v !== '' && !(IDS.includes(k) && v === null)) c[k] = v;
      if (newEmail) c.email = newEmail;
      c.updatetime = sqlDateTime(new Date(now()));
      return ok(customerDoc(c), { verdict: 'updated', detail: { userapp_id: c.userapp_id } });
    },
    'POST multiusers/points': ({ acc, body }) => {
      if (!isObject(body)) return bad(['body must be an object']);
      const problems = identityProblems(body);
      if (!nonBlank(body.concept)) problems.push('concept is required');
      if (!isInteger(body.points)) problems.push('points must be an integer');
      if (problems.length) return bad(problems);
      const c = findCustomer(acc, body);
      if (!c) return fail(404, 'user_not_found', 'user not found');
      const t = addTransaction(acc, c, body.points, body.concept, body.description);
      return ok({ transaction_id: t.id }, { status: 201, verdict: 'points', detail: { userapp_id: c.userapp_id, points: body.points } });
    },
    'GET multiusers/transactions': ({ acc, qs }) => {
      const problem = identityQuery(qs);
      if (problem) return problem;
      const c = findCustomer(acc, qs);
      if (!c) return fail(404, 'user_not_found', 'user not found');
      const list = acc.transactions.filter((t) => t.userapp_id === c.userapp_id && (!qs.concept || t.concept === qs.concept));
      return ok(list);
    },
    'POST multiusers/members': (ctx) => member(ctx, false),
    'PUT multiusers/members': (ctx) => member(ctx, true),
    'POST multiusers/abandoned-cart': ({ acc, body }) => {
      if (!isObject(body)) return bad(['body must be an object']);
      const problems = identityProblems(body);
      if (!Array.isArray(body.products) || !body.products.length) problems.push('products is required');
      else body.products.forEach((p, i) => { if (!isObject(p) || !nonBlank(p.sku)) problems.push(`products[${i}].sku is required`); });
      if (!nonBlank(body.external_id)) problems.push('external_id is required');
      if (!isV3DateTime(body.createtime)) problems.push('createtime must be ISO 8601');
      if (problems.length) return bad(problems);
      const c = findCustomer(acc, body);
      if (!c) return fail(404, 'user_not_found', 'user not found');
      acc.carts.push({ ...body, userapp_id: c.userapp_id });
      return ok([], { status: 201, verdict: 'cart' });
    },
    'GET users': ({ acc, qs }) => page(acc.customers.map(customerDoc), qs, 25),
    'PUT users/*': ({ acc, body, second }) => {
      const c = acc.customers.find((x) => String(x.userapp_id) === second);
      if (!c) return fail(404, 'user_not_found', 'user not found');
      if (!isObject(body) || typeof body.remove_tags !== 'string') return bad(['remove_tags must be a comma-separated string']);
      const drop = body.remove_tags.split(',');
      c.tags = (c.tags ?? '').split(',').filter((t) => t && !drop.includes(t)).join(',');
      return ok(customerDoc(c));
    },

    // -----------------------------------------------------------------------------------------
    // purchases

    'POST purchases': ({ acc, body, size }) => createPurchase(acc, body, size),
    'PUT purchases': ({ acc, body, size }) => {
      if (size > MAX_PURCHASE_BODY) return bad(['the body is larger than 256 KB']);
      const problems = purchaseProblems(body);
      if (problems.length) return bad(problems);
      const stored = acc.invoices.get(String(body.invoice_number));
      if (!stored) return fail(404, 'not_found', 'purchase not found');
      const c = findCustomer(acc, body);
      if (!c || c.userapp_id !== stored.userapp_id) return fail(404, 'user_not_found', 'the purchase belongs to another customer');
      Object.assign(stored, body, { updates: stored.updates + 1, updatetime: sqlDateTime(new Date(now())) });
      return ok({ invoice_number: stored.invoice_number }, { verdict: 'updated', detail: { invoice_number: String(stored.invoice_number) } });
    },
    'GET purchases': ({ acc, qs }) => {
      if (!nonBlank(qs.invoice_number)) return bad(['invoice_number is required']);
      return ok(acc.purchases.filter((p) => String(p.invoice_number) === qs.invoice_number));
    },
    'POST purchases/bulk': ({ acc, body }) => {
      if (!Array.isArray(body) || !body.length) return bad(['the body must be a non-empty array of purchases']);
      const result = { created: 0, duplicated: 0, failed: [] };
      body.forEach((p, i) => {
        const r = createPurchase(acc, p, Buffer.byteLength(JSON.stringify(p)));
        if (r.code === 'ok') result.created++;
        else if (r.code === 'duplicated_purchase_number') result.duplicated++;
        else result.failed.push({ index: i, code: r.code, errors: r.payload?.errors ?? [r.message] });
      });
      return ok(result, { verdict: 'bulk', detail: result });
    },
    'GET purchases/iin/*': ({ third }) => /^\d{6}$/.test(third ?? '')
      ? ok({ type: 'credit', brand: third.startsWith('4') ? 'VISA' : 'MASTERCARD', bank: { name: 'Banco Emulado' } })
      : bad(['the IIN is 6 digits']),

    // -----------------------------------------------------------------------------------------
    // products, branches, categories

    'POST products': ({ acc, body }) => {
      const problems = productProblems(body);
      if (problems.length) return bad(problems);
      if (acc.products.some((p) => p.sku === body.sku)) return bad([`the sku ${body.sku} already exists`]);
      const p = { id: ++ids.product, ...body };
      acc.products.push(p);
      return ok(p, { status: 201, verdict: 'created' });
    },
    'PUT products/*': ({ acc, body, second }) => {
      const sku = decodeId(second);
      const p = acc.products.find((x) => x.sku === sku);
      if (!p) return fail(404, 'not_found', 'product not found');
      const problems = productProblems({ sku, name: p.name, ...body });
      if (problems.length) return bad(problems);
      Object.assign(p, body, { sku });
      return ok(p, { verdict: 'updated' });
    },
    'GET products/*': ({ acc, second }) => {
      const p = acc.products.find((x) => x.sku === decodeId(second));
      return p ? ok(p) : fail(404, 'not_found', 'product not found');
    },
    'GET products/*/exist': ({ acc, second }) => ok({ exist: acc.products.some((x) => x.sku === decodeId(second)) }),
    'GET products': ({ acc, qs }) => page(acc.products.filter((p) =>
      (qs.available === undefined || String(p.available ?? true) === qs.available) &&
      (qs.with_stock === undefined || qs.with_stock !== 'true' || (p.stock ?? 0) > 0)), qs, 25),
    'GET branches': ({ acc, qs }) => page(acc.branches, qs, 10),
    'GET branches/*': ({ acc, second }) => {
      const b = acc.branches.find((x) => String(x.id) === second);
      return b ? ok(b) : fail(404, 'not_found', 'branch not found');
    },
    'POST branches': ({ acc, body }) => {
      const problems = branchProblems(body);
      if (problems.length) return bad(problems);
      if (acc.branches.some((b) => b.name === body.name)) return bad([`the branch ${body.name} already exists`]);
      const b = { id: ++ids.branch, status: 'active', display_name: body.name, description: null, ...body };
      acc.branches.push(b);
      return ok(b, { status: 201, verdict: 'created' });
    },
    'PUT branches/*': ({ acc, body, second }) => {
      const name = decodeId(second); // base64, not URL-encoded (a '/' in it would split the path)
      const b = acc.branches.find((x) => x.name === name);
      if (!b) return fail(404, 'not_found', 'branch not found');
      const problems = branchProblems({ name: b.name, ...body });
      if (problems.length) return bad(problems);
      Object.assign(b, body);
      return ok(b, { verdict: 'updated' });
    },
    'DELETE categories': ({ body }) => (isObject(body) && nonBlank(body.code) && isWoowUpEmail(body.notify_to)
      ? ok({ request_id: `req-${++ids.request}` }) : bad(['code and notify_to are required'])),
    'DELETE categories/bulk': ({ body }) => (isObject(body) && isWoowUpEmail(body.notify_to)
      ? ok({ request_id: `req-${++ids.request}` }) : bad(['notify_to is required'])),

    // -----------------------------------------------------------------------------------------
    // coupons, benefits, events, custom attributes, integration stats

    'GET coupons': ({ acc, qs }) => {
      if (qs.status !== undefined && !COUPON_STATUSES.includes(qs.status)) return bad(['status is not valid']);
      const list = acc.coupons.filter((c) => !qs.status || c.status === qs.status);
      return { ...page(list, qs, 25), bare: true };
    },
    'PUT coupons/*': ({ acc, body, second }) => {
      if (!isObject(body) || !COUPON_STATUSES.includes(body.status)) return bad([`status must be one of ${COUPON_STATUSES.join(', ')}`]);
      let c = acc.coupons.find((x) => x.code === second);
      if (!c) {
        c = { id: acc.coupons.length + 1, code: second, assign_date: null, status: 'available', user: null, benefit: null };
        acc.coupons.push(c);
      }
      c.status = body.status;
      return ok(c, { verdict: 'coupon' });
    },
    'GET benefits': () => ok({ current: [], outofstock: [], comingbenefits: [] }),
    'GET events': ({ acc, qs }) => ({ ...page(acc.events, qs, 25), bare: true }),
    'POST events': ({ acc, body }) => {
      if (!isObject(body) || typeof body.name !== 'string' || !/^[A-Za-z0-9-]+$/.test(body.name)) return bad(['name: letters, digits and - only']);
      if (acc.events.some((e) => e.name === body.name)) return bad([`the event ${body.name} already exists`]);
      const e = { id: ++ids.event, name: body.name, createtime: sqlDateTime(new Date(now())) };
      acc.events.push(e);
      return ok(e, { status: 201, bare: true, verdict: 'created' });
    },
    'POST user-events': ({ acc, body }) => {
      if (!isObject(body)) return bad(['body must be an object']);
      const problems = identityProblems(body);
      if (!acc.events.some((e) => e.name === body.event)) problems.push('event is not defined');
      if (!isV3DateTime(body.datetime)) problems.push('datetime is required');
      if (problems.length) return bad(problems);
      acc.user_events.push(body);
      return ok([], { status: 201, verdict: 'user-event' });
    },
    'GET account/:attributes': ({ acc, qs, second }) => page(acc.attributes.filter((a) => a.owner === ATTRIBUTE_PATHS[second] &&
      (!qs.text || a.label.includes(qs.text) || a.name.includes(qs.text))).map(({ owner, ...a }) => a), qs, 25),
    'POST account/:attributes': ({ acc, body, second }) => {
      const problems = attributeProblems(body);
      if (problems.length) return bad(problems);
      const owner = ATTRIBUTE_PATHS[second];
      if (acc.attributes.some((a) => a.owner === owner && a.name === body.name)) return bad([`the attribute ${body.name} already exists`]);
      acc.attributes.push({ owner, ...body });
      return ok(body, { status: 201, verdict: 'created' });
    },
    'PUT account/:attributes/*': ({ acc, body, second, third }) => {
      const a = acc.attributes.find((x) => x.owner === ATTRIBUTE_PATHS[second] && x.name === third);
      if (!a) return fail(404, 'not_found', 'attribute not found');
      const problems = attributeProblems(body);
      if (problems.length) return bad(problems);
      Object.assign(a, body, { name: third });
      return ok(body, { verdict: 'updated' });
    },
    'POST integration-stats': ({ acc, body }) => {
      if (!isObject(body)) return bad(['body must be an object']);
      const problems = [];
      for (const k of ['customers', 'products', 'branches', 'purchases']) {
        if (!given(body, k)) continue;
        if (!isObject(body[k])) problems.push(`${k} must be an object`);
        else if (Array.isArray(body[k].failed)) body[k].failed.forEach((f, i) => { if (!isObject(f) || !isObject(f.element)) problems.push(`${k}.failed[${i}].element is required`); });
      }
      if (problems.length) return bad(problems);
      const record = { id: acc.integration_stats.length + 1, createtime: sqlDateTime(new Date(now())), ...body };
      acc.integration_stats.push(record);
      return ok(record, { status: 201, verdict: 'stats' });
    },
    'GET integration-stats': ({ acc, qs }) => page(acc.integration_stats, qs, 25),
  };

  function member({ acc, body, qs }, update) {
    const problem = identityQuery(qs);
    if (problem) return problem;
    if (!isObject(body) || !RELATIONSHIPS.includes(body.relationship)) return bad(['relationship is required and must be valid']);
    const c = findCustomer(acc, qs);
    if (!c) return fail(404, 'user_not_found', 'user not found');
    const existing = acc.members.find((x) => x.userapp_id === c.userapp_id && x.relationship === body.relationship && (x.uid ?? null) === (body.uid ?? null));
    if (update && existing) Object.assign(existing, body);
    else acc.members.push({ userapp_id: c.userapp_id, ...body });
    return ok([], { status: update ? 200 : 201, verdict: update ? 'member-updated' : 'member' });
  }

  function attributeProblems(a) {
    if (!isObject(a)) return ['body must be an object'];
    const problems = [];
    if (!nonBlank(a.name) || !/^\w+$/.test(a.name)) problems.push('name is required (letters, digits, _)');
    if (!nonBlank(a.label)) problems.push('label is required');
    if (!['text', 'select', 'datetime', 'checkbox'].includes(a.field_type)) problems.push('field_type is not valid');
    if (!['string', 'integer', 'timestamp', 'float'].includes(a.data_type)) problems.push('data_type is not valid');
    return problems;
  }

  function page(list, qs, defaultLimit) {
    const p = qs.page === undefined ? 0 : Number(qs.page);
    const l = qs.limit === undefined ? defaultLimit : Number(qs.limit);
    if (!Number.isInteger(p) || p < 0 || !Number.isInteger(l) || l < 1 || l > 100) return bad(['page ≥ 0 and 1 ≤ limit ≤ 100']);
    return ok(list.slice(p * l, p * l + l));
  }

  function createPurchase(acc, body, size) {
    if (size > MAX_PURCHASE_BODY) return bad(['the body is larger than 256 KB']);
    const problems = purchaseProblems(body);
    if (problems.length) return bad(problems);
    if (acc.invoices.has(String(body.invoice_number))) {
      return { ...fail(400, 'duplicated_purchase_number', 'duplicated purchase number', 'duplicate'), detail: { invoice_number: String(body.invoice_number) } };
    }
    const c = findCustomer(acc, body);
    if (!c) return fail(404, 'user_not_found', 'user not found');
    const p = { id: ++ids.purchase, ...body, userapp_id: c.userapp_id, updates: 0, createtime: body.createtime ?? sqlDateTime(new Date(now())) };
    acc.purchases.push(p);
    acc.invoices.set(String(body.invoice_number), p);
    if (isInteger(body.points) && body.points !== 0) addTransaction(acc, c, body.points, 'purchase', `invoice ${body.invoice_number}`);
    return ok({ invoice_number: body.invoice_number }, { status: 201, verdict: 'created', detail: { invoice_number: String(body.invoice_number) } });
  }

  return program;
}
