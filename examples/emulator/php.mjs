// PHP's view of request data, written independently of the Rust core so that each checks the other.
//
// What a PHP server does with what it receives, byte for byte as PHP 8.2 does it:
//   jsonDecode(text)      json_decode($text, true): objects become arrays, "12" keys become ints,
//                         a repeated key keeps its first position and its last value, integers
//                         beyond 64 bits become floats, nesting deeper than 511 is refused.
//   jsonEncode(value)     json_encode($value) with default flags: "\/", "\u00e9" (lowercase hex,
//                         surrogate pairs), floats printed with serialize_precision = -1.
//   ksort(array)          ksort($array) with SORT_REGULAR: PHP 8's key comparison (numeric strings
//                         compare as numbers) and PHP's own sort algorithm, so that keys that do not
//                         compare transitively still come out in PHP's order.
//   parseQuery(bytes)     how PHP fills $_GET / $_POST from a query string or a form body
//                         ("+" is a space, a[b][]= nesting, "." and " " in names become "_").
//
// PHP values in JavaScript:
//   null, true, false     themselves
//   int                   bigint (always, so that an int is never confused with a float)
//   float                 number
//   string                string when it is valid UTF-8, PhpBytes when it is not
//   array                 PhpArray (ordered; keys are bigint or string)

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const DECODE_MAX_NESTING = 511; // json_decode's default depth of 512, as measured with php-cli 8.2
const ENCODE_MAX_DEPTH = 512;
const MAX_INPUT_VARS = 1000; // php.ini defaults
const MAX_INPUT_NESTING_LEVEL = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** A PHP string that is not valid UTF-8 (it can only come from a query string or a form body). */
export class PhpBytes {
  constructor(bytes) {
    this.bytes = Uint8Array.from(bytes);
  }
  toString() {
    return Buffer.from(this.bytes).toString('latin1');
  }
}

/** A PHP string from raw bytes: a JS string when the bytes are UTF-8, else PhpBytes. */
export function phpString(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return new PhpBytes(bytes);
  }
}

function bytesOf(s) {
  return s instanceof PhpBytes ? s.bytes : encoder.encode(s);
}

function mapKey(key) {
  if (typeof key === 'bigint') return 'i' + key;
  if (key instanceof PhpBytes) return 'b' + Buffer.from(key.bytes).toString('hex');
  return 's' + key;
}

/** An ordered PHP array. Keys are bigint or string (already normalised: see arrayKey). */
export class PhpArray {
  constructor() {
    this.keys = [];
    this.values = [];
    this.positions = new Map();
    this.nextFree = null; // nNextFreeElement: unset until the first integer key
  }

  static list(values) {
    const a = new PhpArray();
    for (const v of values) a.push(v);
    return a;
  }

  /** From [key, value] pairs; keys go through PHP's key normalisation ("12" → 12). */
  static from(pairs) {
    const a = new PhpArray();
    for (const [k, v] of pairs) a.set(k, v);
    return a;
  }

  get size() {
    return this.keys.length;
  }

  has(key) {
    return this.positions.has(mapKey(arrayKey(key)));
  }

  get(key) {
    const at = this.positions.get(mapKey(arrayKey(key)));
    return at === undefined ? undefined : this.values[at];
  }

