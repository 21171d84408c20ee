//! PHP's `http_build_query($data)` and `urlencode`: how WoowUp's PHP code writes form bodies
//! and query strings (RFC 1738: space as `+`, everything but `A-Za-z0-9-_.` as `%XX`).

use super::number::{write_double, Precision};
use super::value::{Array, Value};
use crate::error::{LoyaltyError, Result};

/// `http_build_query($data)` with the default separator `&` and RFC 1738 encoding. Nested
/// arrays become `a%5Bb%5D=…`, `null` and empty arrays are left out, `true`/`false` are `1`/`0`,
/// floats print with PHP's `precision = 14` (infinities and NaN as `INF`, `-INF`, `NAN`, as PHP
/// prints them). `data` must be an array or an object.
pub fn http_build_query(data: &Value) -> Result<String> {
    let mut out = String::new();
    match data {
        Value::Array(_) | Value::Object(_) => append_members(&mut out, data, None)?,
        _ => return Err(LoyaltyError::invalid("", "http_build_query takes an array or an object")),
    }
    Ok(out)
}

fn append_members(out: &mut String, data: &Value, prefix: Option<&str>) -> Result<()> {
    match data {
        Value::Array(a) => {
            for (k, v) in a.iter() {
                append_member(out, &k.to_text(), v, prefix)?;
            }
        }
        Value::Object(o) => {
            for (k, v) in o.iter() {
                append_member(out, k, v, prefix)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// One `name=value` pair (or, for an array, its members under `name[…]`), written straight
/// into `out`: no intermediate strings but the name of a nested array.
fn append_member(out: &mut String, key: &str, value: &Value, prefix: Option<&str>) -> Result<()> {
    match value {
        Value::Null => return Ok(()),
        Value::Array(_) | Value::Object(_) => {
            let mut name = String::new();
            write_name(&mut name, key, prefix);
            return append_members(out, value, Some(&name));
        }
        _ => {}
    }
    if !out.is_empty() {
        out.push('&');
    }
    write_name(out, key, prefix);
    out.push('=');
    match value {
        Value::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_nan() => out.push_str("NAN"),
        Value::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "INF" } else { "-INF" }),
        Value::Float(f) => {
            let mut s = String::new();
            write_double(&mut s, *f, Precision::Digits(14), 'E');
            encode_into(out, &s, true);
        }
        Value::Str(s) => encode_into(out, s, true),
        Value::Null | Value::Array(_) | Value::Object(_) => {} // handled above
    }
    Ok(())
}

/// `key`, or `prefix[key]`, urlencoded (the brackets as `%5B`, `%5D`).
fn write_name(out: &mut String, key: &str, prefix: Option<&str>) {
    match prefix {
        None => encode_into(out, key, true),
        Some(p) => {
            out.push_str(p);
            out.push_str("%5B");
            encode_into(out, key, true);
            out.push_str("%5D");
        }
    }
}

/// PHP's `parse_str($query, $array)` (what `$_GET` holds) for flat names: pairs split at `&`,
/// name and value `urldecode`d, leading spaces of a name dropped, `.` and ` ` in it made `_`,
/// integer-like names made integer keys, a repeated name keeping its first place and last value.
/// `None` for what this reading does not cover: a name with `[` (PHP nests those), a NUL in a
/// name, or bytes that are not UTF-8.
pub fn parse_query(query: &str) -> Option<Array> {
    let mut array = Array::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = urldecode(name)?;
        let name = name.trim_start_matches(' ');
        if name.contains(['[', '\0']) {
            return None;
        }
        if name.is_empty() {
            continue;
        }
        array.set(name.replace([' ', '.'], "_"), Value::Str(urldecode(value)?));
    }
    Some(array)
}

/// PHP's `urldecode`: `+` is a space, `%XX` a byte, anything else kept; `None` when the bytes
/// are not UTF-8.
pub fn urldecode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8); // no-panic: two hex digits make at most 255
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// PHP's `urlencode`: RFC 1738, space as `+`.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s, true);
    out
}

/// PHP's `rawurlencode`: RFC 3986, space as `%20`, `~` kept.
pub fn rawurlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s, false);
    out
}

