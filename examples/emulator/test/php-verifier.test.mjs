// The PHP verifier under `php -S`, and the Node emulator agreeing with it request for request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOTLY_KEY, LOOTLY_SECRET, TEST_CONFIG, call, guideOrder, phpSignedBodies, postJson, startEmulator } from './helpers.mjs';

const ROUTER = fileURLToPath(new URL('../php/lootly-verifier.php', import.meta.url));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startVerifier(t) {
  const dir = mkdtempSync(join(tmpdir(), 'lootly-verifier-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(TEST_CONFIG));
  const port = await freePort();
  const child = spawn('php', ['-S', `127.0.0.1:${port}`, ROUTER], {
    env: { ...process.env, LOOTLY_VERIFIER_CONFIG: configPath, LOOTLY_VERIFIER_LOG: join(dir, 'log.jsonl') },
    stdio: 'ignore',
  });
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await call(`${url}/_verifier/log`);
      return url;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('php -S did not start');
}

test('php -S with the verifier accepts a PHP-signed request and refuses a tampered one', async (t) => {
  const url = await startVerifier(t);
  const [body, keyVerify] = phpSignedBodies([[guideOrder(), LOOTLY_SECRET], [{ t: 1, key: LOOTLY_KEY }, LOOTLY_SECRET]]);
  const hook = (type, slug = 'common') => `${url}/integrations/webhooks/${slug}/${type}`;
  assert.equal((await postJson(hook('orders-completed'), body)).status, 200);
  assert.deepEqual(await postJson(hook('key-verify'), keyVerify).then((r) => [r.status, r.text]), [200, '[]']);
  const tampered = body.replace('"29.99"', '"2999.00"');
  const refused = await postJson(hook('orders-completed'), tampered, { accept: 'application/json' });
  assert.deepEqual([refused.status, refused.text], [401, '{"message":"Unauthenticated."}']);
  assert.equal((await postJson(hook('orders-completed', 'shopify'), body)).status, 500);
  assert.equal((await postJson(hook('orders-shipped'), body)).status, 201);
  const log = (await call(`${url}/_verifier/log`)).json;
  assert.deepEqual(log.map((e) => e.type), ['orders-completed', 'key-verify']);
  assert.equal(log[0].body, body);
});

test('the emulator and the PHP verifier give the same status for the same requests', async (t) => {
  const url = await startVerifier(t);
  const emu = await startEmulator();
  t.after(() => emu.close());
  const [signed] = phpSignedBodies([[guideOrder({ id: 'X/1' }, { first_name: 'Zoë 😀' }), LOOTLY_SECRET]]);
  const parsed = JSON.parse(signed);
  const requests = [
    ['common', 'orders-completed', '', signed, 'application/json'],
    ['common', 'orders-completed', '?a=1', signed, 'application/json'],
    ['common', 'orders-completed', '?hmac=zzz', signed, 'application/json'], // the body's hmac wins
    ['magento', 'orders-completed', '', JSON.stringify({ hmac: parsed.hmac, ...parsed }, null, 1), 'application/json'],
    ['common', 'orders-completed', '', JSON.stringify({ ...parsed, customer: { ...parsed.customer, id: '002' } }), 'application/json'],
    ['common', 'orders-completed', '', signed, 'text/plain'],
    ['common', 'orders-completed', '', signed.replace(/}$/, ',"extra":null}'), 'application/json'],
    ['common', 'orders-completed', '', '{"key":"test-key","hmac":"x"', 'application/json'],
    ['woocommerce', 'app-installed', '', signed, 'application/json'],
    ['nope', 'orders-completed', '', signed, 'application/json'],
  ];
  for (const [slug, type, query, body, contentType] of requests) {
    const path = `/integrations/webhooks/${slug}/${type}${query}`;
    const viaPhp = await postJson(`${url}${path}`, body, { 'content-type': contentType });
    const viaNode = await postJson(`${emu.url}${path}`, body, { 'content-type': contentType });
    assert.equal(viaNode.status, viaPhp.status, `${path} ${contentType} ${body.slice(0, 80)}`);
  }
});