  /** $a[$key] = $value: an existing key keeps its position and takes the new value. */
  set(key, value) {
    key = arrayKey(key);
    const mk = mapKey(key);
    const at = this.positions.get(mk);
    if (at !== undefined) {
      this.values[at] = value;
      return;
    }
    this.positions.set(mk, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
    if (typeof key === 'bigint' && (this.nextFree === null || key >= this.nextFree)) {
      this.nextFree = key < LONG_MAX ? key + 1n : LONG_MAX;
    }
  }

  /** $a[] = $value. Returns false when PHP would refuse (next index beyond LONG_MAX). */
  push(value) {
    const key = this.nextFree ?? 0n;
    if (this.positions.has(mapKey(key))) return false;
    this.set(key, value);
    return true;
  }

  delete(key) {
    const mk = mapKey(arrayKey(key));
    const at = this.positions.get(mk);
    if (at === undefined) return;
    this.keys.splice(at, 1);
    this.values.splice(at, 1);
    this.positions.clear();
    this.keys.forEach((k, i) => this.positions.set(mapKey(k), i));
  }

  /** $a + $b: the keys of $other that $this lacks are appended. */
  union(other) {
    const out = this.copy();
    for (const [k, v] of other) if (!out.has(k)) out.set(k, v);
    return out;
  }

  copy() {
    const a = new PhpArray();
    a.keys = [...this.keys];
    a.values = [...this.values];
    a.positions = new Map(this.positions);
    a.nextFree = this.nextFree;
    return a;
  }

  /** Whether json_encode writes it as a JSON list: keys 0, 1, … n-1 in that order. */
  isList() {
    return this.keys.every((k, i) => k === BigInt(i));
  }

  *[Symbol.iterator]() {
    for (let i = 0; i < this.keys.length; i++) yield [this.keys[i], this.values[i]];
  }
}

/**
 * PHP's array-key normalisation (ZEND_HANDLE_NUMERIC_STR): a string that is the canonical decimal
 * form of a 64-bit integer ("0", "12", "-7"; not "012", "-0", "+1", " 1") becomes that integer.
 */
export function arrayKey(key) {
  if (typeof key === 'bigint' || key instanceof PhpBytes) return key;
  if (typeof key === 'number') {
    if (!Number.isInteger(key)) throw new TypeError('a float array key is truncated by PHP: pass a bigint');
    return BigInt(key);
  }
  key = String(key);
  if (/^(0|-?[1-9][0-9]{0,18})$/.test(key)) {
    const n = BigInt(key);
    if (n >= LONG_MIN && n <= LONG_MAX) return n;
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// json_decode($text, true)

export class PhpJsonError extends Error {
  constructor(message, offset) {
    super(`${message} at offset ${offset}`);
    this.name = 'PhpJsonError';
    this.offset = offset;
  }
}

/**
 * json_decode($text, true). `text` is a string or the raw bytes of a body (bytes that are not
 * UTF-8 are refused as PHP refuses them). Throws PhpJsonError where PHP returns null with an error.
 */
export function jsonDecode(text) {
  if (typeof text !== 'string') {
    try {
      text = utf8.decode(text);
    } catch {
      throw new PhpJsonError('Malformed UTF-8 characters', 0);
    }
  }
  const p = new JsonParser(text);
  p.skipWhitespace();
  const value = p.value(0);
  p.skipWhitespace();
  if (p.at !== text.length) p.fail('Syntax error');
  return value;
}

class JsonParser {
  constructor(s) {
    this.s = s;
    this.at = 0;
  }

  fail(message) {
    throw new PhpJsonError(message, this.at);
  }

  skipWhitespace() {
    const s = this.s;
    while (this.at < s.length) {
      const c = s.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.at++;
      else break;
    }
  }

  value(depth) {
    const s = this.s;
    const c = s[this.at];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (s.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    this.fail('Syntax error');
  }

  enter(depth) {
    if (depth > DECODE_MAX_NESTING) this.fail('Maximum stack depth exceeded');
    this.at++;
    this.skipWhitespace();
  }

  object(depth) {
    this.enter(depth);
    const out = new PhpArray();
    if (this.s[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      if (this.s[this.at] !== '"') this.fail('Syntax error');
      const key = this.string();
      this.skipWhitespace();
      if (this.s[this.at] !== ':') this.fail('Syntax error');
      this.at++;
      this.skipWhitespace();
      out.set(key, this.value(depth));
      this.skipWhitespace();
      const c = this.s[this.at++];
      if (c === '}') return out;
      if (c !== ',') this.fail('Syntax error');
      this.skipWhitespace();
    }
  }

  array(depth) {
    this.enter(depth);
    const out = new PhpArray();
    if (this.s[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipWhitespace();
      const c = this.s[this.at++];
      if (c === ']') return out;
      if (c !== ',') this.fail('Syntax error');
      this.skipWhitespace();
    }
  }

  number() {
    const m = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.at;
    const found = m.exec(this.s);
    if (!found) this.fail('Syntax error');
    const token = found[0];
    this.at += token.length;
    if (found[1] === undefined && found[2] === undefined) {
      // PHP's scanner: more than 19 digits, or 19 digits at or above 2^63 (except -2^63), is a
      // "bigint", which becomes a float without JSON_BIGINT_AS_STRING.
      const negative = token[0] === '-';
      const digits = token.length - (negative ? 1 : 0);
      let big = digits > 19;
      if (digits === 19) {
        const d = token.slice(negative ? 1 : 0);
        big = !(d < '9223372036854775808' || (d === '9223372036854775808' && negative));
      }
      if (!big) return BigInt(token);
    }
    return Number(token); // zend_strtod and Number() both round correctly
  }

  string() {
    const s = this.s;
    this.at++; // opening quote
    let out = '';
    let run = this.at;
    for (;;) {
      if (this.at >= s.length) this.fail('Syntax error');
      const c = s.charCodeAt(this.at);
      if (c === 0x22) {
        out += s.slice(run, this.at);
        this.at++;
        return out;
      }
      if (c < 0x20) this.fail('Control character error, possibly incorrectly encoded');
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      out += s.slice(run, this.at);
      const e = s[this.at + 1];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
      if (simple !== undefined) {
        out += simple;
        this.at += 2;
      } else if (e === 'u') {
        const unit = this.hex4(this.at + 2);
        this.at += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = s[this.at] === '\\' && s[this.at + 1] === 'u' ? this.hex4(this.at + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) this.fail('Single unpaired UTF-16 surrogate in unicode escape');
          out += String.fromCharCode(unit, low);
          this.at += 6;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.fail('Single unpaired UTF-16 surrogate in unicode escape');
        } else {
          out += String.fromCharCode(unit);
        }
      } else {
        this.fail('Syntax error');
      }
      run = this.at;
    }
  }

  hex4(at) {
    const h = this.s.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('Syntax error');
    return parseInt(h, 16);
  }
}

// ---------------------------------------------------------------------------------------------
// json_encode($value) with default flags

export class PhpEncodeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PhpEncodeError';
  }
}

/** json_encode($value). Throws PhpEncodeError where PHP returns false. */
export function jsonEncode(value) {
  const parts = [];
  encodeInto(value, parts, 0);
  return parts.join('');
}

function encodeInto(v, out, depth) {
  if (v === null || v === undefined) out.push('null');
  else if (v === true) out.push('true');
  else if (v === false) out.push('false');
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'number') out.push(phpFloat(v));
  else if (typeof v === 'string') out.push(encodeString(v));
  else if (v instanceof PhpBytes) throw new PhpEncodeError('Malformed UTF-8 characters, possibly incorrectly encoded');
  else if (v instanceof PhpArray) {
    if (depth + 1 > ENCODE_MAX_DEPTH) throw new PhpEncodeError('Maximum stack depth exceeded');
    if (v.isList()) {
      out.push('[');
      v.values.forEach((item, i) => {
        if (i) out.push(',');
        encodeInto(item, out, depth + 1);
      });
      out.push(']');
    } else {
      out.push('{');
      v.keys.forEach((k, i) => {
        if (i) out.push(',');
        if (k instanceof PhpBytes) throw new PhpEncodeError('Malformed UTF-8 characters, possibly incorrectly encoded');
        out.push(encodeString(String(k)), ':');
        encodeInto(v.values[i], out, depth + 1);
      });
      out.push('}');
    }
  } else throw new TypeError(`not a PHP value: ${typeof v}`);
}

const HEX = '0123456789abcdef';
const u4 = (c) => '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];

function encodeString(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
          throw new PhpEncodeError('Malformed UTF-8 characters, possibly incorrectly encoded');
        }
        out += u4(c) + u4(low);
        i++;
      } else out += u4(c);
    } else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x2f) out += '\\/';
    else if (c >= 0x20) out += s[i];
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += u4(c);
  }
  return out + '"';
}

