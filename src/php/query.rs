//! PHP's `http_build_query($data)` and `urlencode`: how WoowUp's PHP code writes form bodies
//! and query strings (RFC 1738: space as `+`, everything but `A-Za-z0-9-_.` as `%XX`).

use super::number::{write_double, Precision};
use super::value::Value;
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
    let members: Vec<(String, &Value)> = match data {
        Value::Array(a) => a.iter().map(|(k, v)| (k.to_text().into_owned(), v)).collect(),
        Value::Object(o) => o.iter().map(|(k, v)| (k.to_string(), v)).collect(),
        _ => return Ok(()),
    };
    for (key, value) in members {
        let name = match prefix {
            None => urlencode(&key),
            Some(p) => format!("{p}%5B{}%5D", urlencode(&key)),
        };
        let scalar = match value {
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                append_members(out, value, Some(&name))?;
                continue;
            }
            Value::Bool(b) => (if *b { "1" } else { "0" }).to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_nan() => "NAN".to_string(),
            Value::Float(f) if f.is_infinite() => (if *f > 0.0 { "INF" } else { "-INF" }).to_string(),
            Value::Float(f) => {
                let mut s = String::new();
                write_double(&mut s, *f, Precision::Digits(14), 'E');
                urlencode(&s)
            }
            Value::Str(s) => urlencode(s),
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&name);
        out.push('=');
        out.push_str(&scalar);
    }
    Ok(())
}

/// PHP's `urlencode`: RFC 1738, space as `+`.
pub fn urlencode(s: &str) -> String {
    encode(s, true)
}

/// PHP's `rawurlencode`: RFC 3986, space as `%20`, `~` kept.
pub fn rawurlencode(s: &str) -> String {
    encode(s, false)
}

fn encode(s: &str, form: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b'~' if !form => out.push('~'),
            b' ' if form => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
