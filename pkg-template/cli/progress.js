// Progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds when
// the output goes to a file or a pipe. Rate and ETA come from the last minute of the run.

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return "?";
  seconds = Math.max(0, Math.round(seconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}

export const int = (n) => Math.round(n).toLocaleString("en-US");

export class Progress {
  /**
   * `total`: rows of the whole run; `sender`: its counters give requests and retries;
   * `tty`: redraw in place; `intervalMs`: how often a plain line is printed.
   */
  constructor({ stream, total, sender, tty, intervalMs = 10000, enabled = true, limitPerMinute }) {
    // API v3: the ETA the rate limit implies (rows left × requests a row so far ÷ the limit).
    this.limitPerMinute = limitPerMinute;
    this.stream = stream;
    this.total = total;
    this.sender = sender;
    this.tty = tty;
    this.enabled = enabled;
    this.done = 0;
    this.failed = 0;
    this.skipped = 0;
    this.started = performance.now();
    this.samples = [];
    this.drawn = false;
    this.lastPlain = performance.now();
    this.intervalMs = intervalMs;
    if (enabled) {
      this.timer = setInterval(() => this.tick(), tty ? 250 : Math.min(intervalMs, 1000));
      this.timer.unref();
    }
  }

  row(outcome) {
    this.done++;
    if (outcome === "failed") this.failed++;
  }

  skip() {
    this.done++;
    this.skipped++;
  }

  /** Rows and requests a minute over the last 60 s, and the ETA. */
  rates() {
    const t = performance.now();
    const requests = this.sender?.counters.requests ?? 0;
    const sent = this.done - this.skipped;
    this.samples.push({ t, sent, requests });
    while (this.samples.length > 2 && t - this.samples[0].t > 60000) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 60000;
    const rowsPerMin = dt > 0 ? (sent - first.sent) / dt : 0;
    const reqPerMin = dt > 0 ? (requests - first.requests) / dt : 0;
    let eta = rowsPerMin > 0 ? ((this.total - this.done) / rowsPerMin) * 60 : Infinity;
    if (this.limitPerMinute) {
      const perRow = sent > 0 ? requests / sent : 1;
      eta = (((this.total - this.done) * perRow) / this.limitPerMinute) * 60;
    }
    return { rowsPerMin, reqPerMin, eta };
  }

  line(width, final = false) {
    let { reqPerMin, eta } = this.rates();
    if (final) {
      const minutes = (performance.now() - this.started) / 60000;
      reqPerMin = minutes > 0 ? (this.sender?.counters.requests ?? 0) / minutes : 0;
    }
    const pct = this.total ? Math.min(100, (this.done / this.total) * 100) : 100;
    const c = this.sender?.counters ?? { retries: 0 };
    const tail = `${pct.toFixed(0).padStart(3)}% ${int(this.done)}/${int(this.total)} rows · ${int(reqPerMin)} req/min · ETA ${this.done >= this.total ? "0 s" : formatDuration(eta)} · ${int(this.failed)} failed · ${int(c.retries)} retries`;
    if (!width) return `progress: ${tail}`;
    const barWidth = Math.max(10, Math.min(40, width - tail.length - 4));
    const filled = Math.round((pct / 100) * barWidth);
    return `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${tail}`.slice(0, width - 1);
  }

  tick() {
    if (!this.enabled) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[K${this.line(this.stream.columns || 100)}`);
      this.drawn = true;
    } else if (performance.now() - this.lastPlain >= this.intervalMs) {
      this.lastPlain = performance.now();
      this.stream.write(this.line(0) + "\n");
    }
  }

  /** Prints a message above the bar. */
  say(text) {
    if (this.tty && this.drawn) this.stream.write("\r\x1b[K");
    this.stream.write(text + "\n");
    if (this.tty && this.drawn) this.tick();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    if (!this.enabled) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[K${this.line(this.stream.columns || 100, true)}\n`);
    } else {
      this.stream.write(this.line(0, true) + "\n");
    }
    this.enabled = false;
  }
}