/**
 * A float as PHP prints it with serialize_precision = -1 (php_gcvt with the shortest digits that
 * read back to the same double): 10, 15.9, 0.30000000000000004, 1.0e+25, 1.0e-5, -0.
 */
export function phpFloat(x) {
  if (!Number.isFinite(x)) throw new PhpEncodeError('Inf and NaN cannot be JSON encoded');
  const negative = x < 0 || Object.is(x, -0);
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponent) + 1; // value = 0.DIGITS × 10^decpt
  let body;
  if (x === 0) body = '0';
  else if (decpt < -3 || decpt > 17) {
    const e = decpt - 1;
    body = digits[0] + '.' + (digits.length > 1 ? digits.slice(1) : '0') + 'e' + (e < 0 ? '-' : '+') + Math.abs(e);
  } else if (decpt <= 0) {
    body = '0.' + '0'.repeat(-decpt) + digits;
  } else {
    const whole = digits.slice(0, decpt).padEnd(decpt, '0');
    const fraction = digits.slice(decpt);
    body = fraction ? whole + '.' + fraction : whole;
  }
  return (negative ? '-' : '') + body;
}

// ---------------------------------------------------------------------------------------------
// ksort($array) with SORT_REGULAR, PHP 8

/** ksort($array): returns a new array with the top-level keys sorted as PHP 8 sorts them. */
export function ksort(array) {
  const keys = array.keys;
  const cache = new Map();
  const bytes = (k) => {
    let b = cache.get(k);
    if (b === undefined) cache.set(k, (b = bytesOf(k)));
    return b;
  };
  const order = keys.map((_, i) => i);
  // PHP 8 sorts stably: equal keys ("1.0" and 1) keep their original order.
  const cmp = (a, b) => compareKeys(keys[a], keys[b], bytes) || (a < b ? -1 : a > b ? 1 : 0);
  zendSort(order, cmp);
  const out = new PhpArray();
  for (const i of order) out.set(keys[i], array.values[i]);
  out.nextFree = array.nextFree;
  return out;
}

