// One run at a time per journal: `<journal>.lock`, created exclusively before anything is read
// or sent, holding the owner's pid. A lock whose process is gone (a run killed with SIGKILL) is
// taken over; a live one refuses the second run with the owner's pid and start time.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

/** Thrown when another live run holds the lock. */
export class Locked extends Error {
  constructor(message) {
    super(message);
    this.name = "SetupError";
  }
}

function alive(pid) {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM"; // it exists, owned by another user
  }
}

/** Takes the lock of `journalPath`; returns a function that releases it. */
export function lockRun(journalPath) {
  const path = `${journalPath}.lock`;
  for (let tries = 0; ; tries++) {
    let fd;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if (e.code !== "EEXIST" || tries > 2) throw e;
      let owner = {};
      try {
        owner = JSON.parse(readFileSync(path, "utf8"));
      } catch {
        // Being written by its owner this very moment, or cut short by a crash: look again.
      }
      if (alive(owner.pid)) {
        throw new Locked(`another run of this journal is in progress (pid ${owner.pid}, started ${owner.started}): ${journalPath}\nwait for it to end; if it is gone, remove ${path}`);
      }
      if (owner.pid !== undefined || tries > 0) {
        try {
          unlinkSync(path); // its owner is gone
        } catch (u) {
          if (u.code !== "ENOENT") throw u;
        }
      }
      continue;
    }
    const text = JSON.stringify({ pid: process.pid, started: new Date().toISOString() });
    writeSync(fd, text);
    closeSync(fd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    };
  }
}
