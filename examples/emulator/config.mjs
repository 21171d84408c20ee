// The emulator's configuration: Lootly merchants and WoowUp apps (see README.md, "Config format").
//
// {
//   "lootly": {
//     "merchants": [{ "api_key", "api_secret", "reward_rate": 1, "reward_status": "paid",
//                     "subtract_status": "refunded", "shop_url": null,
//                     "rewards": [{ "reward_id", "reward_name", "points_required",
//                                   "minimum_order_amount": null, "codes": [] or "codes_csv": "…" }] }],
//     "read_rate_limit": { "limit": 60, "window_seconds": 60 }
//   },
//   "woowup": {
//     "apps": [{ "app_id", "api_key", "contest_sale_points": 0, "branches": [], "connected_services": [],
//                "users": [{ "uid", "email", "first_name", "last_name", "points": 0, "registered": true,
//                            "service_uid": <uid>, "fid": null }] }]
//   },
//   "connectors": { "stats_trailing_comma": false }
// }

const REWARD_STATUSES = ['completed', 'paid', 'fulfilled', 'processing', 'any'];
const SUBTRACT_STATUSES = ['refunded', 'voided', 'any', 'none'];

/** A custom-API merchant's settings after app-installed (notes §2): rewards paid orders, subtracts on refunds. */
export const MERCHANT_DEFAULTS = { reward_status: 'paid', subtract_status: 'refunded' };

export function configError(message) {
  return Object.assign(new Error(message), { status: 400 });
}

function must(ok, message) {
  if (!ok) throw configError(message);
}

const isText = (v) => typeof v === 'string' && v !== '';

export function normaliseMerchant(m, at) {
  must(m && typeof m === 'object', `${at} must be an object`);
  must(isText(m.api_key), `${at}.api_key must be a non-empty string`);
  must(isText(m.api_secret), `${at}.api_secret must be a non-empty string`);
  const out = {
    api_key: m.api_key,
    api_secret: m.api_secret,
    reward_rate: m.reward_rate ?? 1,
    reward_status: m.reward_status ?? MERCHANT_DEFAULTS.reward_status,
    subtract_status: m.subtract_status ?? MERCHANT_DEFAULTS.subtract_status,
    shop_url: m.shop_url ?? null,
    ...(m.rewards === undefined ? {} : { rewards: m.rewards.map((r, i) => normaliseReward(r, `${at}.rewards[${i}]`)) }),
  };
  must(m.rewards === undefined || Array.isArray(m.rewards), `${at}.rewards must be a list`);
  must(typeof out.reward_rate === 'number' && out.reward_rate >= 0, `${at}.reward_rate must be a number ≥ 0`);
  must(REWARD_STATUSES.includes(out.reward_status), `${at}.reward_status must be one of ${REWARD_STATUSES.join(', ')}`);
  must(SUBTRACT_STATUSES.includes(out.subtract_status), `${at}.subtract_status must be one of ${SUBTRACT_STATUSES.join(', ')}`);
  return out;
}

/** The one column of an uploaded coupon-codes CSV (RFC 4180 quotes, as lootly.couponCsv writes it). */
export function csvCodes(csv) {
  const codes = [];
  const re = /(?:"((?:[^"]|"")*)"|([^\r\n]*))(?:\r?\n|$)/gy;
  let m;
  while (re.lastIndex < csv.length && (m = re.exec(csv))) {
    const code = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
    if (code !== '') codes.push(code);
  }
  return codes;
}

function normaliseReward(r, at) {
  must(r && typeof r === 'object', `${at} must be an object`);
  must(typeof r.reward_id === 'number' || isText(r.reward_id), `${at}.reward_id must be a number or a non-empty string`);
  must(typeof r.points_required === 'number' && r.points_required >= 0, `${at}.points_required must be a number ≥ 0`);
  const codes = r.codes_csv !== undefined ? csvCodes(String(r.codes_csv)) : (r.codes ?? []);
  must(Array.isArray(codes) && codes.every(isText), `${at}.codes must be a list of coupon codes`);
  return {
    reward_id: r.reward_id,
    reward_name: r.reward_name ?? '',
    points_required: r.points_required,
    minimum_order_amount: r.minimum_order_amount ?? null,
    codes: [...codes],
  };
}

