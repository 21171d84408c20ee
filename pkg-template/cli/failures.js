// The failures file: every row that failed in this run (and every problem with a file itself),
// written as it happens. JSON lines `{file, line, key, entity, reason, code}`; CSV with the same
// columns when the name ends in `.csv`. A resumed run retries the failed rows, so each run
// starts the file anew: at the end it lists the day's failures.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

const COLUMNS = ["file", "line", "key", "entity", "reason", "code"];

function csvField(value) {
  const s = value == null ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export class FailuresFile {
  constructor(path) {
    this.path = path;
    this.csv = /\.csv$/i.test(path);
    this.fd = openSync(path, "w");
    this.count = 0;
    if (this.csv) this.put(COLUMNS.join(",") + "\r\n");
  }

  put(text) {
    const bytes = Buffer.from(text, "utf8");
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      e.path ??= this.path; // writes by descriptor do not name their file
      throw e;
    }
  }

  /** One failure, as the JSON line the core writes. */
  write(jsonLine) {
    this.count++;
    if (!this.csv) return this.put(jsonLine + "\n");
    const f = JSON.parse(jsonLine);
    this.put(COLUMNS.map((c) => csvField(f[c])).join(",") + "\r\n");
  }

  close() {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
