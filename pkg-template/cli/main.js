#!/usr/bin/env node
// `loyalty-connector`: the package's command line (npx loyalty-connector …).
import { readFileSync } from "node:fs";
import { UsageError } from "./args.js";
import { ioErrorMessage } from "./io-error.js";

const HELP = `Usage: loyalty-connector <command> [options]

Commands:
  batch <dir | file>...  send one day's exported files to WoowUp and post the run's statistics
                         to WoowUp's connectors log (journal, resume, rate limit, retries)
  lootly sign            sign a webhook payload (JSON on stdin) as Lootly's server checks it
  lootly verify          check a received webhook body (stdin): exit 0 valid, 1 not
  lootly widget          the Lootly widget's div for a page
  woowup logs            list the records of WoowUp's connectors log
  help [command]         this text, or a command's

Run \`loyalty-connector <command> --help\` for a command's options.
Secrets come from the environment (LOYALTY_WOOWUP_API_KEY, LOYALTY_LOOTLY_API_SECRET) and are
never printed.
`;

const COMMANDS = {
  batch: async () => (await import("./batch.js")).batchCommand,
  "lootly sign": async () => (await import("./lootly.js")).signCommand,
  "lootly verify": async () => (await import("./lootly.js")).verifyCommand,
  "lootly widget": async () => (await import("./lootly.js")).widgetCommand,
  "woowup logs": async () => (await import("./woowup.js")).logsCommand,
};
const GROUPS = { lootly: ["sign", "verify", "widget"], woowup: ["logs"] };

function version() {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
}

async function main(argv) {
  const io = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  let [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    io.stdout.write(HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(version() + "\n");
    return 0;
  }
  if (first === "help") {
    if (!rest.length) {
      io.stdout.write(HELP);
      return 0;
    }
    [first, ...rest] = [...rest, "--help"];
  }
  let name = first;
  if (GROUPS[first]) {
    const sub = rest[0];
    if (!sub || sub === "--help" || sub === "-h") {
      io.stdout.write(`Usage: loyalty-connector ${first} <${GROUPS[first].join(" | ")}> [options]\n\nRun \`loyalty-connector ${first} <command> --help\` for a command's options.\n`);
      return sub ? 0 : 2;
    }
    name = `${first} ${sub}`;
    rest = rest.slice(1);
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`loyalty-connector: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`loyalty-connector ${name}: ${e.message}\nSee: loyalty-connector ${name} --help\n`);
      return 2;
    }
    if (e?.name === "SetupError" || e?.constructor?.name === "SetupError") {
      io.stderr.write(`loyalty-connector ${name}: ${e.message}\n`);
      return 2;
    }
    const ioError = ioErrorMessage(e);
    if (ioError) {
      io.stderr.write(`loyalty-connector ${name}: ${ioError}\nnothing is lost: make room, then run the same command with --resume\n`);
      return 3;
    }
    io.stderr.write(`loyalty-connector ${name}: internal error: ${e?.stack ?? e}\n`);
    return 3;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit once stdout has flushed (a pipe is written asynchronously), without waiting for idle
// keep-alive connections.
process.stdout.write("", () => process.exit(code));
