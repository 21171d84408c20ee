// `loyalty-connector batch`: the end-of-day run (docs/batch.md). The Rust core reads the files,
// plans each row's requests, reads WoowUp's answers and counts; this module sends: a pool of
// workers per file, one rate limit, retries, the journal, the failures file, the log.
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError, integerOption, optionMessage, parseArgs, rateOption } from "./args.js";
import { Limiter, Sender } from "./http.js";
import { Journal, fingerprint, readJournal } from "./journal.js";
import { Progress, formatDuration, int } from "./progress.js";
import { BatchRun, BatchScan, batchCheckIso8601, batchCheckMapping, batchIso8601, batchOrderFiles } from "./wasm.js";
import { FailuresFile } from "./failures.js";
import { ioErrorMessage } from "./io-error.js";
import { lockRun } from "./lock.js";

export const BATCH_HELP = `Usage: loyalty-connector batch [options] <dir | file>...

Sends one day's exported files to WoowUp (API v2, or API v3 with --api v3), customers first,
then products, branches and purchases, and posts the run's statistics: to WoowUp's connectors
log (POST /v1/log) on v2, as the account's integration stats (POST /integration-stats) on v3.
Files: customers-, products-, branches-, purchases-YYYY_MM_DD.csv; a directory stands for those
in it. Formats and what each row becomes: docs/batch.md.

API:
  --api v2|v3            v2 (default): admin.woowup.com/apiv2, app id and key;
                         v3: api.woowup.com/apiv3, the key only; every file's rows are sent
  --rate-limit N         v3: the account's requests a minute (default 140, WoowUp's limit), spent
                         evenly and never past it; WoowUp's Retry-After and x-rate-limit-* obeyed
  --on-duplicate M       v3: a purchase whose invoice is already recorded: update (default: PUT
                         with the row's body) | keep
Credentials (never printed):
  --app-id ID            WoowUp program id (v2 only)       [env LOYALTY_WOOWUP_APP_ID]
  --api-key KEY          WoowUp API key                    [env LOYALTY_WOOWUP_API_KEY]
                         prefer the environment: other users can see a command line
Where (for an emulator or a proxy):
  --base-url URL         API v2          (default https://admin.woowup.com/apiv2)
                         v3: API v3      (default https://api.woowup.com/apiv3)
  --api-url URL          apiv3/stats     (default https://api.woowup.com)
  --connectors-url URL   connectors log  (default https://connectors.woowup.com)
                         with --base-url, give --api-url and --connectors-url too
Rows:
  --mapping FILE         column mapping JSON (other header names, delimiter, decimal comma)
  --sale-points N        points per currency unit (default: GET contest_sale_points)
  --points-rule RULE     ceil_of_floored_total (default) | ceil_of_total | unrounded
  --unknown-customer M   a purchase whose customer WoowUp does not know:
                         skip (default: the row fails) | initialize (initialize_user, then the sale;
                         v3: POST /users, then the purchase)
  --direct-uid           purchases with customer_uid go straight to add_sale_points_by_uid, one
                         request instead of two (the uid must be WoowUp's service_uid)
Sending:
  --concurrency N        requests in flight (default 4; v3 32, the pacer spacing them; at most 64)
  --rate N[/min|/s]      requests a minute, all endpoints together (default 120; WoowUp allows 140)
  --max-retries N        per request, on 502, 503 and network errors (default 5); a 429 is
                         retried as WoowUp says (Retry-After) for up to 15 minutes a request
  --timeout SECONDS      per request (default 30)
Journal and results:
  --journal FILE         default .loyalty-batch/<date>.journal.jsonl
  --resume               continue the run that journal records: finished rows are skipped and
                         counted, failed rows tried again; refused if a file changed
  --failures FILE        failed rows, one JSON object a line ({file, line, key, entity, reason, code});
                         a name ending in .csv gets CSV; default .loyalty-batch/<date>.failures.jsonl
  --dry-run              send nothing: print each row's first request as a JSON line (credentials
                         redacted), then the log request; needs --sale-points for purchases
  --no-log               do not post the statistics to the connectors log
  --processing-time ISO  the log's processingtime (default: the end of the run, UTC)
  --no-progress          no progress bar (on a terminal) or progress lines (otherwise)
  -h, --help             this text

Before sending, the run prints an estimate of its duration from --rate (v3: --rate-limit).
Exit codes: 0 every row created or updated, log posted; 1 the run completed but some rows failed
(see the failures file), log posted; 2 usage or setup error, nothing sent; 3 aborted (interrupted,
credentials refused, network down after retries, or the log refused: run again with --resume; or the
log in doubt: check whether it arrived, it is never sent twice).
`;

