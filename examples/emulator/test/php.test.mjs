// php.mjs against real php-cli, byte for byte, over many generated inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as php from '../php.mjs';
import { askPhp, phpSerialize, rng } from './php-oracle.mjs';
import { ODD_KEYS, generators } from './generators.mjs';

const SEED = Number(process.env.PHP_DIFF_SEED ?? 20240611);
const COUNT = Number(process.env.PHP_DIFF_COUNT ?? 2500);

function compare(name, ours, theirs, input) {
  if (theirs.error !== undefined) {
    assert.ok(ours.error !== undefined, `${name}: PHP fails (${theirs.error}) but php.mjs gives ${ours.text}\ninput: ${input}`);
  } else {
    assert.equal(ours.error, undefined, `${name}: php.mjs fails (${ours.error}) but PHP gives ${theirs.bytes}\ninput: ${input}`);
    assert.equal(Buffer.compare(Buffer.from(ours.text, 'utf8'), theirs.bytes), 0,
      `${name}: differs\ninput: ${input}\nphp.mjs: ${ours.text}\nphp:     ${theirs.bytes.toString()}`);
  }
}

function ourCanonical(text) {
  try {
    let v = php.jsonDecode(Buffer.from(text));
    if (v instanceof php.PhpArray) {
      v = v.copy();
      v.delete('hmac');
      v.delete('_url');
      v = php.ksort(v);
    }
    return { text: php.jsonEncode(v) };
  } catch (e) {
    return { error: e.message };
  }
}

test('decode + drop hmac/_url + ksort + encode: the Lootly canonical text, as PHP computes it', () => {
  const r = rng(SEED);
  const g = generators(r);
  const inputs = [];
  for (let i = 0; i < COUNT; i++) inputs.push(r.int(10) ? g.object(1, 1 + r.int(24)) : g.value(0));
  // hand-picked cases: shapes PHP treats specially
  inputs.push(
    '{}', '[]', '{"0":"a","1":"b"}', '{"1":"a","0":"b"}', '{"0":"a","2":"b"}', '{"a":{}}', '{"a":[]}',
    '{"a":1,"a":2}', '{"b":1,"a":2,"b":3}', '{"12":1,"12":2}', '-0', '-0.0', '1E2', '[1,2', '{"a":1,}', '',
    ' ', '\ufeff{}', '"\\ud800"', '"\\udc00"', '"\\ud800\\u0041"', '"\\ud83d\\ude00"', '"a\u0001"', '"\\x"', '01',
    '1.', '.5', '+1', 'NaN', 'true', 'TRUE', 'null', '"str"', '{"a":1e400}', '[1e400]',
    '['.repeat(511) + ']'.repeat(511), '['.repeat(512) + ']'.repeat(512), '{"a":'.repeat(511) + '1' + '}'.repeat(511),
    '{"a":'.repeat(512) + '1' + '}'.repeat(512),
    '{"id":"100001","total_price":"39.99","total_tax":"0.00","customer":{"id":"001","email":"support@lootly.io"},"key":"xxx","hmac":"abc","_url":"/x"}',
  );
  const answers = askPhp(inputs.map((t) => ['canonical', t]));
  inputs.forEach((t, i) => compare('canonical', ourCanonical(t), answers[i], t));
});

test('json_decode → json_encode round trip (nested order kept, floats reprinted)', () => {
  const r = rng(SEED + 1);
  const g = generators(r);
  const inputs = Array.from({ length: 800 }, () => g.value(0));
  const answers = askPhp(inputs.map((t) => ['roundtrip', t]));
  inputs.forEach((t, i) => {
    let ours;
    try {
      ours = { text: php.jsonEncode(php.jsonDecode(t)) };
    } catch (e) {
      ours = { error: e.message };
    }
    compare('roundtrip', ours, answers[i], t);
  });
});

test('float printing (serialize_precision = -1) over random bit patterns and edge values', () => {
  const r = rng(SEED + 2);
  const values = [0, -0, 1, -1, 10, 15.9, 0.1 + 0.2, 1e25, 1e-5, 1e-4, 1e15, 1e16, 1e17, 1e21, 1e22, 5e-324,
    2.2250738585072014e-308, 1.7976931348623157e308, 2 ** 53, 2 ** 63, 2 ** 64, 123456789012345680, 0.5, 1 / 3, 100, 1e100];
  const view = new DataView(new ArrayBuffer(8));
  while (values.length < 6000) {
    const kind = r.int(3);
    if (kind === 0) {
      view.setUint32(0, Math.floor(r.next() * 2 ** 32));
      view.setUint32(4, Math.floor(r.next() * 2 ** 32));
      const x = view.getFloat64(0);
      if (Number.isFinite(x)) values.push(x);
    } else if (kind === 1) values.push(Number((r.next() * 10 ** (r.int(44) - 22)).toPrecision(1 + r.int(17))));
    else values.push(r.int(10000000) / 10 ** r.int(8));
  }
  const questions = values.map((x) => {
    view.setFloat64(0, x);
    return ['float', new Uint8Array(view.buffer.slice(0))];
  });
  const answers = askPhp(questions);
  values.forEach((x, i) => compare('float', { text: php.phpFloat(x) }, answers[i], `${x}`));
});

