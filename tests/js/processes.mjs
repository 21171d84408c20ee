// Helpers for the drivers that start a server for a test (wrangler dev, a static file server):
// a free port, a child process in its own group (stopped whole), and waiting until it answers.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts `command` in its own process group; `stop()` ends the group, `log()` is its output. */
export function startGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    child,
    exited,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signal = (name) => {
        try {
          process.kill(-child.pid, name);
        } catch {}
      };
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `url` answers 200; fails early if `server` exits, or after `ms`. */
export async function waitForHttp(url, ms, server) {
  const deadline = Date.now() + ms;
  let exitCode;
  server.exited.then((code) => (exitCode = code ?? "signal"));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before answering:\n${server.log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms:\n${server.log()}`);
}
