// Command-line arguments: `--name value`, `--name=value`, boolean `--flag`, `--` ending the
// options, `-h` for `--help`. Every option is declared; an unknown one is a usage error (exit 2),
// so that a typo never silently changes what a run sends.

/** A mistake in how the command was called: printed with a hint at --help, exit code 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * `spec`: `{ name: { type: "string" | "boolean", multiple? } }`. Returns `{ options, positionals }`;
 * booleans are `true` when given, strings are the last value (or every value with `multiple`).
 */
export function parseArgs(argv, spec) {
  const options = {};
  const positionals = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      options.help = true;
      continue;
    }
    if (!arg.startsWith("--") || arg === "--") {
      if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const def = name === "help" ? { type: "boolean" } : spec[name];
    if (!def) throw new UsageError(`unknown option --${name}`);
    if (def.type === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`--${name} needs a value`);
    if (def.multiple) (options[name] ??= []).push(value);
    else options[name] = value;
  }
  return { options, positionals };
}

/** A whole number in [min, max] from an option's text. */
export function integerOption(name, text, min, max) {
  if (!/^\d+$/.test(String(text).trim())) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return n;
}

/** `--rate`: `120`, `120/min`, `2/s` or `7200/h`: requests per minute. */
export function rateOption(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(String(text));
  if (!m) throw new UsageError(`--rate must be requests per minute (120, 120/min, 2/s), got ${JSON.stringify(text)}`);
  const per = { s: 60, sec: 60, second: 60, h: 1 / 60, hour: 1 / 60 }[(m[2] ?? "min").toLowerCase()] ?? 1;
  const rate = Number(m[1]) * per;
  if (!(rate > 0)) throw new UsageError("--rate must be more than 0");
  return rate;
}

/** A LoyaltyError about a setting, in the words of the command line (`base_url` → `--base-url`). */
export function optionMessage(e) {
  const field = e.field && { salePoints: "sale-points", rule: "points-rule", appId: "app-id", apiKey: "api-key" }[e.field];
  const option = e.field ? "--" + (field ?? e.field.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()).replaceAll("_", "-")) : null;
  const message = e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
  return option ? `${option}: ${message}` : message;
}
