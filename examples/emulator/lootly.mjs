// Lootly: the signed webhooks and the read API, checked the way Lootly's (PHP) server checks them.
// notes/lootly-server-behaviour.md is the specification; README.md lists the choices made where
// the notes are silent.
import {
  PhpArray, jsonDecode, ksort, parseQuery, phpToString,
} from './php.mjs';
import {
  emptyResponse, hashEquals, hmacBase64, htmlPage, isForm, isJsonRequest, jsonEncodeOrNull, phpJsonResponse,
  queryOf, wantsJson,
} from './http-util.mjs';
import { ANSWER_TYPES, JOB_TYPES, answer as answerNow, emptyLootlyState, findCustomerById, runJob } from './lootly-jobs.mjs';

export const LOOTLY_SLUGS = ['common', 'custom-api', 'woocommerce', 'magento'];

/**
 * What the server signs for a webhook: the body decoded the PHP way, merged with the query
 * string, without `hmac` and `_url`, top-level ksort, json_encode. When json_encode fails (a query
 * value that is not UTF-8) PHP signs the empty string, and so does this.
 */
export function canonicalText(payload) {
  const signed = payload.copy();
  signed.delete('hmac');
  signed.delete('_url');
  return jsonEncodeOrNull(ksort(signed)) ?? '';
}

/**
 * The request parameters as Laravel's $request->all() gives them: the JSON body (for a JSON
 * Content-Type; `(array)` of whatever json_decode returned) or the form body, plus the query
 * parameters the body does not have.
 */
export function payloadOf(request) {
  let body = new PhpArray();
  if (isJsonRequest(request)) {
    let decoded = null;
    try {
      decoded = jsonDecode(request.body);
    } catch {
      // json_decode returned null: (array) null is []
    }
    if (decoded instanceof PhpArray) body = decoded;
    else if (decoded !== null) body = PhpArray.list([decoded]);
  } else if (isForm(request)) {
    body = parseQuery(request.body);
  }
  return body.union(queryOf(request));
}

