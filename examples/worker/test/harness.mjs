// Starts and stops what an end-to-end run needs, on 127.0.0.1 only: the emulator, the PHP
// verifier under `php -S`, and the Worker under `wrangler dev` with a fresh local state; signs
// events as a shop would, with the `standardwebhooks` library. Used by the tests and `make demo`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EMULATOR = process.env.EMULATOR_SERVER ?? join(ROOT, 'examples/emulator/server.mjs');
export const EMULATOR_CONFIG = join(EMULATOR, '../config.json');
export const VERIFIER = join(EMULATOR, '../php/lootly-verifier.php');
const TOOLS = join(ROOT, 'examples/worker/node_modules/.bin');
const WRANGLER = join(TOOLS, 'wrangler');
/** wrangler's environment: it runs on the Node next to it (package.json's `node`, 22.12 or later). */
export const wranglerEnv = () => ({ ...process.env, PATH: `${TOOLS}${delimiter}${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', CI: 'true' });

/** The shop's signing secret in tests and the demo (the standard's published example key). */
export const SHOP_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The emulator's demo merchant (examples/emulator/config.json). */
export const LOOTLY_KEY = 'demo-lootly-key';
export const LOOTLY_SECRET = 'demo-lootly-secret';
export const WOOWUP_APP_ID = '14';
export const WOOWUP_KEY = 'demo-woowup-key';

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Everything started, stopped in reverse order by `stopAll` (also on SIGINT/SIGTERM). */
export class Processes {
  constructor() {
    this.children = [];
    this.cleanups = [];
  }

  /** Each child leads its own process group, so that stopping it stops what it started too
   * (`php -S` forks workers; wrangler starts workerd). */
  spawn(name, command, args, options = {}) {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
    child.name = name;
    child.output = '';
    const keep = (chunk) => {
      child.output = (child.output + chunk).slice(-4_000_000);
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.children.push(child);
    return child;
  }

  onStop(fn) {
    this.cleanups.push(fn);
  }

  async stopAll() {
    for (const child of this.children.reverse()) {
      const signal = (name) => {
        try {
          process.kill(-child.pid, name); // the child's process group
        } catch {
          // already gone
        }
      };
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        signal('SIGTERM');
        const timedOut = sleep(5000).then(() => 'timeout');
        if ((await Promise.race([exited, timedOut])) === 'timeout') signal('SIGKILL');
      }
      signal('SIGKILL'); // whatever the group leader left behind
    }
    this.children = [];
    for (const fn of this.cleanups.reverse()) fn();
    this.cleanups = [];
  }
}

async function waitFor(what, child, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${child.output.slice(-4000)}`);
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms:\n${child.output.slice(-4000)}`);
}

/** The emulator (`examples/emulator/server.mjs`) on a free port. */
export async function startEmulator(procs, { config = EMULATOR_CONFIG } = {}) {
  const port = await freePort();
  const child = procs.spawn('emulator', process.execPath, [EMULATOR, '--port', String(port), '--config', config]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the emulator', child, async () => child.output.includes('emulator listening on'), 15_000);
  const control = async (method, path, body) => {
    const r = await fetch(`${url}/_emulator/${path}`, { method, body: body && JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (!r.ok) throw new Error(`emulator ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return {
    url,
    state: () => control('GET', 'state'),
    faults: (spec) => control('POST', 'faults', spec),
    reset: () => control('POST', 'reset'),
  };
}