/** php_array_key_compare_unstable_i: how ksort compares two keys. */
export function compareKeys(a, b, bytes = bytesOf) {
  const aInt = typeof a === 'bigint';
  const bInt = typeof b === 'bigint';
  if (aInt && bInt) return a > b ? 1 : -1;
  if (!aInt && !bInt) return smartStrcmp(bytes(a), bytes(b));
  if (aInt) return compareLongToString(a, bytes(b));
  return -compareLongToString(b, bytes(a));
}

const sign = (x) => (x > 0 ? 1 : x < 0 ? -1 : 0); // ZEND_NORMALIZE_BOOL (NaN → 0)
const threeWay = (a, b) => (a === b ? 0 : a < b ? -1 : 1); // ZEND_THREEWAY_COMPARE

function binaryStrcmp(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return sign(a.length - b.length);
}

/** zendi_smart_strcmp: two numeric strings compare as numbers, anything else bytewise. */
function smartStrcmp(a, b) {
  const x = numericString(a);
  const y = x && numericString(b);
  if (!x || !y) return binaryStrcmp(a, b);
  if (x.oflow !== 0 && x.oflow === y.oflow && x.dval - y.dval === 0) return binaryStrcmp(a, b);
  if (x.type === 'double' || y.type === 'double') {
    let d1 = x.dval;
    let d2 = y.dval;
    if (x.type !== 'double') {
      if (y.oflow) return -y.oflow;
      d1 = Number(x.lval);
    } else if (y.type !== 'double') {
      if (x.oflow) return x.oflow;
      d2 = Number(y.lval);
    } else if (d1 === d2 && !Number.isFinite(d1)) {
      return binaryStrcmp(a, b);
    }
    return sign(d1 - d2);
  }
  return x.lval > y.lval ? 1 : x.lval < y.lval ? -1 : 0;
}

