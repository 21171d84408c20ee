// The control API and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { APP_ID, call, control, startEmulator, state } from './helpers.mjs';
import { DEFAULT_CONFIG_PATH, loadConfigFile, start } from '../server.mjs';

const SERVER = fileURLToPath(new URL('../server.mjs', import.meta.url));

test('config: merchants and apps are added or replaced by key; reset restores the current config', async (t) => {
  const emu = await startEmulator();
  t.after(() => emu.close());
  const r = await control(emu, 'config', {
    lootly: { merchants: [{ api_key: 'k2', api_secret: 's2', reward_status: 'any' }] },
    woowup: { apps: [{ app_id: 77, api_key: 'w77', contest_sale_points: 0, users: [{ uid: 'z@z.co', points: 3 }] }] },
  });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.lootly.merchants.map((m) => m.api_key), ['test-key', 'xxx', 'paid-key', 'k2']);
  assert.equal(r.json.woowup.apps.find((a) => a.app_id === '77').users[0].email, 'z@z.co');
  const user = await call(`${emu.url}/apiv2/77/user_by_uid?uid=z@z.co`, { headers: { username: '77', apikey: 'w77' } });
  assert.equal(user.json.data.user.points, '3');
  assert.equal((await control(emu, 'config', { woowup: { apps: [{ app_id: '' }] } })).status, 400);
  assert.equal((await control(emu, 'config', { lootly: { merchants: [{ api_key: 'a', api_secret: 'b', reward_status: 'sometimes' }] } })).status, 400);
  assert.equal((await control(emu, 'config', { shopify: {} })).status, 400);

  await call(`${emu.url}/apiv2/77/add_points_by_uid`, {
    method: 'POST', headers: { username: '77', apikey: 'w77', 'content-type': 'application/x-www-form-urlencoded' }, body: 'userapp_id=z%40z.co&points=5',
  });
  assert.equal((await state(emu)).woowup.users.find((u) => u.uid === 'z@z.co').points, 8);
  await control(emu, 'reset');
  const s = await state(emu);
  assert.equal(s.woowup.users.find((u) => u.uid === 'z@z.co').points, 3);
  assert.deepEqual(s.woowup.requests, []);
  assert.deepEqual(Object.keys(s), ['lootly', 'woowup', 'woowup_v3', 'connectors', 'faults']);

  const replaced = await control(emu, 'config', { replace: true, woowup: { apps: [{ app_id: APP_ID, api_key: 'only' }] } });
  assert.deepEqual([replaced.json.lootly.merchants.length, replaced.json.woowup.apps.length], [0, 1]);
});

test('unknown paths answer 404; the index lists the endpoints; start() uses the default config', async (t) => {
  const emu = await start({ port: 0 });
  t.after(() => emu.close());
  assert.equal((await call(`${emu.url}/nowhere`)).status, 404);
  assert.equal((await call(`${emu.url}/_emulator/nothing`)).status, 404);
  assert.ok((await call(`${emu.url}/`)).json.control.includes('GET /_emulator/state'));
  const config = (await call(`${emu.url}/_emulator/config`)).json;
  assert.deepEqual(config.lootly.merchants, loadConfigFile(DEFAULT_CONFIG_PATH).lootly.merchants.map((m) => ({ ...m })));
  assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
});

test('the command line prints exactly one ready line, serves, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--config', DEFAULT_CONFIG_PATH], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  try {
    while (!out.includes('\n')) await once(child.stdout, 'data');
    assert.match(out, /^emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = out.trim().split(' ').pop();
    assert.deepEqual((await call(`${url}/_emulator/health`)).json, { ok: true });
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.equal(out.split('\n').length, 2); // one line, nothing after it
});

test('the command line refuses unknown arguments and a missing config file', async () => {
  for (const args of [['--bogus'], ['--config', '/nonexistent/config.json', '--port', '0']]) {
    const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [code] = await once(child, 'exit');
    assert.notEqual(code, 0, args.join(' '));
  }
});
