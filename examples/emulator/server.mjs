#!/usr/bin/env node
// The local emulator of Lootly and WoowUp (see README.md).
//
//   node examples/emulator/server.mjs [--port N] [--config file.json]
//
// prints exactly one line on stdout when it is ready: "emulator listening on http://127.0.0.1:PORT".
// As a module: `const emu = await start({ port: 0, config })` → { url, port, close(), state() }.
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnectors } from './connectors.mjs';
import { emptyConfig, mergeConfig } from './config.mjs';
import { createFaults } from './faults.mjs';
import { acceptRawUtf8, bodyForLog, jsonResponse, readBody, reason, splitTarget } from './http-util.mjs';
import { createLootly } from './lootly.mjs';
import { createWoowUp } from './woowup.mjs';
import { createWoowUpV3 } from './woowup-v3.mjs';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('./config.json', import.meta.url));
const HOST = '127.0.0.1';

export function loadConfigFile(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The emulator without its HTTP server: programs, faults, control API, request log. */
export function createEmulator(initialConfig) {
  const woowup = createWoowUp();
  const woowupV3 = createWoowUpV3();
  const programs = [createLootly(), woowup, woowupV3, createConnectors(woowup)];
  const faults = createFaults();
  let config = mergeConfig(emptyConfig(), { ...initialConfig, replace: true });
  let seq = 0;

  const reset = () => {
    seq = 0;
    programs.forEach((p) => p.reset(config));
    faults.reset();
  };
  reset();

  const state = () => ({
    ...Object.fromEntries(programs.map((p) => [p.name, p.state()])),
    faults: faults.get(),
  });

  function control(request) {
    const route = `${request.method} ${request.segments.slice(1).join('/')}`;
    const body = () => {
      try {
        return request.body.length ? JSON.parse(request.body.toString('utf8')) : {};
      } catch (e) {
        throw Object.assign(new Error(`the body must be JSON: ${e.message}`), { status: 400 });
      }
    };
    try {
      switch (route) {
        case 'GET state':
          return jsonResponse(200, state());
        case 'POST reset':
          reset();
          return jsonResponse(200, { ok: true });
        case 'GET faults':
          return jsonResponse(200, faults.get());
        case 'POST faults':
          return jsonResponse(200, faults.set(body()));
        case 'GET config':
          return jsonResponse(200, config);
        case 'POST config':
          config = mergeConfig(config, body());
          programs.forEach((p) => p.configure(config));
          return jsonResponse(200, config);
        case 'POST woowup-v3':
          return jsonResponse(200, woowupV3.control(body()));
        case 'GET health':
          return jsonResponse(200, { ok: true });
        default:
          return jsonResponse(404, { message: `no control endpoint ${route}` });
      }
    } catch (e) {
      if (e.status) return jsonResponse(e.status, { message: e.message, errors: e.errors ?? [e.message] });
      throw e;
    }
  }

  async function handle(request) {
    if (request.segments[0] === '_emulator') return control(request);
    if (request.pathname === '/') return jsonResponse(200, INDEX);
    const program = programs.find((p) => p.owns(request.segments));
    if (!program) return jsonResponse(404, { message: 'Not Found' });

    // API v3 shares WoowUp's fault settings (`programs: ["woowup"]`; pathPrefix "/apiv3" picks it alone).
    const { latencyMs, fault } = faults.decide(program.faultGroup ?? program.name, request.pathname);
    if (latencyMs) await sleep(latencyMs);
    let response;
    if (fault?.when === 'before') response = { ...faultResponse(fault), verdict: 'fault' };
    else {
      response = program.handle(request);
      if (fault) response = { ...faultResponse(fault), verdict: response.verdict, detail: response.detail };
    }
    // The handler's details sit among the fixed fields; no handler uses these field names.
    program.state().requests.push({
      seq: ++seq,
      at: new Date().toISOString(),
      method: request.method,
      path: request.pathname,
      query: request.rawQuery.toString('utf8'),
      status: response.status,
      verdict: response.verdict,
      ...(response.detail ?? {}),
      fault: fault ? { kind: fault.kind, status: fault.status, when: fault.when } : null,
      headers: request.headers,
      body: bodyForLog(request.body),
    });
    return response;
  }

  return { handle, state, reset, get config() { return config; } };
}

function faultResponse(fault) {
  const headers = { 'content-type': 'application/json' };
  if (fault.retryAfter !== null && fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const message = fault.status === 429 ? 'Too Many Attempts.' : reason(fault.status);
  return { status: fault.status, headers: { ...headers, 'x-emulator-fault': fault.kind }, body: fault.body ?? JSON.stringify({ message }) };
}

const INDEX = {
  name: 'loyalty-connector emulator',
  lootly: [
    'POST /integrations/webhooks/{common|custom-api|woocommerce|magento}/{type}',
    'GET /api/custom/customer/{customer_id}/point-balance?key&hmac',
    'GET /api/custom/customers/point-balance?key&customer_ids&hmac',
  ],
  woowup: ['GET|POST /apiv2/{app_id}/{endpoint}'],
  woowup_v3: ['GET|POST|PUT|DELETE /apiv3/{resource}… (Authorization: Basic {api_key})'],
  connectors: ['POST /v1/log', 'GET /v1/logs', 'GET /apiv3/stats'],
  control: ['GET /_emulator/state', 'POST /_emulator/reset', 'GET|POST /_emulator/faults', 'GET|POST /_emulator/config', 'POST /_emulator/woowup-v3', 'GET /_emulator/health'],
  docs: 'examples/emulator/README.md',
};

/**
 * Starts the emulator on 127.0.0.1. `config` is a config object or a path to a JSON file
 * (default: examples/emulator/config.json). Resolves once it listens.
 */
export async function start({ port = 0, config = DEFAULT_CONFIG_PATH, log = null } = {}) {
  const emulator = createEmulator(typeof config === 'string' ? loadConfigFile(config) : config);
  const server = http.createServer(async (req, res) => {
    let response;
    try {
      const { pathname, segments, rawQuery } = splitTarget(req.url);
      const body = await readBody(req);
      response = await emulator.handle({
        method: req.method, pathname, segments, rawQuery, headers: req.headers, body, ip: req.socket.remoteAddress,
      });
    } catch (e) {
      if (e.status === 413) response = jsonResponse(413, { message: 'Payload Too Large' });
      else {
        process.stderr.write(`emulator: ${e.stack}\n`);
        response = jsonResponse(500, { message: 'emulator error', error: e.message });
      }
    }
    log?.(`${req.method} ${req.url} → ${response.status}`);
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers);
    res.end(response.body);
  });
  // Request lines go through acceptRawUtf8 (raw UTF-8 in a query, as real servers accept it).
  const sockets = new Set();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    server.emit('connection', acceptRawUtf8(socket));
  });
  await new Promise((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, HOST, resolve);
  });
  const actualPort = front.address().port;
  return {
    url: `http://${HOST}:${actualPort}`,
    port: actualPort,
    state: emulator.state,
    reset: emulator.reset,
    close: () => new Promise((resolve) => {
      front.close(() => resolve());
      server.close();
      sockets.forEach((s) => s.destroy());
    }),
  };
}

function usage() {
  return 'usage: node examples/emulator/server.mjs [--port N] [--config file.json] [--verbose]\n' +
    '  --port N         port on 127.0.0.1 (default 8790; 0 picks a free one)\n' +
    '  --config FILE    merchants and apps (default examples/emulator/config.json)\n' +
    '  --verbose        one line per request on stderr\n';
}

async function main(argv) {
  const options = { port: 8790, config: DEFAULT_CONFIG_PATH, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' && /^\d+$/.test(argv[i + 1] ?? '')) options.port = Number(argv[++i]);
    else if (arg === '--config' && argv[i + 1]) options.config = argv[++i];
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--help' || arg === '-h') return process.stdout.write(usage());
    else {
      process.stderr.write(`emulator: unexpected argument ${arg}\n${usage()}`);
      process.exit(2);
    }
  }
  let emu;
  try {
    emu = await start({ port: options.port, config: options.config, log: options.verbose ? (l) => process.stderr.write(`${l}\n`) : null });
  } catch (e) {
    process.stderr.write(`emulator: ${e.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`emulator listening on ${emu.url}\n`);
  const stop = () => emu.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