test('ksort key order (PHP 8 comparison, stable, and PHP’s own sort algorithm) over odd key sets', () => {
  const r = rng(SEED + 3);
  const g = generators(r);
  const sets = [['9', '10', '1a'], ['10', '9a', '9'], ['1a', '10', '9'], ['a', '1', 'b', '0', '-1']];
  for (let i = 0; i < 1500; i++) {
    const n = r.pick([2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 18, 25, 40, 70]);
    const keys = new Set();
    while (keys.size < n) keys.add(r.int(4) ? r.pick(ODD_KEYS) : r.int(2) ? String(r.int(200) - 50) : g.randomString());
    sets.push([...keys]);
  }
  // more than 1024 keys takes the five-pivot path
  sets.push(Array.from({ length: 1100 }, (_, i) => (i % 3 ? String((i * 7919) % 1500) : `k${(i * 31) % 977}`)));
  const answers = askPhp(sets.map((s) => ['ksort-keys', JSON.stringify(s)]));
  sets.forEach((keys, i) => {
    const a = php.PhpArray.from(keys.map((k, j) => [k, BigInt(j)]));
    const sorted = php.ksort(a);
    compare('ksort', { text: php.jsonEncode(php.PhpArray.list(sorted.keys)) }, answers[i], JSON.stringify(keys));
  });
});

test('is_numeric (the validator\'s `numeric` rule) over odd strings', () => {
  const r = rng(SEED + 5);
  const g = generators(r);
  const inputs = [...ODD_KEYS, '1', ' 1', '1 ', '\t1\n', '\v1', '1\f', '1\0', '- 1', '--1', '+.5', '1e5 ', '1e5x', '0x1A', '1_000', '１'];
  for (let i = 0; i < 500; i++) inputs.push(r.int(2) ? g.randomString() : `${r.pick(['', ' ', '-', '+'])}${r.int(1000)}${r.pick(['', '.', '.5', 'e3', 'e', ' ', 'x'])}`);
  const answers = askPhp(inputs.map((s) => ['is_numeric', s]));
  inputs.forEach((s, i) => assert.equal(php.isNumeric(s) ? 'yes' : 'no', answers[i].bytes.toString(), JSON.stringify(s)));
});

test('parse_str: query strings and form bodies as PHP fills $_GET / $_POST', () => {
  const r = rng(SEED + 4);
  const names = ['a', 'b', 'key', 'hmac', 'a.b', 'a b', ' a', 'a[', 'a[b', 'a[]', 'a[b]', 'a[b][c]', 'a[][]', 'a[0]',
    'a[1]', 'a[-5]', 'a[12]', 'a[012]', 'a[b][', 'a[b]x', 'a[ b]', 'a[b.c]', 'a]', '[a]', '[]', '%5Ba%5D', 'a%5Bb%5D',
    'a%00b', '%00', 'c+d', 'c%20d', 'é', '%C3%A9', '%FF', 'x[%FF]', '12', '-3', '0', 'a' + '[x]'.repeat(70)];
  const values = ['', '1', 'x+y', 'x%20y', '%', '%2', '%zz', '%41', '%00', '%FF%FE', '%C3%A9', 'a=b', '😀', '%F0%9F%98%80'];
  const queries = ['', '&', '&&a=1&&', 'a', 'a=', '=1', 'a=1&a=2', 'a[]=1&a[]=2&a=3', 'a=1&a[]=2', 'a[-5]=1&a[]=2'];
  for (let i = 0; i < 1500; i++) {
    const parts = Array.from({ length: 1 + r.int(6) }, () => {
      const name = r.pick(names);
      return r.int(6) ? `${name}=${r.pick(values)}` : name;
    });
    queries.push(parts.join(r.int(8) ? '&' : '&&'));
  }
  queries.push(Array.from({ length: 1005 }, (_, i) => `v${i}=${i}`).join('&'));
  const answers = askPhp(queries.map((q) => ['parse_str', q]));
  queries.forEach((q, i) => {
    const ours = phpSerialize(php.parseQuery(q));
    assert.equal(Buffer.compare(ours, answers[i].bytes), 0,
      `parse_str differs for ${q}\nphp.mjs: ${ours.toString('latin1')}\nphp:     ${answers[i].bytes.toString('latin1')}`);
  });
});

test('fixed expectations from the notes', () => {
  const canon = (t) => php.jsonEncode(php.ksort(php.jsonDecode(t)));
  assert.equal(canon('{"b":1,"a":2}'), '{"a":2,"b":1}');
  assert.equal(php.jsonEncode(php.jsonDecode('{"x":{"b":1,"a":2}}')), '{"x":{"b":1,"a":2}}');
  assert.equal(php.jsonEncode(php.jsonDecode('[10.0,15.90,1e25,1e-5,-0.0,-0,9223372036854775808]')),
    '[10,15.9,1.0e+25,1.0e-5,-0,0,9.223372036854776e+18]');
  assert.equal(php.jsonEncode(php.jsonDecode('{"a":{},"b":{"0":1,"1":2},"12":"x"}')), '{"a":[],"b":[1,2],"12":"x"}');
  assert.equal(php.jsonEncode('é/😀<>&\'\u007f\u001f'), '"\\u00e9\\/\\ud83d\\ude00<>&\'\u007f\\u001f"');
  assert.equal(php.phpFloat(0.1 + 0.2), '0.30000000000000004');
  assert.throws(() => php.jsonDecode('{"a":1'), php.PhpJsonError);
  assert.throws(() => php.jsonEncode(php.parseQuery('a=%FF')), php.PhpEncodeError);
});
