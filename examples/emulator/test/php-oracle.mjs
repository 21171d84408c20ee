// Runs real php-cli as the oracle: one process answers a whole batch of questions, one per line.
import { spawnSync } from 'node:child_process';
import { PhpArray, PhpBytes } from '../php.mjs';
import { mulberry32 } from '../random.mjs';

// Each input line is "op<TAB>base64(input)"; each output line is base64(result) or "!error".
const DRIVER = String.raw`
function out($s) { echo $s === false ? "!" . json_last_error_msg() : base64_encode($s), "\n"; }
while (($line = fgets(STDIN)) !== false) {
  [$op, $b64] = explode("\t", rtrim($line, "\n"), 2);
  $in = base64_decode($b64);
  switch ($op) {
    case 'canonical': // what Lootly's server signs: decode, drop hmac and _url, ksort, encode
      $v = json_decode($in, true);
      if ($v === null && json_last_error()) { echo "!", json_last_error_msg(), "\n"; break; }
      if (is_array($v)) { unset($v['hmac'], $v['_url']); ksort($v); }
      out(json_encode($v));
      break;
    case 'roundtrip':
      $v = json_decode($in, true);
      if ($v === null && json_last_error()) { echo "!", json_last_error_msg(), "\n"; break; }
      out(json_encode($v));
      break;
    case 'float': // 8 bytes, big-endian IEEE 754
      out(json_encode(unpack('E', $in)[1]));
      break;
    case 'ksort-keys': // a JSON list of key strings, inserted in order
      $a = [];
      foreach (json_decode($in) as $i => $k) { $a[$k] = $i; }
      ksort($a);
      out(json_encode(array_keys($a)));
      break;
    case 'parse_str':
      parse_str($in, $o);
      out(serialize($o));
      break;
    case 'sign': // the Lootly guide's client code: [params JSON, secret]
      [$params, $secret] = json_decode($in, true);
      ksort($params);
      $hmac = base64_encode(hash_hmac('sha256', json_encode($params), $secret, true));
      $params['hmac'] = $hmac;
      out(json_encode($params));
      break;
    case 'read-sign': // the read API: [key, customer_ids or null, secret]
      [$key, $ids, $secret] = json_decode($in, true);
      $signed = $ids === null ? ['key' => $key] : ['key' => $key, 'customer_ids' => $ids];
      out(base64_encode(hash_hmac('sha256', json_encode($signed), $secret, true)));
      break;
    case 'is_numeric':
      out(is_numeric($in) ? 'yes' : 'no');
      break;
    case 'email': // FILTER_VALIDATE_EMAIL
      out(filter_var($in, FILTER_VALIDATE_EMAIL) === false ? 'invalid' : 'valid');
      break;
    default:
      echo "!unknown op\n";
  }
}
`;

export function phpInstalled() {
  return spawnSync('php', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Asks php-cli every question in one process; returns one answer per question. */
export function askPhp(questions) {
  const input = questions.map(([op, data]) => `${op}\t${Buffer.from(data).toString('base64')}\n`).join('');
  const r = spawnSync('php', ['-d', 'error_reporting=0', '-d', 'memory_limit=512M', '-r', DRIVER], {
    input,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`php failed: ${r.stderr}`);
  const lines = r.stdout.toString('latin1').split('\n');
  lines.pop();
  if (lines.length !== questions.length) throw new Error(`php answered ${lines.length} of ${questions.length}`);
  return lines.map((l) => (l.startsWith('!') ? { error: l.slice(1) } : { bytes: Buffer.from(l, 'base64') }));
}

/** PHP's serialize() of a PHP value (strings and arrays are all parse_str produces). */
export function phpSerialize(v) {
  const parts = [];
  const str = (s) => {
    const b = s instanceof PhpBytes ? Buffer.from(s.bytes) : Buffer.from(s, 'utf8');
    parts.push(Buffer.from(`s:${b.length}:"`), b, Buffer.from('";'));
  };
  const walk = (x) => {
    if (x instanceof PhpArray) {
      parts.push(Buffer.from(`a:${x.size}:{`));
      for (const [k, val] of x) {
        if (typeof k === 'bigint') parts.push(Buffer.from(`i:${k};`));
        else str(k);
        walk(val);
      }
      parts.push(Buffer.from('}'));
    } else if (typeof x === 'string' || x instanceof PhpBytes) str(x);
    else if (typeof x === 'bigint') parts.push(Buffer.from(`i:${x};`));
    else throw new Error('not handled: ' + typeof x);
  };
  walk(v);
  return Buffer.concat(parts);
}

/** A seeded random source, so that a failing case can be replayed with the same seed. */
export function rng(seed) {
  const next = mulberry32(seed);
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  return { next, int, pick };
}
