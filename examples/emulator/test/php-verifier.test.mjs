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
import { generators } from './generators.mjs';
import { rng } from './php-oracle.mjs';
import { canonicalText, payloadOf } from '../lootly.mjs';
import { hmacBase64 } from '../http-util.mjs';

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

test('the emulator and the PHP verifier agree on generated requests: JSON and form bodies, query strings', async (t) => {
  const url = await startVerifier(t);
  const emu = await startEmulator();
  t.after(() => emu.close());
  const r = rng(Number(process.env.PHP_DIFF_SEED ?? 20240611) + 9);
  const g = generators(r);
  const names = ['a', 'b', 'key', 'hmac', '_url', 'a.b', 'a b', 'a[', 'a[b]', 'a[]', 'a[0]', 'x[y][z]', '12', 'é', 'total_price'];
  const values = ['', '1', 'x+y', 'x%20y', '%', '%zz', 'é', '%C3%A9', '%FF', 'a=b', '10.50', LOOTLY_KEY];
  const randomQuery = () => (r.int(3) ? '' : Array.from({ length: 1 + r.int(3) }, () => `${r.pick(names)}=${r.pick(values)}`).join('&'));
  const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'text/plain'];
  let accepted = 0;
  for (let i = 0; i < 250; i++) {
    const target = new URL(`${emu.url}/integrations/webhooks/${r.pick(['common', 'custom-api'])}/${r.pick(['orders-completed', 'key-verify', 'nope'])}`);
    target.search = randomQuery();
    const rawQuery = Buffer.from(target.search.slice(1), 'latin1');
    let contentType;
    let unsigned;
    let append;
    if (r.int(4)) {
      contentType = r.pick(jsonTypes);
      const object = g.object(1, r.int(8));
      unsigned = object === '{}' || /^\{\s*\}$/.test(object) ? `{"key":"${LOOTLY_KEY}"}` : `{"key":"${LOOTLY_KEY}",${object.replace(/^\{/, '')}`;
      append = (h) => unsigned.replace(/\}\s*$/, `,"hmac":${JSON.stringify(h)}}`);
    } else {
      contentType = 'application/x-www-form-urlencoded';
      const fields = Array.from({ length: r.int(5) }, () => `${r.pick(names)}=${r.pick(values)}`);
      unsigned = [`key=${LOOTLY_KEY}`, ...fields].join('&');
      append = (h) => `${unsigned}&hmac=${encodeURIComponent(h)}`;
    }
    const request = { headers: { 'content-type': contentType }, body: Buffer.from(unsigned), rawQuery };
    let hmac = hmacBase64(canonicalText(payloadOf(request)), LOOTLY_SECRET);
    if (r.int(10) === 0) hmac = hmac.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const body = append(hmac);
    const headers = { 'content-type': contentType, accept: r.pick(['application/json', 'text/html']) };
    const viaNode = await call(target.href, { method: 'POST', headers, body });
    const viaPhp = await call(`${url}${target.pathname}${target.search}`, { method: 'POST', headers, body });
    assert.deepEqual([viaNode.status, viaNode.text], [viaPhp.status, viaPhp.status === 401 && headers.accept === 'text/html' ? viaNode.text : viaPhp.text],
      `${target.pathname}${target.search} ${contentType}\n${body}`);
    if (viaNode.status !== 401) accepted++;
  }
  assert.ok(accepted > 100, `only ${accepted} requests were accepted: the generator signs too few`);
});