/** compare_longs_to_string (PHP 8): an int against a string key. */
function compareLongToString(lval, str) {
  const n = numericString(str);
  if (n && n.type === 'long') return lval > n.lval ? 1 : lval < n.lval ? -1 : 0;
  if (n) return threeWay(Number(lval), n.dval);
  return binaryStrcmp(encoder.encode(lval.toString()), str);
}

const isWs = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
const isDigit = (c) => c >= 0x30 && c <= 0x39;

/**
 * _is_numeric_string_ex without errors allowed: leading and trailing whitespace, a sign, digits,
 * a fraction, an exponent. Returns { type: 'long'|'double', lval, dval, oflow } or null.
 */
export function numericString(b) {
  if (typeof b === 'string') b = encoder.encode(b);
  const len = b.length;
  if (!len) return null;
  let str = 0;
  while (str < len && isWs(b[str])) str++;
  let ptr = str;
  if (b[ptr] === 0x2d || b[ptr] === 0x2b) ptr++;
  let type = 'long';
  let oflow = 0;
  let digits = 0;
  let end; // where the number ends
  if (isDigit(b[ptr])) {
    while (b[ptr] === 0x30) ptr++;
    while (isDigit(b[ptr]) && digits < 20) {
      ptr++;
      digits++;
    }
    end = ptr;
    if (digits >= 20) {
      oflow = b[str] === 0x2d ? -1 : 1;
      type = 'double';
    } else if (b[ptr] === 0x2e) {
      type = 'double';
    } else if (b[ptr] === 0x65 || b[ptr] === 0x45) {
      let e = ptr + 1;
      if (b[e] === 0x2d || b[e] === 0x2b) e++;
      if (isDigit(b[e])) type = 'double'; // else "1e" or "1e+" ends the number: not numeric
    }
    if (type === 'long') return finish(b, str, end, len, 'long', digits, oflow);
  } else if (!(b[ptr] === 0x2e && isDigit(b[ptr + 1]))) {
    return null;
  }
  // process_double: zend_strtod over the longest numeric prefix
  const m = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(Buffer.from(b.subarray(str)).toString('latin1'));
  end = str + m[0].length;
  return finish(b, str, end, len, 'double', 0, oflow, Number(m[0]));
}

function finish(b, str, end, len, type, digits, oflow, dval) {
  // PHP 8 allows trailing whitespace after the number, nothing else.
  let ptr = end;
  while (ptr < len && isWs(b[ptr])) ptr++;
  if (ptr !== len) return null;
  if (type === 'double') return { type, dval, lval: 0n, oflow };
  const text = Buffer.from(b.subarray(str, end)).toString('latin1');
  const negative = b[str] === 0x2d;
  if (digits === 19) {
    // strcmp(digits…end of string, "9223372036854775808"): trailing whitespace takes part in it.
    const tail = Buffer.from(b.subarray(end - 19, len)).toString('latin1');
    const cmp = tail < '9223372036854775808' ? -1 : tail === '9223372036854775808' ? 0 : 1;
    if (!(cmp < 0 || (cmp === 0 && negative))) {
      return { type: 'double', dval: Number(text), lval: 0n, oflow: negative ? -1 : 1 };
    }
  }
  return { type, lval: BigInt(text.replace(/^\+/, '')), dval: 0, oflow };
}