export function normaliseUser(u, at) {
  must(u && typeof u === 'object', `${at} must be an object`);
  const uid = u.uid ?? u.email;
  must(isText(uid), `${at}.uid (or email) must be a non-empty string`);
  const out = {
    uid,
    email: u.email ?? uid,
    first_name: u.first_name ?? '',
    last_name: u.last_name ?? '',
    points: u.points ?? 0,
    registered: u.registered ?? true,
    service_uid: u.service_uid === undefined ? uid : u.service_uid,
    fid: u.fid ?? null,
    pass: u.pass ?? null,
  };
  must(typeof out.points === 'number', `${at}.points must be a number`);
  return out;
}

export function normaliseApp(a, at) {
  must(a && typeof a === 'object', `${at} must be an object`);
  const appId = typeof a.app_id === 'number' ? String(a.app_id) : a.app_id;
  must(isText(appId), `${at}.app_id must be a non-empty string or a number`);
  must(isText(a.api_key), `${at}.api_key must be a non-empty string`);
  const out = {
    app_id: appId,
    api_key: a.api_key,
    contest_sale_points: a.contest_sale_points ?? 0,
    branches: a.branches ?? [],
    connected_services: a.connected_services ?? [],
    users: (a.users ?? []).map((u, i) => normaliseUser(u, `${at}.users[${i}]`)),
  };
  must(typeof out.contest_sale_points === 'number', `${at}.contest_sale_points must be a number`);
  must(Array.isArray(out.branches) && out.branches.every(isText), `${at}.branches must be a list of names`);
  must(Array.isArray(out.connected_services), `${at}.connected_services must be a list`);
  return out;
}

export function emptyConfig() {
  return {
    lootly: { merchants: [], read_rate_limit: { limit: 60, window_seconds: 60 } },
    woowup: { apps: [] },
    connectors: { stats_trailing_comma: false },
  };
}

/**
 * Applies a (partial) config on top of `base`: merchants are replaced by api_key, apps by app_id,
 * other settings by name. With `replace: true` the result starts from an empty config instead.
 */
export function mergeConfig(base, input) {
  must(input && typeof input === 'object' && !Array.isArray(input), 'the config must be a JSON object');
  const known = ['lootly', 'woowup', 'connectors', 'replace'];
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  must(!unknown.length, `unknown config sections: ${unknown.join(', ')}`);
  const out = structuredClone(input.replace ? emptyConfig() : base);

  const lootly = input.lootly ?? {};
  (lootly.merchants ?? []).forEach((m, i) => {
    const merchant = normaliseMerchant(m, `lootly.merchants[${i}]`);
    out.lootly.merchants = out.lootly.merchants.filter((x) => x.api_key !== merchant.api_key).concat(merchant);
  });
  if (lootly.read_rate_limit) {
    const { limit, window_seconds } = { ...out.lootly.read_rate_limit, ...lootly.read_rate_limit };
    must(Number.isInteger(limit) && limit > 0, 'lootly.read_rate_limit.limit must be a positive integer');
    must(typeof window_seconds === 'number' && window_seconds > 0, 'lootly.read_rate_limit.window_seconds must be > 0');
    out.lootly.read_rate_limit = { limit, window_seconds };
  }

  (input.woowup?.apps ?? []).forEach((a, i) => {
    const app = normaliseApp(a, `woowup.apps[${i}]`);
    out.woowup.apps = out.woowup.apps.filter((x) => x.app_id !== app.app_id).concat(app);
  });

  if (input.connectors?.stats_trailing_comma !== undefined) {
    out.connectors.stats_trailing_comma = Boolean(input.connectors.stats_trailing_comma);
  }
  return out;
}
