// The journal: one JSON object a line, appended as the run goes, so that an interrupted run
// resumes without sending a row twice.
//
//   {"journal":"loyalty-connector batch","version":1,"app_id":…,"base_url":…,"files":[{name,size,mtime,sha256,rows}]}
//   {"sending":"add_sale_points_by_uid","file":…,"line":…,"key":…,"uid":…,"nrofactura":…}   before a sale / a new customer
//   {"file":…,"line":…,"key":…,"entity":…,"outcome":"created",…}                            each finished row (Rust's JournalEntry)
//   {"resumed":"2019-03-12T…"}                                                               each resumption
//   {"end":…,"log":"posted"|"refused"|"skipped",…}                                           the end of a run
//
// Each line is written with one write(2) as it happens (a killed process loses nothing it
// wrote); the file is fdatasync'd in batches (every 256 lines or second, at the end). A line
// announcing a sale is durable before the sale is sent: writers wait for the next batch sync
// (group commit: one fdatasync for all the intents written meanwhile).
import { closeSync, createReadStream, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";

export const JOURNAL_KIND = "loyalty-connector batch";
export const JOURNAL_VERSION = 1;

/**
 * The journal's durable length is kept beside it (`<journal>.length`), rewritten after each sync:
 * a journal found shorter than that was restored from an older copy, and resuming from it would
 * send again rows that its lost lines record as sent.
 */
const lengthPath = (path) => `${path}.length`;

export class Journal {
  /** Opens `path` for appending (created if missing). */
  constructor(path, { syncEvery = 256, syncMs = 1000 } = {}) {
    this.path = path;
    this.fd = openSync(path, "a");
    this.bytes = fstatSync(this.fd).size;
    this.lengthFd = openSync(lengthPath(path), "w");
    this.durable(this.bytes);
    this.dirty = 0;
    this.syncEvery = syncEvery;
    this.syncing = false;
    this.again = false;
    this.waiting = [];
    this.timer = setInterval(() => this.dirty && this.sync(), syncMs);
    this.timer.unref();
  }

  /** Appends one line (the text, without its line break). */
  write(text) {
    const bytes = Buffer.from(text + "\n", "utf8");
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      e.path ??= this.path; // writes by descriptor do not name their file
      throw e;
    }
    this.bytes += bytes.length;
    this.dirty++;
    if (this.dirty >= this.syncEvery) this.sync();
  }

  /** Appends one line and resolves once it is on disk. */
  writeDurable(text) {
    this.write(text);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.sync();
    });
  }

  sync() {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    this.dirty = 0;
    const waiters = this.waiting.splice(0);
    const length = this.bytes;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (!err && this.lengthFd !== null) this.durable(length);
      for (const w of waiters) err ? w.reject(err) : w.resolve();
      if (this.again || this.waiting.length) {
        this.again = false;
        this.sync();
      }
    });
  }

  /** Records that the first `length` bytes are on disk (one fixed-width write in place). */
  durable(length) {
    writeSync(this.lengthFd, String(length).padStart(16) + "\n", 0);
  }

  /** Syncs and closes. */
  close() {
    clearInterval(this.timer);
    if (this.fd === null) return;
    try {
      fdatasyncSync(this.fd);
      this.durable(this.bytes);
    } finally {
      closeSync(this.fd);
      closeSync(this.lengthFd);
      this.fd = null;
      this.lengthFd = null;
    }
    for (const w of this.waiting.splice(0)) w.resolve();
  }
}

/**
 * Reads a journal for resuming: its header, its complete lines (text), whether it was cut in the
 * middle of a line (the cut part is removed from the file, so that new lines start clean), and
 * the end line of a run that finished.
 */
export function readJournal(path) {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    let recorded = NaN;
    try {
      recorded = Number(readFileSync(lengthPath(path), "utf8").trim());
    } catch {
      // No length beside it (a journal of an earlier version): nothing to compare.
    }
    if (Number.isSafeInteger(recorded) && size < recorded) {
      return { error: `it is ${size} bytes, shorter than the ${recorded} bytes the run made durable: restored from an older copy? Resuming would send again rows its lost lines record as sent; move it away (with ${lengthPath(path)}) to start over` };
    }
    let text = readFileSync(fd, "utf8");
    let cut = false;
    if (size > 0 && !text.endsWith("\n")) {
      const keep = text.lastIndexOf("\n") + 1;
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, keep), "utf8"));
      text = text.slice(0, keep);
      cut = true;
    }
    const first = text.slice(0, text.indexOf("\n"));
    let header;
    try {
      header = JSON.parse(first);
    } catch {}
    if (!header || header.journal !== JOURNAL_KIND) return { error: "its first line is not a loyalty-connector batch journal header" };
    if (header.version !== JOURNAL_VERSION) return { error: `it is version ${header.version}, this CLI writes version ${JOURNAL_VERSION}` };
    let end = null;
    let pos = text.length - 1;
    // The last line says whether the run finished.
    const lastStart = text.lastIndexOf("\n", pos - 1) + 1;
    const last = text.slice(lastStart, pos);
    if (last.startsWith('{"end"')) {
      try {
        end = JSON.parse(last);
      } catch {}
    }
    return { header, text, cut, end };
  } finally {
    closeSync(fd);
  }
}

/** `{ name, size, mtime, sha256 }` of a file, and its rows counted by `count(chunk)` / `finish()`. */
export async function fingerprint(path, name, scan) {
  const st = statSync(path);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk);
    scan?.feed(chunk);
  }
  const rows = scan ? scan.finish() : undefined;
  return { name, size: st.size, mtime: new Date(st.mtimeMs).toISOString(), sha256: hash.digest("hex"), rows };
}

/** Why the files differ from the journal's, or null. */
export function changedFiles(recorded, current) {
  const byName = new Map(recorded.map((f) => [f.name, f]));
  const problems = [];
  for (const f of current) {
    const r = byName.get(f.name);
    if (!r) problems.push(`${f.name} was not part of the interrupted run`);
    else if (r.size !== f.size) problems.push(`${f.name} changed size (${r.size} → ${f.size} bytes)`);
    else if (r.sha256 !== f.sha256) problems.push(`${f.name} changed content (same size, another SHA-256)`);
    byName.delete(f.name);
  }
  for (const name of byName.keys()) problems.push(`${name} was part of the interrupted run and is missing now`);
  return problems.length ? problems : null;
}
