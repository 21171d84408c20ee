// `loyalty-connector woowup logs`: the records of WoowUp's connectors log (GET /v1/logs), to
// check what a batch run posted.
import { UsageError, integerOption, optionMessage, parseArgs } from "./args.js";
import { Limiter, Sender } from "./http.js";
import { batchLogsTask, batchReadLogs } from "./wasm.js";

export const LOGS_HELP = `Usage: loyalty-connector woowup logs [options]

Lists the records of WoowUp's connectors log (GET /v1/logs), newest first: files, processing
time, and per entity created / updated / failed (purchases: revenue and items).

  --entity E            only records with customers | purchases | products | branches
  --page N              page, from 0 (default 0)
  --limit N             records a page (WoowUp's default 25)
  --from YYYY-MM-DD     processing date from
  --to YYYY-MM-DD       processing date to
  --json                print the records as JSON (one array)
  --api-key KEY         WoowUp API key                    [env LOYALTY_WOOWUP_API_KEY]
  --connectors-url URL  default https://connectors.woowup.com
  -h, --help            this text
Exit codes: 0 listed; 1 WoowUp refused or did not answer; 2 usage.
`;

const SPEC = {
  entity: { type: "string" },
  page: { type: "string" },
  limit: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  json: { type: "boolean" },
  "api-key": { type: "string" },
  "connectors-url": { type: "string" },
};

export async function logsCommand(argv, io) {
  const { options: o, positionals } = parseArgs(argv, SPEC);
  if (o.help) return io.stdout.write(LOGS_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const apiKey = o["api-key"] ?? io.env.LOYALTY_WOOWUP_API_KEY;
  if (!apiKey) throw new UsageError("LOYALTY_WOOWUP_API_KEY (or --api-key) is needed");
  if (o.page) integerOption("page", o.page, 0, 1e9);
  if (o.limit) integerOption("limit", o.limit, 1, 1e6);
  const query = { apiKey, connectorsUrl: o["connectors-url"], entity: o.entity, page: o.page, limit: o.limit, from: o.from, to: o.to };
  for (const k of Object.keys(query)) if (query[k] === undefined) delete query[k];
  let task;
  try {
    task = batchLogsTask(query);
  } catch (e) {
    throw new UsageError(optionMessage(e));
  }
  const sender = new Sender({ limiter: new Limiter(120), timeoutMs: 30000 });
  let records;
  try {
    await sender.drive(task);
    const res = task.answer();
    records = JSON.parse(batchReadLogs(res.status, res.body));
  } catch (e) {
    io.stderr.write(`loyalty-connector woowup logs: ${e.message}\n`);
    return 1;
  } finally {
    sender.stop("done");
    task.free();
  }
  if (o.json) {
    io.stdout.write(JSON.stringify(records, null, 2) + "\n");
    return 0;
  }
  if (!records.length) io.stdout.write("no records\n");
  for (const r of records) {
    io.stdout.write(`${r.processingtime ?? "?"}  (recorded ${r.createtime ?? "?"})  ${r.files.join(", ")}\n`);
    for (const [entity, c] of Object.entries(r.stats)) {
      const extra = entity === "purchases" ? `   revenue ${c.revenue ?? "?"}, ${c.invoice_items ?? "?"} items` : "";
      const failed = c.failed == null ? "" : ` ${String(c.failed).padStart(7)} failed`;
      io.stdout.write(`  ${entity.padEnd(10)} ${String(c.created).padStart(7)} created ${String(c.updated).padStart(7)} updated${failed}${extra}\n`);
    }
  }
  return 0;
}