export function createLootly() {
  let config;
  let state;
  let readHits; // ip → { count, resetAt }

  const merchantByKey = (key) => {
    const k = typeof key === 'string' || typeof key === 'bigint' ? phpToString(key) : null;
    return k === null ? undefined : config.merchants.find((m) => m.api_key === k);
  };

  const program = {
    name: 'lootly',

    owns(segments) {
      return (segments[0] === 'integrations' && segments[1] === 'webhooks') ||
        (segments[0] === 'api' && segments[1] === 'custom');
    },

    configure(fullConfig) {
      config = fullConfig.lootly;
    },

    reset(fullConfig) {
      program.configure(fullConfig);
      state = emptyLootlyState();
      readHits = new Map();
    },

    state() {
      return state;
    },

    handle(request) {
      const s = request.segments;
      if (s[0] === 'integrations') {
        if (s.length !== 4) return notFound(request);
        if (request.method !== 'POST') return methodNotAllowed(request);
        return webhook(request, s[2], s[3]);
      }
      if (s.length === 5 && s[2] === 'customer' && s[4] === 'point-balance') {
        return readApi(request, (q, key) => PhpArray.from([['key', key]]), (q, merchant) =>
          PhpArray.from([['point_value', balance(merchant, s[3])]]));
      }
      if (s.length === 4 && s[2] === 'customers' && s[3] === 'point-balance') {
        return readApi(request, (q, key) => PhpArray.from([['key', key], ['customer_ids', q.get('customer_ids') ?? null]]),
          (q, merchant) => {
            const ids = phpToString(q.get('customer_ids') ?? '') ?? '';
            return PhpArray.list(ids.split(',').map((id) => PhpArray.from([[id, balance(merchant, id)]])));
          });
      }
      return notFound(request);
    },
  };

  function balance(merchant, customerId) {
    return BigInt(findCustomerById(state, merchant, customerId)?.points ?? 0);
  }

  function webhook(request, routeSlug, type) {
    const payload = payloadOf(request);
    // Laravel's $request->integration reads the input before the route: a body's `integration`
    // replaces the slug (notes §1), which is why the library refuses that field.
    const shadowed = payload.has('integration');
    const slug = shadowed ? phpToString(payload.get('integration')) ?? '' : routeSlug;
    const detail = { slug, type, ...(shadowed ? { route_slug: routeSlug } : {}) };
    if (shadowed && slug === 'zapier') return { ...emptyResponse(200), verdict: 'accepted-unverified', detail };
    if (shadowed && slug === 'shopify') return unauthenticated(request, { verdict: 'other-verifier', detail });
    if (!LOOTLY_SLUGS.includes(slug)) {
      return errorPage(request, 500, 'Server Error', { verdict: 'unknown-slug', detail });
    }
    const key = payload.get('key');
    detail.api_key = phpToString(key ?? null);
    const merchant = merchantByKey(key);
    if (!merchant) return unauthenticated(request, { verdict: 'unknown-key', detail });

    const canonical = canonicalText(payload);
    const expected = hmacBase64(canonical, merchant.api_secret);
    const given = payload.get('hmac');
    if (typeof given !== 'string' || !hashEquals(expected, given)) {
      return unauthenticated(request, {
        verdict: 'bad-signature',
        detail: { ...detail, canonical, expected_hmac: expected, given_hmac: phpToString(given ?? null) },
      });
    }
    // app-installed exists only under the custom-api integration
    const known = JOB_TYPES.includes(type) && (type !== 'app-installed' || slug === 'custom-api');
    if (!known) return emptyResponse(201, { verdict: 'unknown-type', detail });

    if (ANSWER_TYPES.includes(type)) {
      const reply = answerNow(state, merchant, type, payload, new Date().toISOString());
      const body = reply.status === 200 ? PhpArray.from([['data', reply.data]]) : PhpArray.from([['message', reply.message]]);
      return phpJsonResponse(reply.status, body, { verdict: reply.status === 200 ? 'accepted' : 'refused', detail: { ...detail, outcome: reply.outcome } });
    }
    const outcome = runJob(state, merchant, type, payload, new Date().toISOString());
    const answer = type === 'key-verify' ? phpJsonResponse(200, new PhpArray()) : emptyResponse(200);
    return { ...answer, verdict: 'accepted', detail: { ...detail, outcome } };
  }

  /** The read API: throttle, merchant by key (404), signature over `signed` (403), then `answer`. */
  function readApi(request, signed, answer) {
    if (request.method !== 'GET') return methodNotAllowed(request);
    const limited = throttle(request.ip);
    if (limited.status) return limited;
    const headers = limited.headers;
    const q = queryOf(request);
    const key = q.get('key') ?? null;
    const merchant = merchantByKey(key);
    const detail = { api_key: phpToString(key) };
    if (!merchant) {
      return phpJsonResponse(404, PhpArray.from([['error', 'Merchant not found']]), { headers, verdict: 'unknown-key', detail });
    }
    const canonical = jsonEncodeOrNull(signed(q, key)) ?? '';
    const expected = hmacBase64(canonical, merchant.api_secret);
    const given = q.get('hmac');
    if (typeof given !== 'string' || !hashEquals(expected, given)) {
      return phpJsonResponse(403, PhpArray.from([['error', 'Unauthorized']]), {
        headers, verdict: 'bad-signature', detail: { ...detail, canonical, expected_hmac: expected },
      });
    }
    return phpJsonResponse(200, answer(q, merchant), { headers, verdict: 'accepted', detail });
  }

  /** Laravel's throttle:N,1 keyed by client address. */
  function throttle(ip) {
    const { limit, window_seconds: windowSeconds } = config.read_rate_limit;
    const now = Date.now();
    let hits = readHits.get(ip);
    if (!hits || hits.resetAt <= now) {
      hits = { count: 0, resetAt: now + windowSeconds * 1000 };
      readHits.set(ip, hits);
    }
    if (hits.count >= limit) {
      const retryAfter = Math.max(1, Math.ceil((hits.resetAt - now) / 1000));
      return phpJsonResponse(429, PhpArray.from([['message', 'Too Many Attempts.']]), {
        headers: {
          'retry-after': String(retryAfter), 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(hits.resetAt / 1000)),
        },
        verdict: 'rate-limited',
      });
    }
    hits.count++;
    return { headers: { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(limit - hits.count) } };
  }

  return program;
}

function errorPage(request, status, message, extra) {
  return wantsJson(request)
    ? phpJsonResponse(status, PhpArray.from([['message', message]]), extra)
    : htmlPage(status, message, extra);
}

function unauthenticated(request, extra) {
  return wantsJson(request)
    ? phpJsonResponse(401, PhpArray.from([['message', 'Unauthenticated.']]), extra)
    : htmlPage(401, 'Unauthorized', extra);
}

function notFound(request) {
  return errorPage(request, 404, 'Not Found', { verdict: 'not-found' });
}

function methodNotAllowed(request) {
  return errorPage(request, 405, `The ${request.method} method is not supported for this route.`, { verdict: 'method-not-allowed' });
}