/** Lootly's signature check in real PHP (`php -S` with the emulator's verifier script). */
export async function startVerifier(procs) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lootly-verifier-'));
  procs.onStop(() => rmSync(dir, { recursive: true, force: true }));
  const child = procs.spawn('php-verifier', 'php', ['-S', `127.0.0.1:${port}`, VERIFIER], {
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4', LOOTLY_VERIFIER_CONFIG: EMULATOR_CONFIG, LOOTLY_VERIFIER_LOG: join(dir, 'log.jsonl') },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('php -S', child, async () => (await fetch(`${url}/_verifier/log`)).ok, 15_000);
  return { url, log: async () => (await fetch(`${url}/_verifier/log`)).json() };
}

/**
 * The Worker under `wrangler dev` on a free port, its Durable Objects and queues in a fresh
 * directory, or in `state` (a restart on the state of a Worker that was killed). `vars` override
 * wrangler.toml's vars and give the secrets (as .dev.vars would). `kill()` ends it with SIGKILL,
 * as a crash would: nothing in memory (queue messages, requests in flight) survives.
 */
export async function startWorker(procs, vars, { state } = {}) {
  // A free inspector port too: the default one is taken by any other wrangler dev on the machine.
  const [port, inspectorPort] = [await freePort(), await freePort()];
  if (!state) {
    state = mkdtempSync(join(tmpdir(), 'worker-state-'));
    const dir = state;
    procs.onStop(() => rmSync(dir, { recursive: true, force: true }));
  }
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false'];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child = procs.spawn('wrangler', WRANGLER, args, { env: wranglerEnv() });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('wrangler dev', child, async () => (await fetch(`${url}/`)).status === 404, 120_000);
  const kill = async () => {
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  };
  return { url, child, state, kill, shop: new Shop(url) };
}

/** The Worker's settings that point every destination at the emulator (or the verifier). */
export function workerVars({ lootly, woowup, destinations = 'lootly', extra = {} }) {
  return {
    WEBHOOK_SECRETS: SHOP_SECRET,
    DESTINATIONS: destinations,
    LOOTLY_BASE_URL: lootly,
    LOOTLY_API_KEY: LOOTLY_KEY,
    LOOTLY_API_SECRET: LOOTLY_SECRET,
    ...(woowup ? { WOOWUP_BASE_URL: `${woowup}/apiv2`, WOOWUP_APP_ID, WOOWUP_API_KEY: WOOWUP_KEY } : {}),
    ...extra,
  };
}

/** A shop: signs with Standard Webhooks and posts events or asks for their status. */
export class Shop {
  constructor(url, secret = SHOP_SECRET) {
    this.url = url;
    this.webhook = new Webhook(secret);
    this.sent = 0;
  }

  headers(body, { id = `msg_${++this.sent}_${Date.now()}`, at = new Date() } = {}) {
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(id, at, body),
    };
  }

  /**
   * POSTs `event` (an object, or text sent as is) to `/v1/{endpoint}`; `{ status, body }`. Like
   * any Standard Webhooks sender it retries a 503 (a fresh signature each time); `retried` counts
   * those. (Under load, `wrangler dev`'s proxy sometimes answers a POST with 503 "Your worker
   * restarted mid-request": a retried post is safe, the Worker dedups it.)
   */
  async post(endpoint, event, options = {}) {
    const body = typeof event === 'string' ? event : JSON.stringify(event);
    for (let attempt = 1; ; attempt++) {
      const headers = { ...this.headers(body, options), ...(options.headers ?? {}) };
      const r = await fetch(`${this.url}/v1/${endpoint}`, { method: 'POST', body, headers });
      const text = await r.text();
      if (r.status === 503 && attempt < 5) {
        this.retried = (this.retried ?? 0) + 1;
        await sleep(200 * attempt);
        continue;
      }
      try {
        return { status: r.status, body: text ? JSON.parse(text) : null };
      } catch {
        throw new Error(`POST /v1/${endpoint} answered ${r.status} with ${text.slice(0, 500)}`);
      }
    }
  }

  /** A request without an event body, signed over `{METHOD} {path}` (README: Authentication). */
  async call(method, path, options = {}) {
    const signed = options.signed ?? `${method} ${path}`;
    const r = await fetch(`${this.url}${path}`, { method, headers: { ...this.headers(signed, options), ...(options.headers ?? {}) } });
    return { status: r.status, body: await r.json() };
  }

  async status(id, options = {}) {
    return this.call('GET', `/v1/events/${id}`, options);
  }

  /** The operator's list of dead letters. */
  async deadLetters(options = {}) {
    return this.call('GET', '/v1/dead-letters', options);
  }

  /** The operator replays an event's failed deliveries. */
  async replay(id, options = {}) {
    return this.call('POST', `/v1/events/${id}/replay`, options);
  }
}

/** The endpoint of an event kind. */
export const ENDPOINT = { order: 'orders', refund: 'refunds', cancellation: 'cancellations' };

/** The event id the Worker gives an event (README: "Event ids"), computed independently. */
export function eventId(kind, event) {
  const sha = (text) => createHash('sha256').update(text.normalize('NFC'), 'utf8').digest('hex');
  const identity = { order: `order\n${event.status}`, refund: `refund\n${event.refund_id}`, cancellation: 'cancellation' }[kind];
  return `evt_${sha(`ledger\n${event.order_id}`).slice(0, 24)}${sha(`${event.order_id}\n${identity}`).slice(0, 16)}`;
}

/** The sample events of examples/data/events, in file order: `{ file, kind, event }`. */
export function sampleEvents() {
  const dir = join(ROOT, 'examples/data/events');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const kind = file.match(/^\d+-(order|refund|cancellation)-/)?.[1];
      if (!kind) throw new Error(`${file}: name it NN-order|refund|cancellation-….json`);
      return { file, kind, event: JSON.parse(readFileSync(join(dir, file), 'utf8')) };
    });
}

/** Polls `GET /v1/events/{id}` until every destination of every event is final. */
export async function waitUntilSettled(shop, ids, { timeoutMs = 300_000, concurrency = 25 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const final = new Map();
  let pending = [...ids];
  while (pending.length) {
    if (Date.now() > deadline) throw new Error(`${pending.length} events still pending, e.g. ${JSON.stringify((await shop.status(pending[0])).body)}`);
    const still = [];
    for (let i = 0; i < pending.length; i += concurrency) {
      const views = await Promise.all(pending.slice(i, i + concurrency).map((id) => shop.status(id)));
      views.forEach((v, j) => {
        const id = pending[i + j];
        const done = v.status === 200 && Object.values(v.body.destinations).every((d) => d.state !== 'pending');
        if (done) final.set(id, v.body);
        else still.push(id);
      });
    }
    pending = still;
    if (pending.length) await sleep(500);
  }
  return final;
}

export function writeDevVars(vars) {
  const path = join(ROOT, '.dev.vars');
  writeFileSync(path, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n');
  return path;
}
