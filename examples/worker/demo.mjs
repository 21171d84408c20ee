// `make demo`: the emulator and the Worker under `wrangler dev` on 127.0.0.1, the sample events of
// examples/data/events signed and posted as a shop would, then what Lootly and WoowUp received and
// each customer's points. Everything started here is stopped on exit, Ctrl-C included.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ENDPOINT, LOOTLY_KEY, LOOTLY_SECRET, Processes, ROOT, SHOP_SECRET, WOOWUP_APP_ID, WOOWUP_KEY,
  sampleEvents, startEmulator, startWorker, waitUntilSettled, writeDevVars,
} from './test/harness.mjs';

const procs = new Processes();
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await procs.stopAll();
  process.exit(code);
};
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));

const line = (text = '') => console.log(text);
const pad = (text, n) => String(text).padEnd(n);

async function main() {
  line('▸ starting the emulator (Lootly + WoowUp) …');
  const emulator = await startEmulator(procs);
  line(`  ${emulator.url}`);

  // The secrets go to .dev.vars, as for any local wrangler run (an existing one is put back after).
  const devVars = join(ROOT, '.dev.vars');
  const backup = `${devVars}.before-demo`;
  if (existsSync(devVars)) renameSync(devVars, backup);
  procs.onStop(() => (existsSync(backup) ? renameSync(backup, devVars) : rmSync(devVars, { force: true })));
  writeDevVars({
    WEBHOOK_SECRETS: SHOP_SECRET,
    LOOTLY_API_KEY: LOOTLY_KEY,
    LOOTLY_API_SECRET: LOOTLY_SECRET,
    WOOWUP_APP_ID,
    WOOWUP_API_KEY: WOOWUP_KEY,
  });
  line('▸ starting the Worker under wrangler dev …');
  const worker = await startWorker(procs, {
    DESTINATIONS: 'lootly,woowup',
    LOOTLY_BASE_URL: emulator.url,
    WOOWUP_BASE_URL: `${emulator.url}/apiv2`,
    WOOWUP_UNKNOWN_CUSTOMER: 'initialize',
    RETRY_BASE_SECONDS: '1',
  });
  line(`  ${worker.url}`);

  line();
  line('▸ the shop posts its events (Standard Webhooks signatures):');
  const ids = [];
  for (const { file, kind, event } of sampleEvents()) {
    const r = await worker.shop.post(ENDPOINT[kind], event);
    line(`  POST /v1/${pad(ENDPOINT[kind], 14)} ${pad(file, 36)} → ${r.status} ${r.body.id ?? JSON.stringify(r.body)}`);
    if (r.body.id) ids.push({ id: r.body.id, file });
  }
  const first = sampleEvents()[0];
  const again = await worker.shop.post(ENDPOINT[first.kind], first.event);
  line(`  POST /v1/${pad(ENDPOINT[first.kind], 14)} ${pad(first.file + ' (again)', 36)} → ${again.status} ${again.body.status}`);
  const bad = await worker.shop.post('orders', { ...first.event, customer: { ...first.event.customer, email: 'not-an-email' } });
  line(`  POST /v1/orders         ${pad('(a bad email)', 36)} → ${bad.status} ${JSON.stringify(bad.body)}`);

  line();
  line('▸ delivery, per event and destination (GET /v1/events/{id}):');
  const views = await waitUntilSettled(worker.shop, ids.map((e) => e.id), { timeoutMs: 120_000 });
  for (const { id, file } of ids) {
    const view = views.get(id);
    for (const [name, d] of Object.entries(view.destinations)) {
      line(`  ${pad(file, 36)} ${pad(name, 7)} ${pad(d.state, 10)} ${d.attempts} attempt(s)  ${d.reason ?? ''}`);
    }
  }

  const state = await emulator.state();
  line();
  line('▸ what Lootly received:');
  for (const r of state.lootly.requests) {
    const body = JSON.parse(r.body);
    line(`  ${r.status} ${pad(r.type, 17)} id=${pad(body.id, 16)} ${r.verdict}/${r.outcome ?? '-'}`);
  }
  line('  the first body, byte for byte as PHP writes it:');
  line(`  ${state.lootly.requests[0]?.body}`);
  line();
  line('▸ what WoowUp received:');
  for (const r of state.woowup.requests) line(`  ${r.status} ${pad(r.method, 4)} ${pad(r.endpoint ?? r.path, 24)} ${r.verdict}`);
  line();
  line('▸ points:');
  line('  Lootly');
  for (const c of state.lootly.customers) line(`    ${pad(c.email, 28)} ${pad(`${c.first_name ?? ''} ${c.last_name ?? ''}`, 26)} ${c.points} points`);
  line('  WoowUp');
  for (const u of state.woowup.users) line(`    ${pad(u.email, 28)} ${pad(`${u.first_name} ${u.last_name}`, 26)} ${u.points} points`);
  line();
  line('▸ stopping the emulator and wrangler dev');
}

main().then(() => stop(0), async (e) => {
  console.error(`demo failed: ${e.stack ?? e}`);
  await stop(1);
});

