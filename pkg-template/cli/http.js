// Sending: one pace for the whole run (WoowUp counts requests per account and minute),
// bounded time per request. What to send, what each answer means (retry and how long, in
// doubt, check, stop) and what to journal first is decided by the Rust core's tasks
// (BatchTask): this file only sends, sleeps, appends and reports.
import { BatchPacer } from "./wasm.js";

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
 * Runs the core's tasks: sends their requests at the limiter's pace with a bounded time each,
 * sleeps their waits, appends their journal lines. `counters` (requests sent, waits) are for
 * the progress display; `onNote(text)` is told about each retry.
 */
export class Sender {
  constructor({ limiter, timeoutMs, onNote }) {
    this.limiter = limiter;
    this.timeoutMs = timeoutMs;
    this.onNote = onNote ?? (() => {});
    this.inflight = new Set();
    this.sleepers = new Set();
    this.stopped = null;
    this.counters = { requests: 0, retries: 0 };
  }

  /** Cancels every request in flight; later tasks end at once. */
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

  /** One attempt: `{ status, headers, body }`, or throws the network error. */
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
      return { status: res.status, headers: [...res.headers], body };
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
   * Runs a core task (BatchTask) to its end: `{ journal }` is appended with
   * `journal.writeDurable` before going on, `{ send }` is sent when the pace allows and its
   * answer (or its loss) fed back, `{ wait }` is slept. Resolves `true` when the task is done,
   * `false` when the run stopped first (`stopping()`, or `stop()`): the task is then abandoned.
   */
  async drive(task, { journal, stopping } = {}) {
    for (;;) {
      const step = task.next();
      if (step.done) return true;
      if (step.journal !== undefined) {
        await journal.writeDurable(step.journal);
      } else if (step.wait !== undefined) {
        this.counters.retries++;
        if (step.paceAll) this.limiter.pause(step.wait);
        this.onNote(step.note);
        await this.sleep(step.wait);
        if (this.stopped) return false;
      } else {
        if (this.stopped || stopping?.()) return false;
        await this.limiter.take();
        let res;
        try {
          res = await this.attempt(step.send);
        } catch (e) {
          if (e instanceof Abort) return false;
          task.lost(e?.name === "TimeoutError" ? "timeout" : "network", describe(e), Date.now(), Math.random());
          continue;
        }
        task.feed(res.status, res.headers, res.body, Date.now(), Math.random());
      }
    }
  }
}
