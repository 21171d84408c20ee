// `loyalty-connector lootly sign | verify | widget`: the library's Lootly functions on the
// command line, for shell scripts and for checking a webhook by hand. The secret is read from
// the environment only (a command line is visible to other users) and never printed.
import { UsageError, parseArgs } from "./args.js";
import { lootly } from "./wasm.js";

export const SIGN_HELP = `Usage: loyalty-connector lootly sign [options] < payload.json

Signs a webhook payload as Lootly's server checks it: adds "key", sorts the top level as PHP's
ksort, encodes with PHP's json_encode and appends the HMAC-SHA256. Prints the body to POST.

  --api-key KEY      the merchant's API key              [env LOYALTY_LOOTLY_API_KEY]
  --output WHAT      body (default) | hmac | canonical | json ({canonical, hmac, body})
  -h, --help         this text
The secret comes from LOYALTY_LOOTLY_API_SECRET (never from the command line).
Exit codes: 0 signed; 1 the payload cannot be signed (not JSON, hmac or _url in it…); 2 usage.
`;

export const VERIFY_HELP = `Usage: loyalty-connector lootly verify < body.json

Checks a received webhook body (the exact bytes) as Lootly's server does: the "hmac" it carries
against the HMAC of the rest, with the secret from LOYALTY_LOOTLY_API_SECRET.

  --quiet            print nothing (the exit code says it)
  -h, --help         this text
Exit codes: 0 valid; 1 not valid; 2 usage (no secret in the environment).
`;

export const WIDGET_HELP = `Usage: loyalty-connector lootly widget --api-key KEY --shop-domain DOMAIN [--customer-id ID]

Prints the Lootly widget's div (every attribute escaped as PHP's htmlspecialchars does), with
data-shop-id = md5(domain + secret) and, for a logged-in customer, data-customer-signature.

  --api-key KEY        the merchant's API key            [env LOYALTY_LOOTLY_API_KEY]
  --shop-domain DOMAIN the shop domain exactly as registered with Lootly
  --customer-id ID     the logged-in customer's id (leave out when logged out)
  --script             print Lootly's script tag after the div
  -h, --help           this text
The secret comes from LOYALTY_LOOTLY_API_SECRET. Exit codes: 0 printed; 1 refused input; 2 usage.
`;

function secretOf(env) {
  const secret = env.LOYALTY_LOOTLY_API_SECRET;
  if (secret === undefined) throw new UsageError("LOYALTY_LOOTLY_API_SECRET is not set: the secret is read from the environment only");
  return secret;
}

function apiKeyOf(options, env) {
  const key = options["api-key"] ?? env.LOYALTY_LOOTLY_API_KEY;
  if (!key) throw new UsageError("--api-key (or LOYALTY_LOOTLY_API_KEY) is needed");
  return key;
}

async function readStdin(stdin) {
  const chunks = [];
  for await (const chunk of stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function signCommand(argv, io) {
  const { options, positionals } = parseArgs(argv, { "api-key": { type: "string" }, output: { type: "string" } });
  if (options.help) return io.stdout.write(SIGN_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: the payload is read from stdin`);
  const output = options.output ?? "body";
  if (!["body", "hmac", "canonical", "json"].includes(output)) throw new UsageError("--output must be body, hmac, canonical or json");
  const creds = { apiKey: apiKeyOf(options, io.env), apiSecret: secretOf(io.env) };
  const payload = (await readStdin(io.stdin)).toString("utf8");
  let signed;
  try {
    signed = lootly.sign(payload, creds);
  } catch (e) {
    io.stderr.write(`loyalty-connector lootly sign: ${e.message}\n`);
    return 1;
  }
  io.stdout.write((output === "json" ? JSON.stringify(signed) : signed[output]) + "\n");
  return 0;
}

export async function verifyCommand(argv, io) {
  const { options, positionals } = parseArgs(argv, { quiet: { type: "boolean" } });
  if (options.help) return io.stdout.write(VERIFY_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: the body is read from stdin`);
  const secret = secretOf(io.env);
  const body = await readStdin(io.stdin);
  const valid = lootly.verify(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), secret);
  if (!options.quiet) io.stdout.write(valid ? "valid\n" : "not valid\n");
  return valid ? 0 : 1;
}

export async function widgetCommand(argv, io) {
  const { options, positionals } = parseArgs(argv, {
    "api-key": { type: "string" },
    "shop-domain": { type: "string" },
    "customer-id": { type: "string" },
    script: { type: "boolean" },
  });
  if (options.help) return io.stdout.write(WIDGET_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (options["shop-domain"] === undefined) throw new UsageError("--shop-domain is needed");
  const input = { apiKey: apiKeyOf(options, io.env), apiSecret: secretOf(io.env), shopDomain: options["shop-domain"] };
  if (options["customer-id"] !== undefined) input.customerId = options["customer-id"];
  let html;
  try {
    const props = lootly.widgetProps(input);
    html = lootly.widgetHtml(props);
    if (options.script) html += "\n" + lootly.scriptTag(props.provider);
  } catch (e) {
    io.stderr.write(`loyalty-connector lootly widget: ${e.message}\n`);
    return 1;
  }
  io.stdout.write(html + "\n");
  return 0;
}
