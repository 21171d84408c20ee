// Sending: one token bucket for the whole run (WoowUp counts requests per account and minute),
// bounded time per request, and the retry rules of WoowUp's own clients (429, 502, 503 and
// network errors; Retry-After honoured, else min(2^n, 60) s) — the rules themselves come from
// the Rust core (batchRetryable, batchRetryDelay).
import { batchRetryable, batchRetryDelay } from "./wasm.js";

const now = () => performance.now();

/** The most a request waits, in seconds, on 429 answers before it fails with the last one. */
export const MAX_429_WAIT = 900;

/** A token bucket: `perMinute` tokens a minute, at most `burst` saved up; FIFO waiters. */
export class RateLimiter {
  constructor(perMinute, burst) {
    this.perMs = perMinute / 60000;
    this.capacity = Math.max(1, burst);
    this.tokens = 1;
    this.last = now();
    this.pausedUntil = 0;
    this.queue = [];
    this.timer = null;
  }

  /** Resolves when a request may be sent. */
  take() {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  /** No request for `ms` (a 429's Retry-After applies to every worker, not only the one that got it). */
  pause(ms) {
    const until = now() + ms;
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.tokens = Math.min(this.tokens, 1);
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.drain();
    }
  }

  drain() {
    if (this.timer) return;
    const t = now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.last) * this.perMs);
    this.last = t;
    if (t < this.pausedUntil) {
      this.timer = setTimeout(() => ((this.timer = null), this.drain()), Math.ceil(this.pausedUntil - t));
      return;
    }
    while (this.queue.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()();
    }
    if (this.queue.length) {
      const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
      this.timer = setTimeout(() => ((this.timer = null), this.drain()), wait);
    }
  }

  /** Stops the timer and lets every waiter go (the run is stopping: they find it stopped). */
  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const resolve of this.queue.splice(0)) resolve();
  }
}

/** Thrown when the run must stop (credentials refused, network down, interrupted). */
export class Abort extends Error {
  constructor(message) {
    super(message);
    this.name = "Abort";
  }
}

/** Seconds of a Retry-After header: a number of seconds, or an HTTP date turned into seconds from now. */
export function retryAfterSeconds(value) {
  if (value == null || value === "") return undefined;
  const v = String(value).trim();
  if (/^\d+$/.test(v)) return v;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return String(Math.max(0, Math.ceil((at - Date.now()) / 1000)));
}

function describe(error) {
  const cause = error?.cause;
  if (error?.name === "TimeoutError") return "no answer in time";
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return cause?.message ? `${error.message}: ${cause.message}` : String(error?.message ?? error);
}

/**
 * Sends requests with the rate limit and the retry rules. `counters` collects what happened:
 * requests, retries by reason, waits. `onRetry(info)` is told about each retry.
 */
export class Sender {
  constructor({ limiter, maxRetries, timeoutMs, onRetry }) {
    this.limiter = limiter;
    this.maxRetries = maxRetries;
    this.timeoutMs = timeoutMs;
    this.onRetry = onRetry ?? (() => {});
    this.inflight = new Set();
    this.sleepers = new Set();
    this.stopped = null;
    this.counters = { requests: 0, retries: 0, byReason: {}, checks: 0, landed: 0 };
  }

  /** Cancels every request in flight; later calls throw `Abort(reason)`. */
  stop(reason) {
    this.stopped ??= reason;
    for (const c of this.inflight) c.abort(new Abort(reason));
    for (const wake of this.sleepers) wake();
    this.limiter.close();
  }

  /** Waits `ms`, or less if the run stops. */
  sleep(ms) {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** One attempt: `{ status, body, retryAfter }`, or throws the network error. */
  async attempt(req) {
    if (this.stopped) throw new Abort(this.stopped);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(Object.assign(new Error("timeout"), { name: "TimeoutError" })), this.timeoutMs);
    this.inflight.add(controller);
    try {
      this.counters.requests++;
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? undefined,
        redirect: "manual",
        signal: controller.signal,
      });
      const body = await res.text();
      return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
    } catch (e) {
      if (this.stopped) throw new Abort(this.stopped);
      if (controller.signal.aborted && controller.signal.reason?.name === "TimeoutError") throw controller.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
  }

  /**
   * Sends `req` until it has an answer that is not retried. 401/403: the credentials are refused,
   * every row would fail: `Abort`. 502, 503 and network errors are retried `maxRetries` times;
   * 429 as long as WoowUp's waits add up to less than `MAX_429_WAIT` for this request (a 429 is
   * WoowUp saying when to come back, not a failure). Out of retries, a status is the answer (the
   * row fails with it); a network error aborts the run (nothing is recorded for the row: a
   * resumed run sends it). `beforeRetry(reason)` runs before each retry and may settle the
   * exchange itself (a request that landed although its answer was lost) by returning a value.
   */
  async exchange(req, beforeRetry) {
    let attempts = 0;
    let waited429 = 0;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take();
      let res;
      let error;
      try {
        res = await this.attempt(req);
      } catch (e) {
        if (e instanceof Abort) throw e;
        error = e;
      }
      if (res && (res.status === 401 || res.status === 403)) {
        throw new Abort(`WoowUp refused the credentials (HTTP ${res.status} from ${new URL(req.url).pathname}): check the app id and the API key`);
      }
      if (res && !batchRetryable(res.status)) return res;
      const retryAfter = retryAfterSeconds(res?.retryAfter);
      const seconds = batchRetryDelay(attempt + 1, retryAfter);
      const limited = res?.status === 429;
      const spent = limited ? waited429 + seconds > MAX_429_WAIT : attempts >= this.maxRetries;
      if (spent) {
        if (error) throw new Abort(`network: ${describe(error)} (${req.method} ${new URL(req.url).pathname}, ${attempt + 1} attempts)`);
        return res;
      }
      if (limited) waited429 += seconds;
      else attempts++;
      const reason = error ? "network" : String(res.status);
      this.counters.retries++;
      this.counters.byReason[reason] = (this.counters.byReason[reason] ?? 0) + 1;
      if (limited) this.limiter.pause(seconds * 1000);
      this.onRetry({ reason, attempt: attempt + 1, seconds, path: new URL(req.url).pathname, error: error && describe(error) });
      await this.sleep(seconds * 1000);
      if (this.stopped) throw new Abort(this.stopped);
      if (beforeRetry) {
        const settled = await beforeRetry(reason);
        if (settled !== undefined) return settled;
      }
    }
  }
}
