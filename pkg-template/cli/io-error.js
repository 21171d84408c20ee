// A file-system failure (a full disk, a read-only directory) as one line for the operator:
// which file, what happened, and that --resume continues. Never a stack trace.
const WHAT = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/**
 * The message of a system error from node:fs (`path`: the file, when the error does not name
 * it, as fsync's do not), or `undefined` for any other error.
 */
export function ioErrorMessage(e, path) {
  if (!e || typeof e.code !== "string" || typeof e.syscall !== "string") return undefined;
  const what = WHAT[e.code] ?? e.code;
  return `cannot ${e.syscall} ${e.path ?? path ?? "a file"}: ${what}`;
}