/** zend_sort: insertion sort up to 16 elements, else a quicksort with median pivots. */
function zendSort(a, cmp) {
  const swp = (i, j) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const c = (i, j) => cmp(a[i], a[j]);
  const sort2 = (x, y) => {
    if (c(x, y) > 0) swp(x, y);
  };
  const sort3 = (x, y, z) => {
    if (c(x, y) <= 0) {
      if (c(y, z) <= 0) return;
      swp(y, z);
      if (c(x, y) > 0) swp(x, y);
      return;
    }
    if (c(z, y) <= 0) {
      swp(x, z);
      return;
    }
    swp(x, y);
    if (c(y, z) > 0) swp(y, z);
  };
  const sort4 = (x, y, z, w) => {
    sort3(x, y, z);
    if (c(z, w) > 0) {
      swp(z, w);
      if (c(y, z) > 0) {
        swp(y, z);
        if (c(x, y) > 0) swp(x, y);
      }
    }
  };
  const sort5 = (x, y, z, w, v) => {
    sort4(x, y, z, w);
    if (c(w, v) > 0) {
      swp(w, v);
      if (c(z, w) > 0) {
        swp(z, w);
        if (c(y, z) > 0) {
          swp(y, z);
          if (c(x, y) > 0) swp(x, y);
        }
      }
    }
  };
  const insertSort = (start, n) => {
    if (n <= 1) return;
    if (n === 2) return sort2(start, start + 1);
    if (n === 3) return sort3(start, start + 1, start + 2);
    if (n === 4) return sort4(start, start + 1, start + 2, start + 3);
    if (n === 5) return sort5(start, start + 1, start + 2, start + 3, start + 4);
    const end = start + n;
    const sentry = start + 6;
    for (let i = start + 1; i < sentry; i++) {
      let j = i - 1;
      if (c(j, i) <= 0) continue;
      while (j !== start) {
        j--;
        if (c(j, i) <= 0) {
          j++;
          break;
        }
      }
      for (let k = i; k > j; k--) swp(k, k - 1);
    }
    for (let i = sentry; i < end; i++) {
      let j = i - 1;
      if (c(j, i) <= 0) continue;
      for (;;) {
        j -= 2;
        if (c(j, i) <= 0) {
          j++;
          if (c(j, i) <= 0) j++;
          break;
        }
        if (j === start) break;
        if (j === start + 1) {
          j--;
          if (c(i, j) > 0) j++;
          break;
        }
      }
      for (let k = i; k > j; k--) swp(k, k - 1);
    }
  };
  const sort = (start, n) => {
    for (;;) {
      if (n <= 16) return insertSort(start, n);
      const end = start + n;
      const offset = n >> 1;
      let pivot = start + offset;
      if (n >> 10) {
        const delta = offset >> 1;
        sort5(start, start + delta, pivot, pivot + delta, end - 1);
      } else {
        sort3(start, pivot, end - 1);
      }
      swp(start + 1, pivot);
      pivot = start + 1;
      let i = pivot + 1;
      let j = end - 1;
      partition: for (;;) {
        while (c(pivot, i) > 0) {
          i++;
          if (i === j) break partition;
        }
        j--;
        if (j === i) break;
        while (c(j, pivot) > 0) {
          j--;
          if (j === i) break partition;
        }
        swp(i, j);
        i++;
        if (i === j) break;
      }
      swp(pivot, i - 1);
      if (i - 1 - start < end - i) {
        sort(start, i - start - 1);
        n = end - i;
        start = i;
      } else {
        sort(i, end - i);
        n = i - start - 1;
      }
    }
  };
  sort(0, a.length);
}

// ---------------------------------------------------------------------------------------------
// $_GET / $_POST from a query string or an application/x-www-form-urlencoded body

/** php_url_decode: "+" is a space, "%XX" a byte, any other "%" stays. Returns bytes. */
export function urlDecode(bytes) {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x2b) out[n++] = 0x20;
    else if (c === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** The array PHP builds from a query string or a form body (bytes, or a string taken as UTF-8). */
export function parseQuery(input) {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const out = new PhpArray();
  let count = 0;
  for (const part of splitBytes(bytes, 0x26)) {
    if (!part.length) continue;
    if (++count > MAX_INPUT_VARS) break;
    const eq = part.indexOf(0x3d);
    const name = urlDecode(eq < 0 ? part : part.subarray(0, eq));
    const value = eq < 0 ? '' : phpString(urlDecode(part.subarray(eq + 1)));
    registerVariable(out, name, value);
  }
  return out;
}

function splitBytes(bytes, sep) {
  const parts = [];
  let from = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === sep) {
      parts.push(bytes.subarray(from, i));
      from = i + 1;
    }
  }
  return parts;
}

