//! PHP's `json_encode($value)` with the default flags, byte for byte: `/` as `\/`, every
//! non-ASCII character as `\uXXXX` (lowercase hex, UTF-16 surrogate pairs above U+FFFF), floats
//! as `serialize_precision = -1` prints them, no whitespace.

use super::number::{write_double, Precision};
use super::value::Value;
use crate::error::{LoyaltyError, Result};

/// `json_encode`'s default depth limit.
pub const ENCODE_DEPTH: usize = 512;

/// Encodes a value as PHP's `json_encode($value)` does.
pub fn json_encode(value: &Value) -> Result<String> {
    let mut out = String::with_capacity(128);
    write_value(&mut out, value, 0)?;
    Ok(out)
}

/// Appends the encoding of `value` to `out`.
pub fn json_encode_into(out: &mut String, value: &Value) -> Result<()> {
    write_value(out, value, 0)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => write_int(out, *i),
        Value::Float(f) if !f.is_finite() => return Err(LoyaltyError::NonFiniteNumber { field: String::new() }),
        Value::Float(f) => write_double(out, *f, Precision::Shortest, 'e'),
        Value::Str(s) => write_string(out, s),
        Value::Array(a) => {
            let depth = enter(depth)?;
            if a.is_list() {
                out.push('[');
                for (i, (_, v)) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_value(out, v, depth).map_err(|e| e.within(&format!("[{i}]")))?;
                }
                out.push(']');
            } else {
                write_members(out, a.iter().map(|(k, v)| (k.to_text(), v)), depth)?;
            }
        }
        Value::Object(o) => {
            let depth = enter(depth)?;
            write_members(out, o.iter().map(|(k, v)| (k.into(), v)), depth)?;
        }
    }
    Ok(())
}

/// An integer in decimal, without the allocation of `to_string`.
fn write_int(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    let mut buf = [0u8; 20];
    out.push_str(std::str::from_utf8(decimal_digits(i.unsigned_abs(), &mut buf)).unwrap_or_default()); // always ASCII digits
}

/// The decimal digits of `n`, written at the end of `buf` (20 digits hold `u64::MAX`).
pub(crate) fn decimal_digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8; // no-panic: 20 digits hold u64::MAX, so at stays >= 0
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[at..] // no-panic: at < 20
}

fn enter(depth: usize) -> Result<usize> {
    if depth >= ENCODE_DEPTH {
        return Err(LoyaltyError::TooDeep { limit: ENCODE_DEPTH });
    }
    Ok(depth + 1)
}

fn write_members<'a>(
    out: &mut String,
    members: impl Iterator<Item = (std::borrow::Cow<'a, str>, &'a Value)>,
    depth: usize,
) -> Result<()> {
    out.push('{');
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, &k);
        out.push(':');
        write_value(out, v, depth).map_err(|e| e.within(&k))?;
    }
    out.push('}');
    Ok(())
}

/// The bytes `write_string` does not copy as they are: `"`, `\\`, `/`, controls, and every
/// byte of a non-ASCII character (written as `\uXXXX`). DEL (0x7f) is copied as it is.
const ESCAPED: [bool; 256] = {
    let mut escaped = [false; 256];
    let mut b = 0;
    while b < 256 {
        escaped[b] = b < 0x20 || b >= 0x80 || b == b'"' as usize || b == b'\\' as usize || b == b'/' as usize;
        b += 1;
    }
    escaped
};

/// Writes a JSON string literal the way PHP escapes it by default.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let (mut i, mut plain_from) = (0, 0);
    // Skip what is written as it is (most of any text) with one table look-up per byte.
    while let Some(run) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| ESCAPED[usize::from(b)])) {
        i += run;
        out.push_str(&s[plain_from..i]); // no-panic: both are char boundaries (before an escaped byte)
        let b = bytes[i]; // no-panic: position() found it
        if b < 0x80 {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'/' => out.push_str("\\/"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                _ => push_unit(out, u16::from(b)),
            }
            i += 1;
        } else {
            // `i` starts a character (continuation bytes are skipped with it).
            let ch = s[i..].chars().next().unwrap_or('\u{fffd}'); // no-panic: i is a char boundary (a lead byte)
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                push_unit(out, *unit);
            }
            i += ch.len_utf8();
        }
        plain_from = i;
    }
    out.push_str(&s[plain_from..]); // no-panic: plain_from is a char boundary <= len
    out.push('"');
}

/// `\uXXXX` with lowercase hex, as PHP writes it, in one push.
fn push_unit(out: &mut String, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = |shift: u16| HEX[usize::from((unit >> shift) & 15)];
    let escape = [b'\\', b'u', hex(12), hex(8), hex(4), hex(0)];
    out.push_str(std::str::from_utf8(&escape).unwrap_or_default()); // always ASCII
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::{Array, Object};

    #[test]
    fn strings_escape_as_php_does() {
        let mut s = String::new();
        write_string(&mut s, "a\u{7f}\u{1}/\u{2028}😀é<>&'\"\\\n");
        assert_eq!(s, "\"a\u{7f}\\u0001\\/\\u2028\\ud83d\\ude00\\u00e9<>&'\\\"\\\\\\n\"");
    }

    #[test]
    fn integers_print_in_decimal() {
        for i in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            let mut s = String::new();
            write_int(&mut s, i);
            assert_eq!(s, i.to_string());
        }
    }

    #[test]
    fn empty_containers_and_lists() {
        let v = Value::Array(Array::from_pairs([
            ("a", Value::Array(Array::new())),
            ("b", Value::Object(Object::new())),
            ("c", Value::Array(Array::list([Value::Int(1), Value::Float(1.0)]))),
        ]));
        assert_eq!(json_encode(&v).unwrap(), r#"{"a":[],"b":{},"c":[1,1]}"#);
    }

    #[test]
    fn nan_is_an_error_naming_its_field() {
        let v = Value::Array(Array::from_pairs([("x", Value::Array(Array::list([Value::Float(f64::NAN)])))]));
        let e = json_encode(&v).unwrap_err();
        assert_eq!((e.code(), e.field()), ("non_finite_number", Some("x[0]")));
    }
}
