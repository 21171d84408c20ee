// Timing that survives a noisy machine: contenders run in rounds, each round in a rotated
// order, and each result is a ratio to the reference *within the same round*; the reported
// ratio is the median of those per-round ratios. Absolute times are printed for orientation
// only and never asserted.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";

const now = () => process.hrtime.bigint();

/** ns per call of a synchronous fn(i), over a batch of about `ms` milliseconds. */
export function timeSync(fn, ms) {
  let n = 1;
  for (;;) {
    // Calibrate: grow the batch until it takes at least a tenth of the target.
    const t0 = now();
    for (let i = 0; i < n; i++) fn(i);
    const dt = Number(now() - t0) / 1e6;
    if (dt >= ms / 10) {
      const iters = Math.max(n, Math.round((n * ms) / dt));
      const t1 = now();
      for (let i = 0; i < iters; i++) fn(i);
      return Number(now() - t1) / iters;
    }
    n *= 4;
  }
}

/** The same for an async fn(i), awaited one call at a time. */
export async function timeAsync(fn, ms) {
  let n = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < n; i++) await fn(i);
    const dt = Number(now() - t0) / 1e6;
    if (dt >= ms / 10) {
      const iters = Math.max(n, Math.round((n * ms) / dt));
      const t1 = now();
      for (let i = 0; i < iters; i++) await fn(i);
      return Number(now() - t1) / iters;
    }
    n *= 4;
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs contenders `{ name, time: async () => nsPerOp }` for `rounds` rounds (rotating who goes
 * first) and returns `{ name, ns, ratio }` per contender: `ns` the median ns/op, `ratio` the
 * median over rounds of (its ns / the reference's ns in that round). Higher ratio = slower
 * than the reference.
 */
export async function race(contenders, reference, rounds) {
  const times = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      times.get(c.name).push(await c.time());
    }
  }
  const ref = times.get(reference);
  return contenders.map((c) => {
    const t = times.get(c.name);
    return { name: c.name, ns: median(t), ratio: ref ? median(t.map((x, r) => x / ref[r])) : null };
  });
}

/** A contender that is another process timing itself: it prints JSON with `ns_per_op`. */
export function processTimer(cmd, args, opts = {}) {
  return () => {
    const out = execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24, ...opts });
    return JSON.parse(out.trim().split("\n").pop());
  };
}

/** The machine's state, recorded next to every result. */
export function machine() {
  return { loadavg: loadavg().map((x) => +x.toFixed(2)), node: process.version, platform: `${process.platform}-${process.arch}` };
}