/** php_register_variable_ex: `name` is the url-decoded variable name (bytes). */
function registerVariable(target, nameBytes, value) {
  let name = Array.from(nameBytes);
  const nul = name.indexOf(0); // the name is a C string
  if (nul >= 0) name = name.slice(0, nul);
  while (name[0] === 0x20) name.shift();
  const open = name.indexOf(0x5b);
  const base = (open < 0 ? name : name.slice(0, open)).map((c) => (c === 0x20 || c === 0x2e ? 0x5f : c));
  if (!base.length) return;
  if (open < 0) return target.set(phpString(Uint8Array.from(base)), value);

  // Walk the [index] parts. `rest` starts just after a '['.
  const path = [];
  let rest = name.slice(open + 1);
  let topName = base;
  for (let level = 1; ; level++) {
    if (level > MAX_INPUT_NESTING_LEVEL) {
      target.delete(phpString(Uint8Array.from(base)));
      return;
    }
    const close = rest.indexOf(0x5d);
    if (close < 0) {
      if (level === 1) {
        // not an index: the '[' becomes '_' and so do ' ', '.', '[' after it
        topName = [...base, 0x5f, ...rest.map((c) => (c === 0x20 || c === 0x2e || c === 0x5b ? 0x5f : c))];
      }
      break;
    }
    path.push(close === 0 ? null : phpString(Uint8Array.from(rest.slice(0, close))));
    rest = rest.slice(close + 1);
    if (rest[0] !== 0x5b) break;
    rest = rest.slice(1);
  }
  const top = phpString(Uint8Array.from(topName));
  if (!path.length) return target.set(top, value);
  let container = target;
  let key = top;
  for (const index of path) {
    let child = container.get(key);
    if (!(child instanceof PhpArray)) {
      child = new PhpArray();
      if (key === null) {
        if (!container.push(child)) return;
      } else container.set(key, child);
    }
    container = child;
    key = index;
  }
  if (key === null) container.push(value);
  else container.set(key, value);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the emulator

/** A PHP value as plain JSON-compatible JS, for state dumps (ints beyond 2^53 become strings). */
export function toPlain(v) {
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
  if (v instanceof PhpBytes) return v.toString();
  if (v instanceof PhpArray) {
    if (v.isList()) return v.values.map(toPlain);
    const o = {};
    for (const [k, val] of v) o[String(k)] = toPlain(val);
    return o;
  }
  return v;
}

/** A plain JS value (from JSON.parse or a literal) as a PHP value: integers become ints. */
export function fromPlain(v) {
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? BigInt(v) : v;
  if (Array.isArray(v)) return PhpArray.list(v.map(fromPlain));
  if (v && typeof v === 'object' && !(v instanceof PhpArray) && !(v instanceof PhpBytes)) {
    return PhpArray.from(Object.entries(v).map(([k, x]) => [k, fromPlain(x)]));
  }
  return v;
}

/** PHP's (string) cast of a scalar (what a comparison with a database column would see). */
export function phpToString(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v === true) return '1';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return phpFloatToString(v);
  if (v instanceof PhpBytes) return v.toString();
  if (typeof v === 'string') return v;
  return null; // arrays have no string form
}

function phpFloatToString(x) {
  // (string) of a float uses precision = 14 in PHP < 8 and serialize_precision in PHP 8: the same
  // shortest form as json_encode, but with "E" and without ".0" in the mantissa.
  if (Number.isNaN(x)) return 'NAN';
  if (!Number.isFinite(x)) return x > 0 ? 'INF' : '-INF';
  return phpFloat(x).replace(/\.0e/, 'e').replace('e', 'E');
}

/** is_numeric($v) for a PHP value. */
export function isNumeric(v) {
  if (typeof v === 'bigint' || typeof v === 'number') return true;
  if (typeof v === 'string' || v instanceof PhpBytes) return numericString(bytesOf(v)) !== null;
  return false;
}

/** A numeric PHP value as a JS number (ints and floats and numeric strings), else NaN. */
export function toNumber(v) {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || v instanceof PhpBytes) {
    const n = numericString(bytesOf(v));
    return n === null ? NaN : n.type === 'long' ? Number(n.lval) : n.dval;
  }
  return NaN;
}
