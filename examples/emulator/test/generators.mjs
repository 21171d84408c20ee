// Seeded generators of JSON texts a client might send: odd keys, numbers, escapes, nesting.

// Keys that make PHP's key normalisation and ksort interesting.
export const ODD_KEYS = [
  'id', 'key', 'hmac', '_url', 'total_price', 'customer', 'a', 'B', 'Z', '_', 'aa', 'a b', 'a/b', 'é', 'Ω', '😀',
  '\u00e9t\u00e9', '\ufffd', '\ue000', '', ' ', '\u0000', 'a\u0000b', '\t5',
  '0', '1', '2', '9', '10', '11', '12', '100', '012', '00', '-0', '-1', '-12', '+1', ' 1', '1 ', ' 1 ', '1\n',
  '1.0', '1.5', '-1.5', '1e3', '1E3', '1e+3', '1e-3', '1e', '1e+', '.5', '-.5', '5.', '0x1A', '0b1', '9a', '1a',
  '10a', 'a1', 'NaN', 'INF', '1e400', '-1e400', '9223372036854775806', '9223372036854775807',
  '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '9223372036854775807 ',
  '9223372036854775808 ', '-9223372036854775808 ', '18446744073709551616', '99999999999999999999',
  '-99999999999999999999', '000000000000000000001', '12345678901234567890.5', '1234567890123456789',
];

export const NUMBER_TEXTS = [
  '0', '-0', '0.0', '-0.0', '1', '-1', '10.0', '15.90', '39.99', '0.1', '0.30000000000000004', '1e25', '1E25',
  '1.0e+25', '1e-5', '1e-4', '0.0001', '0.00001', '1e16', '1e17', '123456789012345678', '1.5e300', '-2.5E-300',
  '1e400', '-1e400', '1e-400', '4.9e-324', '2.2250738585072014e-308', '1.7976931348623157e308',
  '9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775808',
  '-9223372036854775809', '18446744073709551615', '123456789012345678901234567890', '100000000000000000000',
];

export function generators(r) {
  const hex4 = (c, upper) => {
    const h = c.toString(16).padStart(4, '0');
    return '\\u' + (upper ? h.toUpperCase() : h);
  };
  const randomChar = () => {
    const kind = r.int(10);
    if (kind < 4) return String.fromCharCode(0x20 + r.int(0x5f));
    if (kind === 4) return String.fromCharCode(r.int(0x20));
    if (kind === 5) return r.pick(['/', '\\', '"', '\u007f', '<', '>', '&', "'"]);
    if (kind === 6) return String.fromCharCode(0x80 + r.int(0x780));
    if (kind === 7) {
      const c = 0x800 + r.int(0xf800);
      return c >= 0xd800 && c <= 0xdfff ? '\uffff' : String.fromCharCode(c);
    }
    return String.fromCodePoint(0x10000 + r.int(0x100000));
  };
  // A JSON string literal for s, written in one of the ways a client might write it.
  const quote = (s) => {
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      const escape = r.int(4) === 0;
      if (ch === '"' || ch === '\\') out += '\\' + ch;
      else if (c < 0x20) {
        const short = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }[c];
        if (r.int(60) === 0) out += ch; // raw: refused by PHP
        else out += short && r.int(2) ? short : hex4(c, r.int(2) === 0);
      }
      else if (ch === '/' && escape) out += '\\/';
      else if (escape && c > 0xffff) {
        const hi = 0xd800 + ((c - 0x10000) >> 10);
        const lo = 0xdc00 + ((c - 0x10000) & 0x3ff);
        out += hex4(hi, r.int(2) === 0) + hex4(lo, r.int(2) === 0);
      } else if (escape) out += hex4(c, r.int(2) === 0);
      else out += ch;
    }
    return out + '"';
  };
  const randomString = () => Array.from({ length: r.int(12) }, randomChar).join('');
  const randomFloatText = () => {
    const kind = r.int(5);
    if (kind === 0) return r.pick(NUMBER_TEXTS);
    if (kind === 1) return (r.next() * 10 ** (r.int(40) - 20)).toString();
    if (kind === 2) return (r.int(100000) / 100).toFixed(r.int(4));
    if (kind === 3) return `${r.int(1000)}.${r.int(1000)}e${r.pick(['', '+', '-'])}${r.int(30)}`;
    return String(r.int(2 ** 31) * (r.int(2) ? -1 : 1));
  };
  const ws = () => r.pick(['', '', '', ' ', '\n', '\t', '\r\n  ']);
  const value = (depth) => {
    const kind = r.int(depth > 3 ? 6 : 9);
    if (kind === 0) return r.pick(['true', 'false', 'null']);
    if (kind <= 2) return randomFloatText();
    if (kind <= 5) return quote(randomString());
    if (kind === 6) return `[${ws()}${Array.from({ length: r.int(5) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (kind === 7 && r.int(3) === 0) {
      // looks like a list: "0", "1", … in order
      const n = r.int(4);
      return `{${Array.from({ length: n }, (_, i) => `"${i}":${value(depth + 1)}`).join(',')}}`;
    }
    return object(depth + 1, r.int(7));
  };
  const key = () => (r.int(3) ? r.pick(ODD_KEYS) : randomString());
  const object = (depth, n) => {
    const members = [];
    for (let i = 0; i < n; i++) {
      const k = members.length && r.int(8) === 0 ? members[r.int(members.length)][0] : key(); // repeats
      members.push([k, value(depth)]);
    }
    return `{${ws()}${members.map(([k, v]) => `${quote(k)}${ws()}:${ws()}${v}`).join(`${ws()},${ws()}`)}${ws()}}`;
  };
  return { value, object, key, randomString };
}
