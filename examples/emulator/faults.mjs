// Injected failures, deterministic for a given seed, so that retry logic can be tested.
//
// POST /_emulator/faults takes (every field optional; {} turns faults off):
//   errorRate   0..1, the share of requests answered with `status` instead of being served
//   status      the error status for errorRate and sequence entries without one (default 503)
//   retryAfter  seconds: a Retry-After header on those errors (429s always carry one)
//   latencyMs   delay before every matching request is served
//   rateLimit   { every: N, retryAfter: S }: every N-th matching request answers 429, Retry-After: S
//   sequence    statuses for the next matching requests, in order (null or 200 = serve normally)
//   when        "before" (default): the request is not processed; "after": it is processed and the
//               answer is then replaced by the error (the lost-response case that makes clients retry)
//   body        the body of the injected answers instead of `{"message": …}`: a proxy's HTML
//               page, JSON cut short (with status 200 and "after": a write whose answer is unreadable)
//   programs    which programs are affected: any of "lootly", "woowup", "connectors" (default all)
//   pathPrefix  only requests whose path starts with this
//   seed        the seed of the random draws (default 1)

import { mulberry32 } from './random.mjs';

const PROGRAMS = ['lootly', 'woowup', 'connectors'];

export function createFaults() {
  let spec = normalise({});
  let random = mulberry32(spec.seed);
  let counted = 0;

  return {
    /** Replaces the fault settings; returns them as they now stand. */
    set(input) {
      spec = normalise(input ?? {});
      random = mulberry32(spec.seed);
      counted = 0;
      return this.get();
    },

    get() {
      return { ...spec, sequence: [...spec.sequence], counted };
    },

    reset() {
      this.set({});
    },

    /**
     * Decides what happens to one request. Returns { latencyMs, fault } where fault is null or
     * { status, retryAfter, kind, when }.
     */
    decide(program, pathname) {
      if (!spec.programs.includes(program) || !pathname.startsWith(spec.pathPrefix)) {
        return { latencyMs: 0, fault: null };
      }
      counted++;
      const make = (status, kind, retryAfter) => ({ status, kind, when: spec.when, retryAfter, body: spec.body });
      let fault = null;
      if (spec.sequence.length) {
        const next = spec.sequence.shift();
        if (next !== null && next !== 200) {
          fault = make(next, 'sequence', next === 429 ? spec.rateLimit?.retryAfter ?? spec.retryAfter ?? 1 : spec.retryAfter);
        }
      } else if (spec.rateLimit && counted % spec.rateLimit.every === 0) {
        fault = make(429, 'rate-limit', spec.rateLimit.retryAfter);
      } else if (spec.errorRate > 0 && random() < spec.errorRate) {
        fault = make(spec.status, 'error-rate', spec.status === 429 ? spec.retryAfter ?? 1 : spec.retryAfter);
      }
      return { latencyMs: spec.latencyMs, fault };
    },
  };
}

function normalise(input) {
  const errors = [];
  const num = (name, min, max, fallback) => {
    const v = input[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !(v >= min && v <= max)) errors.push(`${name} must be a number from ${min} to ${max}`);
    return v;
  };
  const status = (v, name) => {
    if (!Number.isInteger(v) || v < 100 || v > 599) errors.push(`${name} must be an HTTP status`);
    return v;
  };
  const spec = {
    errorRate: num('errorRate', 0, 1, 0),
    status: status(input.status ?? 503, 'status'),
    retryAfter: input.retryAfter === undefined ? null : num('retryAfter', 0, 86400, null),
    latencyMs: num('latencyMs', 0, 60000, 0),
    rateLimit: null,
    sequence: [],
    when: input.when ?? 'before',
    programs: input.programs ?? PROGRAMS,
    pathPrefix: input.pathPrefix ?? '/',
    seed: num('seed', 0, 2 ** 32 - 1, 1),
    body: input.body ?? null,
  };
  if (spec.body !== null && typeof spec.body !== 'string') errors.push('body must be a string');
  if (input.rateLimit) {
    const { every, retryAfter = 1 } = input.rateLimit;
    if (!Number.isInteger(every) || every < 1) errors.push('rateLimit.every must be a positive integer');
    if (typeof retryAfter !== 'number' || retryAfter < 0) errors.push('rateLimit.retryAfter must be seconds');
    spec.rateLimit = { every, retryAfter };
  }
  if (input.sequence !== undefined) {
    if (!Array.isArray(input.sequence)) errors.push('sequence must be a list of statuses');
    else spec.sequence = input.sequence.map((s, i) => (s === null ? null : status(s, `sequence[${i}]`)));
  }
  if (!['before', 'after'].includes(spec.when)) errors.push('when must be "before" or "after"');
  if (!Array.isArray(spec.programs) || spec.programs.some((p) => !PROGRAMS.includes(p))) {
    errors.push(`programs must list some of ${PROGRAMS.join(', ')}`);
  }
  if (typeof spec.pathPrefix !== 'string') errors.push('pathPrefix must be a string');
  const unknown = Object.keys(input).filter((k) => !(k in spec));
  if (unknown.length) errors.push(`unknown fields: ${unknown.join(', ')}`);
  if (errors.length) throw Object.assign(new Error(errors.join('; ')), { status: 400, errors });
  return spec;
}
