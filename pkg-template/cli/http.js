// Sending: one pace for the whole run (WoowUp counts requests per account and minute),
// bounded time per request. What each answer means (retry and how long, in doubt, stop) is
// decided by the Rust core's engine (BatchAttempts): this file only sends, sleeps and reports.
import { BatchAttempts, BatchPacer } from "./wasm.js";

/**
 * WoowUp's pace, on API v2 and v3 alike: the core's pacer (`woowup::v3::Pacer`: `perMinute`
 * spent evenly, Retry-After and x-rate-limit-* obeyed) says when each request may leave; this
 * only sleeps and lets the waiting requests go in order.
 */
export class Limiter {
  constructor(perMinute) {
    this.pacer = new BatchPacer(perMinute);
    this.queue = [];
    this.timer = null;
    this.closed = false;
  }

  take() {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }

  /** A 429's wait (the engine's): the pacer already holds every request by its Retry-After. */
  pause(ms) {
    this.pacer.observe(Date.now(), [["retry-after", String(Math.ceil(ms / 1000))]]);
  }

  /** The answer's headers (a fetch `Headers`). */
  observe(headers) {
    if (this.closed) return;
    this.pacer.observe(Date.now(), [...headers]);
  }

  drain() {
    if (this.timer || this.closed) return;
    while (this.queue.length) {
      const now = Date.now();
      const wait = this.pacer.waitMs(now);
      if (wait > 0) {
        this.timer = setTimeout(() => ((this.timer = null), this.drain()), wait);
        return;
      }
      this.pacer.sent(now);
      this.queue.shift()();
    }
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const resolve of this.queue.splice(0)) resolve();
    this.pacer.free();
  }
}

/** Thrown when the run must stop (credentials refused, network down, interrupted). */
export class Abort extends Error {
  /** `code`: the core's error code when the engine stopped the request (`network_error`, …). */
  constructor(message, code) {
    super(message);
    this.name = "Abort";
    this.code = code;
  }
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
      this.limiter.observe?.(res.headers);
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
   * Sends `req` until the core's engine says its answer is final. `effect` is what the request
   * changes: "read", "idempotent" or "once" (a sale, a new customer: a lost or unreadable answer
   * leaves it in doubt). Returns `{ status, body }` for the row to read. Throws `Abort` when the
   * engine says stop (credentials refused, no answer after the retries, in doubt with nothing to
   * check: a resumed run sends the row again after checking). `check()`, for requests in doubt,
   * asks WoowUp whether the request landed: a value settles the exchange (returned as is),
   * `undefined` sends it again.
   */
  async exchange(req, { effect = "read", check } = {}) {
    const attempts = new BatchAttempts(effect, this.maxRetries);
    const path = new URL(req.url).pathname;
    try {
      for (let attempt = 1; ; attempt++) {
        await this.limiter.take();
        let res;
        let error;
        try {
          res = await this.attempt(req);
        } catch (e) {
          if (e instanceof Abort) throw e;
          error = e;
        }
        const lost = error ? (error.name === "TimeoutError" ? "timeout" : "network") : undefined;
        let d = attempts.judge(res?.status, res?.retryAfter ?? undefined, res?.body, lost, error && describe(error), Date.now() / 1000, Math.random());
        if (d.decision === "deliver") return res;
        if (d.decision === "stop") throw new Abort(`${d.message} (${req.method} ${path})`, d.code);
        const reason = error ? "network" : String(res.status);
        const doubt = d.decision === "in_doubt";
        if (doubt) {
          if (!check) throw new Abort(`${req.method} ${path}: HTTP ${res?.status ?? "no answer"}; the request may have reached WoowUp and cannot be checked`, "in_doubt");
          d = attempts.retryAfterDoubt(Math.random());
          if (d.decision === "stop") throw new Abort(`${d.message} (${req.method} ${path})`, d.code);
        }
        this.counters.retries++;
        this.counters.byReason[reason] = (this.counters.byReason[reason] ?? 0) + 1;
        if (res?.status === 429) this.limiter.pause(d.waitMs);
        const seconds = Math.round(d.waitMs / 100) / 10;
        this.onRetry({ reason, attempt, seconds, path, error: error && describe(error) });
        await this.sleep(d.waitMs);
        if (this.stopped) throw new Abort(this.stopped);
        if (doubt) {
          // Asked after the wait: a request the server was still processing has landed by then.
          const settled = await check(reason);
          if (settled !== undefined) return settled;
        }
      }
    } finally {
      attempts.free();
    }
  }
}
