// The journal's file: lines appended as the run goes (the Rust core writes and reads every
// line: src/batch/journal.rs), so that an interrupted run resumes without sending a row twice.
//
// Each line is written with one write(2) as it happens (a killed process loses nothing it
// wrote); the file is fdatasync'd in batches (every 256 lines or second, at the end). A line
// announcing a write that must happen once is durable before that write is sent: writers wait
// for the next batch sync (group commit: one fdatasync for all the intents written meanwhile).
import { closeSync, createReadStream, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";

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
    // What a killed run wrote may still be in memory only: on disk before it is recorded as such.
    fdatasyncSync(this.fd);
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
 * Reads a journal for resuming: its complete lines (text), its size on disk and the length the
 * run last made durable (the core refuses a journal shorter than that: restored from an older
 * copy). A line cut by the interruption is removed from the file, so that new lines start clean.
 */
export function readJournal(path) {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    let durable;
    try {
      const recorded = Number(readFileSync(lengthPath(path), "utf8").trim());
      if (Number.isSafeInteger(recorded)) durable = recorded;
    } catch {
      // No length beside it (a journal of an earlier version): nothing to compare.
    }
    let text = readFileSync(fd, "utf8");
    if (size > 0 && !text.endsWith("\n")) {
      const keep = text.lastIndexOf("\n") + 1;
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, keep), "utf8"));
      text = text.slice(0, keep);
    }
    return { text, size, durable };
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