/// The bytes `urlencode` keeps as they are (`A-Za-z0-9-_.`); `rawurlencode` keeps `~` too.
const UNRESERVED: [bool; 256] = {
    let mut keep = [false; 256];
    let mut b = 0;
    while b < 256 {
        keep[b] = (b >= b'A' as usize && b <= b'Z' as usize)
            || (b >= b'a' as usize && b <= b'z' as usize)
            || (b >= b'0' as usize && b <= b'9' as usize)
            || b == b'-' as usize
            || b == b'_' as usize
            || b == b'.' as usize;
        b += 1;
    }
    keep
};

/// Appends `s` percent-encoded (every byte but the unreserved ones as `%XX`, a space as `+`
/// in form encoding), built as bytes: the result is ASCII.
fn encode_into(out: &mut String, s: &str, form: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf: Vec<u8> = Vec::with_capacity(s.len() * 3); // the most `%XX` can take
    for &b in s.as_bytes() {
        if UNRESERVED[usize::from(b)] || (b == b'~' && !form) {
            buf.push(b);
        } else if b == b' ' && form {
            buf.push(b'+');
        } else {
            buf.push(b'%');
            buf.push(HEX[usize::from(b >> 4)]);
            buf.push(HEX[usize::from(b & 15)]);
        }
    }
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default()); // ASCII, always UTF-8
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_strings_are_read_as_php_parse_str_reads_them() {
        // php -r 'parse_str("a.b=1&+c=2&a.b=3&10=x&e%20f=%2Fy+z&=q&g&h=%ZZ", $o); echo json_encode($o);'
        let parsed = parse_query("a.b=1&+c=2&a.b=3&10=x&e%20f=%2Fy+z&=q&g&h=%ZZ").unwrap();
        assert_eq!(
            crate::php::json_encode(&Value::Array(parsed)).unwrap(),
            r#"{"a_b":"3","c":"2","10":"x","e_f":"\/y z","g":"","h":"%ZZ"}"#
        );
        assert!(parse_query("a[b]=1").is_none() && parse_query("a=%FF").is_none());
    }

    use super::*;
    use crate::php::Array;

    #[test]
    fn builds_queries_as_php_does() {
        // Expected text printed by PHP 8.2's http_build_query for the same array.
        let data = Value::Array(Array::from_pairs([
            ("a", Value::Float(0.1 + 0.2)),
            ("b", Value::Float(1e25)),
            ("c", Value::Float(-0.0)),
            ("d", Value::Float(1.5)),
            ("e", Value::Bool(true)),
            ("f", Value::Bool(false)),
            ("g", Value::Null),
            ("h", Value::Array(Array::from_pairs([("x", Value::Int(1)), ("y", Value::Array(Array::list([1.into(), 2.into()])))]))),
            ("i", Value::str("a b~*+/")),
            ("j", Value::Float(1e20)),
            ("k", Value::Float(0.00001)),
            ("l", Value::Array(Array::new())),
        ]));
        assert_eq!(
            http_build_query(&data).unwrap(),
            "a=0.3&b=1.0E%2B25&c=-0&d=1.5&e=1&f=0&h%5Bx%5D=1&h%5By%5D%5B0%5D=1&h%5By%5D%5B1%5D=2&i=a+b%7E%2A%2B%2F&j=1.0E%2B20&k=1.0E-5"
        );
        assert_eq!(rawurlencode("a b~+"), "a%20b~%2B");
    }

    #[test]
    fn infinities_and_nan_print_as_php_prints_them() {
        // PHP 8.2: http_build_query(["a"=>INF,"b"=>-INF,"c"=>NAN]) is "a=INF&b=-INF&c=NAN"; json_decode
        // gives INF for 1e400, so this is reachable from any JSON text.
        let data = Value::Array(Array::from_pairs([
            ("a", Value::Float(f64::INFINITY)),
            ("b", Value::Float(f64::NEG_INFINITY)),
            ("c", Value::Float(f64::NAN)),
        ]));
        assert_eq!(http_build_query(&data).unwrap(), "a=INF&b=-INF&c=NAN");
    }
}