const SPEC = {
  api: { type: "string" },
  "rate-limit": { type: "string" },
  "on-duplicate": { type: "string" },
  "app-id": { type: "string" },
  "api-key": { type: "string" },
  "base-url": { type: "string" },
  "api-url": { type: "string" },
  "connectors-url": { type: "string" },
  mapping: { type: "string" },
  "sale-points": { type: "string" },
  "points-rule": { type: "string" },
  "unknown-customer": { type: "string" },
  "direct-uid": { type: "boolean" },
  concurrency: { type: "string" },
  rate: { type: "string" },
  "max-retries": { type: "string" },
  timeout: { type: "string" },
  journal: { type: "string" },
  resume: { type: "boolean" },
  failures: { type: "string" },
  "dry-run": { type: "boolean" },
  "no-log": { type: "boolean" },
  "processing-time": { type: "string" },
  "no-progress": { type: "boolean" },
};

const DAY_FILE = /^(customers|purchases|products|branches)[-_].*\.csv$/i;
const DATE = /(\d{4}[_-]\d{2}[_-]\d{2})/;
/** Setup problems: nothing was sent; exit 2. */
class SetupError extends Error {
  constructor(message) {
    super(message);
    this.name = "SetupError";
  }
}

function listFiles(args) {
  const files = [];
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch {
      throw new UsageError(`${arg}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const names = readdirSync(arg).filter((n) => DAY_FILE.test(n)).sort();
      if (!names.length) throw new UsageError(`${arg}: no customers-, purchases-, products- or branches-….csv file in it`);
      for (const n of names) files.push({ path: resolve(arg, n), name: n });
    } else {
      files.push({ path: resolve(arg), name: basename(arg) });
    }
  }
  const seen = new Map();
  for (const f of files) {
    if (seen.has(f.name)) throw new UsageError(`two files named ${f.name} (${seen.get(f.name)} and ${f.path}): rows are identified by file name`);
    seen.set(f.name, f.path);
  }
  const dates = new Set(files.map((f) => DATE.exec(f.name)?.[1]).filter(Boolean));
  if (dates.size > 1) throw new UsageError(`the files are of several days (${[...dates].join(", ")}): run one day at a time`);
  return { files, date: [...dates][0] ?? "batch" };
}

/** API v3's settings: the key, the base URL (statistics go to the same API). */
function settingsOfV3(o, env) {
  for (const v2only of ["app-id", "api-url", "connectors-url", "sale-points", "points-rule", "direct-uid", "rate"]) {
    if (o[v2only] !== undefined) throw new UsageError(`--${v2only} is an API v2 option (--api v3 sends purchases as they are, paced by --rate-limit)`);
  }
  const apiKey = o["api-key"] ?? env.LOYALTY_WOOWUP_API_KEY;
  if (!o["dry-run"] && !apiKey) throw new UsageError("WoowUp API key missing: LOYALTY_WOOWUP_API_KEY (or --api-key)");
  const unknown = o["unknown-customer"];
  if (unknown && !["skip", "initialize", "create"].includes(unknown)) throw new UsageError("--unknown-customer must be skip or initialize");
  const onDuplicate = o["on-duplicate"];
  if (onDuplicate && !["update", "keep"].includes(onDuplicate)) throw new UsageError("--on-duplicate must be update or keep");
  const settings = { apiKey: apiKey || "dry-run", baseUrl: o["base-url"], unknownCustomer: unknown, onDuplicate };
  for (const k of Object.keys(settings)) if (settings[k] === undefined) delete settings[k];
  return settings;
}

function settingsOf(o, env) {
  const dryRun = !!o["dry-run"];
  const appId = o["app-id"] ?? env.LOYALTY_WOOWUP_APP_ID;
  const apiKey = o["api-key"] ?? env.LOYALTY_WOOWUP_API_KEY;
  if (!dryRun && (!appId || !apiKey)) {
    throw new UsageError("WoowUp credentials missing: --app-id (or LOYALTY_WOOWUP_APP_ID) and LOYALTY_WOOWUP_API_KEY (or --api-key)");
  }
  if (o["base-url"] && !(o["api-url"] && (o["connectors-url"] || o["no-log"]))) {
    throw new UsageError("--base-url given: give --api-url and --connectors-url too (or --no-log), so that statistics of a run elsewhere never reach WoowUp's production log");
  }
  const settings = {
    appId: appId || "APP_ID",
    apiKey: apiKey || "dry-run",
    baseUrl: o["base-url"],
    apiUrl: o["api-url"],
    connectorsUrl: o["connectors-url"],
    salePoints: o["sale-points"],
    rule: o["points-rule"],
    unknownCustomer: o["unknown-customer"],
    directUid: o["direct-uid"] ? "true" : undefined,
  };
  if (settings.unknownCustomer && !["skip", "initialize"].includes(settings.unknownCustomer)) {
    throw new UsageError("--unknown-customer must be skip or initialize");
  }
  if (settings.rule && !["ceil_of_floored_total", "ceil_of_total", "unrounded"].includes(settings.rule)) {
    throw new UsageError("--points-rule must be ceil_of_floored_total, ceil_of_total or unrounded");
  }
  for (const k of Object.keys(settings)) if (settings[k] === undefined) delete settings[k];
  return settings;
}

function defaultPath(date, kind) {
  return join(".loyalty-batch", `${date}.${kind}.jsonl`);
}

function ensureDir(path) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
}

/** Pulls jobs out of one file's stream; one reader at a time (workers share it). */
class JobSource {
  constructor(file, path) {
    this.file = file;
    this.stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    this.chunks = this.stream[Symbol.asyncIterator]();
    this.ended = false;
    this.lock = Promise.resolve();
  }

  next() {
    const p = this.lock.then(() => this.pull());
    this.lock = p.catch(() => {});
    return p;
  }

  async pull() {
    for (;;) {
      const job = this.file.next();
      if (job) return job;
      if (this.ended) return null;
      const { value, done } = await this.chunks.next();
      if (done) {
        this.file.finish();
        this.ended = true;
      } else {
        this.file.feed(value);
      }
    }
  }

  close() {
    this.stream.destroy();
    this.file.free();
  }
}

function plural(n, one, many = one + "s") {
  return `${int(n)} ${n === 1 ? one : many}`;
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** Runs the command; resolves to the exit code. `io`: { argv, env, stdout, stderr }. */
export async function batchCommand(argv, io) {
  const { options: o, positionals } = parseArgs(argv, SPEC);
  if (o.help) {
    io.stdout.write(BATCH_HELP);
    return 0;
  }
  if (!positionals.length) throw new UsageError("no files: give the day's directory or its files");
  const err = io.stderr;
  const say = (text) => err.write(text + "\n");

  // 1. Everything that can be checked without sending: a mistake here sends nothing.
  const api = o.api ?? "v2";
  if (!["v2", "v3"].includes(api)) throw new UsageError("--api must be v2 or v3");
  const v3 = api === "v3";
  if (!v3 && (o["rate-limit"] !== undefined || o["on-duplicate"] !== undefined)) {
    throw new UsageError(`--${o["rate-limit"] !== undefined ? "rate-limit" : "on-duplicate"} needs --api v3 (API v2 is paced by --rate)`);
  }
  const settings = v3 ? settingsOfV3(o, io.env) : settingsOf(o, io.env);
  const dryRun = !!o["dry-run"];
  const concurrency = o.concurrency ? integerOption("concurrency", o.concurrency, 1, 64) : v3 ? 32 : 4;
  const rate = v3 ? (o["rate-limit"] ? integerOption("rate-limit", o["rate-limit"], 1, 1000000) : 140) : o.rate ? rateOption(o.rate) : 120;
  const maxRetries = o["max-retries"] ? integerOption("max-retries", o["max-retries"], 0, 20) : 5;
  const timeoutMs = (o.timeout ? integerOption("timeout", o.timeout, 1, 3600) : 30) * 1000;
  if (o["processing-time"]) {
    try {
      batchCheckIso8601(o["processing-time"]);
    } catch (e) {
      throw new UsageError(`--processing-time: ${e.message}`);
    }
  }
  const { files, date } = listFiles(positionals);
  let ordered;
  try {
    ordered = batchOrderFiles(files.map((f) => f.name));
  } catch (e) {
    throw new UsageError(e.message);
  }
  const pathOf = new Map(files.map((f) => [f.name, f.path]));
  if (o.mapping) {
    let text;
    try {
      text = readFileSync(o.mapping, "utf8");
    } catch (e) {
      throw new UsageError(`--mapping ${o.mapping}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
    }
    try {
      batchCheckMapping(text);
    } catch (e) {
      throw new UsageError(`--mapping ${o.mapping}: ${e.message}`);
    }
    settings.mapping = text;
  }
  const entities = new Set(ordered.map(([e]) => e));
  if (!v3 && dryRun && entities.has("purchases") && settings.salePoints === undefined) {
    throw new UsageError("--dry-run sends nothing, not even GET contest_sale_points: give --sale-points");
  }
  settings.maxRetries = String(maxRetries);
  try {
    new BatchRun(api, settings, []).free(); // the settings, checked before anything is read
  } catch (e) {
    throw new UsageError(optionMessage(e));
  }
  const journalPath = o.journal ?? defaultPath(date, "journal");
  const failuresPath = o.failures ?? defaultPath(date, "failures");
  if (!dryRun) {
    // One run of a journal at a time, taken before the journal is even looked at; released
    // when the process exits, however it ends (a SIGKILL leaves it to the next run's pid check).
    ensureDir(journalPath);
    process.once("exit", lockRun(journalPath));
    if (existsSync(journalPath) && !o.resume) {
      throw new UsageError(`${journalPath} holds an earlier run of these files: continue it with --resume, or move it away to start over`);
    }
    if (o.resume && !existsSync(journalPath)) throw new UsageError(`--resume: no journal at ${journalPath}`);
  }

  // 2. The files: size, SHA-256 and rows (one read each, streamed).
  say(`files, in processing order:`);
  const prints = [];
  for (const [entity, name] of ordered) {
    let scan;
    try {
      scan = new BatchScan(name, settings.mapping);
    } catch (e) {
      throw new UsageError(`${name}: ${e.message}`);
    }
    const fp = await fingerprint(pathOf.get(name), name, scan);
    scan.free();
    prints.push(fp);
    say(`  ${name.padEnd(32)} ${plural(fp.rows, entity === "purchases" ? "purchase" : "row").padStart(18)}  ${sizeText(fp.size)}`);
  }
  const run = new BatchRun(api, settings, prints);
  let resuming = false;
  if (o.resume && !dryRun) {
    const { text, size, durable } = readJournal(journalPath);
    let r;
    try {
      r = run.resume(text, size, durable);
    } catch (e) {
      throw new SetupError(`--resume refused: ${e.message.replace(/^journal: /, "")}\n(${journalPath}) move it away, with ${journalPath}.length, to start a new run`);
    }
    if (r.posted) {
      say(`${journalPath}: this run finished on ${r.posted} and its log was posted: nothing to do`);
      return 0;
    }
    resuming = true;
    say(`resuming ${journalPath}: ${plural(r.done, "row")} finished by the earlier run${r.inDoubt ? `, ${plural(r.inDoubt, "row")} in doubt (settled before they are sent again)` : ""}`);
  }

  // 3. The estimate, from the rate.
  const [low, high] = run.estimate();
  const total = prints.reduce((s, f) => s + f.rows, 0);
  const span = (n) => formatDuration((n / rate) * 60);
  if (!dryRun) {
    const range = high > low && span(high) !== span(low);
    say(v3
      ? `estimate: ${int(low)}${high > low ? `–${int(high)}` : ""} requests at WoowUp's limit of ${int(rate)}/min, spent evenly: ${range ? `${span(low)} – ${span(high)}` : `about ${span(high)}`}`
      : `estimate: ${int(low)}${high > low ? `–${int(high)}` : ""} requests at ${int(rate)}/min: ${range ? `${span(low)} – ${span(high)}` : `about ${span(high)}`} (more if WoowUp answers 429)`);
  }

  if (dryRun) return dryRunFiles({ run, ordered, pathOf, io, processingTime: o["processing-time"] });

  // 4. Setup reads (API v2: the sale points when purchases are sent and none given, the branches).
  const limiter = new Limiter(rate);
  let lastNote = -Infinity;
  let progress = null;
  const sender = new Sender({
    limiter,
    timeoutMs,
    onNote: (note) => {
      const t = performance.now();
      if (t - lastNote < 5000) return;
      lastNote = t;
      (progress ? (t) => progress.say(t) : say)(`  ${note} (later retries are counted, not shown)`);
    },
  });
  for (const task of run.setup()) {
    await sender.drive(task);
    try {
      say(run.finishSetup(task));
    } catch (e) {
      sender.stop("setup");
      say(`error: ${e.message}`);
      return e.code === "network_error" ? 3 : 2;
    }
  }

  // 5. The journal and the failures file.
  ensureDir(journalPath);
  ensureDir(failuresPath);
  const journal = new Journal(journalPath);
  journal.write(resuming ? run.resumed(new Date().toISOString()) : run.header(new Date().toISOString()));
  const failures = new FailuresFile(failuresPath);

  // 6. The rows, file after file (purchases need the customers of the same day).
  progress = new Progress({ stream: err, total, sender, tty: !!err.isTTY, enabled: !o["no-progress"], limitPerMinute: v3 ? rate : undefined });
  const state = { stopping: false, abort: null };
  const stopWith = (reason) => {
    if (!state.abort) state.abort = reason;
    state.stopping = true;
    sender.stop(reason);
  };
  let interrupts = 0;
  let graceTimer = null;
  const onSignal = (signal) => {
    interrupts++;
    state.stopping = true;
    state.abort ??= `interrupted (${signal})`;
    if (interrupts === 1) {
      progress.say(`${signal}: finishing the requests in flight (10 s at most; again to stop now)`);
      graceTimer = setTimeout(() => stopWith(`interrupted (${signal})`), 10000);
    } else {
      stopWith(`interrupted (${signal})`);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const handle = async (job) => {
    if (job.isFileError) {
      failures.write(job.failureLine());
      progress.say(job.problem);
      job.free();
      return;
    }
    const task = run.start(job);
    if (!task) {
      progress.skip();
      return;
    }
    if (!(await sender.drive(task, { journal, stopping: () => state.stopping }))) {
      run.abandon(task); // not journaled: a resumed run does this row again
      return;
    }
    const f = run.finish(task);
    if (f.stop) {
      stopWith(f.stop);
      return;
    }
    journal.write(f.journal);
    if (f.failure) failures.write(f.failure);
    progress.row(f.outcome);
  };

  const worker = async (source) => {
    while (!state.stopping) {
      const job = await source.next();
      if (!job) return;
      await handle(job);
    }
  };

  const started = performance.now();
  try {
    for (const [, name] of ordered) {
      if (state.stopping) break;
      const source = new JobSource(run.open(name), pathOf.get(name));
      try {
        const results = await Promise.allSettled(Array.from({ length: concurrency }, () => worker(source)));
        for (const r of results) {
          if (r.status === "rejected") {
            const e = r.reason;
            stopWith(ioErrorMessage(e) ?? `${name}: ${e?.stack ?? e}`);
          }
        }
      } finally {
        source.close();
      }
    }
  } finally {
    clearTimeout(graceTimer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.stop();
  }
  const elapsed = (performance.now() - started) / 1000;

  // 7. The log, the end line, the summary.
  let log = { log: "skipped" };
  if (!state.abort && !o["no-log"]) {
    const task = run.log(o["processing-time"] ?? batchIso8601(Math.floor(Date.now() / 1000)));
    // One request, finished even after a signal; cut off by a second one while it was on its
    // way: no end line, so that the resumed run finds it in doubt.
    if (await sender.drive(task, { journal })) log = run.finishLog(task);
    else state.abort ??= "interrupted while the log was sent";
  }
  // Durable: a run killed after this line never sends the log again.
  if (!state.abort) await journal.writeDurable(run.end(new Date().toISOString(), log.log, log.error, elapsed));
  for (const file of [journal, failures]) {
    try {
      file.close();
    } catch (e) {
      // A disk that filled up at the end: the rows are done, but their record may not be.
      const message = ioErrorMessage(e, file.path);
      if (!message) throw e;
      state.abort ??= message;
    }
  }
  limiter.close();

  const { totals, counters } = JSON.parse(run.progress());
  run.free();
  say("");
  for (const [entity] of ordered.filter(([e], i, a) => a.findIndex(([x]) => x === e) === i)) {
    const t = totals[entity];
    say(`${entity.padEnd(10)} ${int(t.created).padStart(8)} created ${int(t.updated).padStart(8)} updated ${int(t.failed).padStart(8)} failed${entity === "purchases" ? `   revenue ${totals.revenue}` : ""}`);
  }
  const retryText = Object.entries(counters.retries_by_reason).map(([k, v]) => `${k}: ${v}`).join(", ");
  say(`${plural(counters.requests, "request")} in ${formatDuration(elapsed)}, ${plural(counters.retries, "retry", "retries")}${retryText ? ` (${retryText})` : ""}${counters.landed ? `, ${counters.landed} found already in WoowUp (not sent again)` : ""}`);
  const failed = ["customers", "purchases", "products", "branches"].reduce((s, e) => s + totals[e].failed, 0);
  say(`journal: ${journalPath}`);
  if (failed || failures.count) say(`failures: ${failuresPath} (${plural(failures.count, "line")})`);
  if (state.abort) {
    say(`stopped: ${state.abort}`);
    say(`nothing is lost: run the same command with --resume to continue`);
    return 3;
  }
  const logName = v3 ? "integration stats" : "connectors log";
  if (log.log === "posted") say(`${logName}: posted`);
  else if (log.log === "skipped") say(`${logName}: not posted (--no-log)`);
  else if (log.log === "in_doubt") {
    say(`${logName}: in doubt: ${log.error}`);
    say(v3 ? `check the account's integration stats in WoowUp: it is never sent twice` : `check with \`loyalty-connector woowup logs\` whether it arrived: it is never sent twice`);
    return 3;
  } else {
    say(`${logName}: refused: ${log.error}`);
    say(`every row is done; run the same command with --resume to post the log`);
    return 3;
  }
  return failed ? 1 : 0;
}

/** --dry-run: one JSON line per row on stdout, the log request last. */
async function dryRunFiles({ run, ordered, pathOf, io, processingTime }) {
  let lines = 0;
  let failed = 0;
  let out = [];
  const flush = async () => {
    if (!out.length) return;
    const text = out.join("");
    out = [];
    if (!io.stdout.write(text)) await new Promise((r) => io.stdout.once("drain", r));
  };
  for (const [, name] of ordered) {
    const source = new JobSource(run.open(name), pathOf.get(name));
    try {
      for (let job; (job = await source.next()); ) {
        try {
          if (job.isFileError) {
            io.stderr.write(`${job.problem}\n`);
            continue;
          }
          const row = run.dryRun(job);
          out.push(row.lines + "\n");
          if (row.outcome === "failed") failed++;
          if (++lines % 1000 === 0) await flush();
        } finally {
          job.free();
        }
      }
    } finally {
      source.close();
    }
  }
  out.push(run.dryRunLog(processingTime ?? batchIso8601(Math.floor(Date.now() / 1000))) + "\n");
  await flush();
  io.stderr.write(`dry run: ${plural(lines, "row")}, ${int(failed)} failing before anything is sent; the last line is the log request (statistics as if every request succeeded); nothing was sent\n`);
  return failed ? 1 : 0;
}

export { SetupError };
