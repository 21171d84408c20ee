//! PHP's `json_decode`: the same texts accepted and refused, the same values produced.
//!
//! With [`Mode::Assoc`] (`json_decode($json, true)`, what Lootly's server does) every object
//! becomes an array: `{}` is `[]`, `{"0":…,"1":…}` is a list, `"12"` keys are integers. A
//! repeated key keeps its first position and its last value. Integers beyond 64 bits become
//! floats; `-0` is the integer 0 and `-0.0` the float -0.

use super::value::{Array, Builder, Key, Value};
use crate::error::{LoyaltyError, Result};

/// What JSON objects become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `json_decode($json, true)`: associative arrays.
    Assoc,
    /// `json_decode($json)`: `stdClass` objects.
    Objects,
}

/// The deepest nesting `json_decode` accepts with its default `$depth = 512`.
pub const DECODE_DEPTH: usize = 511;

/// Decodes JSON text as PHP's `json_decode` does.
pub fn json_decode(text: &str, mode: Mode) -> Result<Value> {
    let mut p = Parser { text, s: text.as_bytes(), at: 0, mode, depth: 0 };
    let value = p.value()?;
    p.skip_ws();
    if p.at != p.s.len() {
        return Err(p.error("unexpected data after the value"));
    }
    Ok(value)
}

/// Decodes raw bytes (an HTTP body). Text that is not UTF-8 is refused, as PHP refuses it.
pub fn json_decode_bytes(bytes: &[u8], mode: Mode) -> Result<Value> {
    match std::str::from_utf8(bytes) {
        Ok(text) => json_decode(text, mode),
        Err(e) => Err(LoyaltyError::InvalidJson { offset: e.valid_up_to(), reason: "malformed UTF-8" }),
    }
}

/// The bytes that end a run of plain string content: `"`, `\\` and control characters.
pub(super) const STRING_STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        stops[b] = true;
        b += 1;
    }
    stops[b'"' as usize] = true;
    stops[b'\\' as usize] = true;
    stops
};

/// The character a one-letter JSON escape (`\n`, `\"`, …) stands for; `None` for any other
/// letter, `u` included.
#[inline]
pub(super) fn simple_escape(c: u8) -> Option<char> {
    Some(match c {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// The character a UTF-16 surrogate pair (two `\u` escapes) stands for; `None` when `high` and
/// `low` are not a high and a low surrogate.
#[inline]
pub(super) fn surrogate_pair(high: u32, low: u32) -> Option<char> {
    if !(0xd800..0xdc00).contains(&high) || !(0xdc00..0xe000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    at: usize,
    mode: Mode,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> LoyaltyError {
        LoyaltyError::InvalidJson { offset: self.at, reason }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end of text")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value> {
        if self.s[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected character"))
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > DECODE_DEPTH {
            return Err(LoyaltyError::TooDeep { limit: DECODE_DEPTH });
        }
        self.at += 1;
        Ok(())
    }

    /// After an element: `true` when another follows (`,`), `false` at the closing bracket.
    fn next_element(&mut self, close: u8) -> Result<bool> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(self.error("expected ',' or a closing bracket")),
        }
    }

    /// Whether the container closes at once (`[]`, `{}`).
    fn closes_empty(&mut self, close: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(close) {
            self.at += 1;
            return true;
        }
        false
    }

    fn array(&mut self) -> Result<Value> {
        self.enter()?;
        let mut items = Vec::new();
        if !self.closes_empty(b']') {
            loop {
                items.push(self.value()?);
                if !self.next_element(b']')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Array(Array::list(items)))
    }

    fn object(&mut self) -> Result<Value> {
        self.enter()?;
        let mut assoc = Builder::<Key>::default();
        let mut object = Builder::<String>::default();
        if !self.closes_empty(b'}') {
            loop {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a string key"));
                }
                let key_at = self.at;
                let key = self.string()?;
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(self.error("expected ':'"));
                }
                self.at += 1;
                let value = self.value()?;
                match self.mode {
                    Mode::Assoc => assoc.set(Key::from_php_string(key), value),
                    Mode::Objects if key.starts_with('\0') => {
                        return Err(LoyaltyError::InvalidJson { offset: key_at, reason: "property name starts with \\u0000" })
                    }
                    Mode::Objects => object.set(key, value),
                }
                if !self.next_element(b'}')? {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(match self.mode {
            Mode::Assoc => Value::Array(assoc.finish()),
            Mode::Objects => Value::Object(object.finish_object()),
        })
    }

    fn string(&mut self) -> Result<String> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        let mut first = true;
        loop {
            let run = self.s[self.at..].iter().position(|&b| STRING_STOPS[usize::from(b)]);
            let Some(run) = run else { return Err(self.error("unterminated string")) };
            // A run ends at an ASCII delimiter, so it is whole characters of the input text.
            let text = self.text.get(self.at..self.at + run).unwrap_or_default();
            if first {
                // Most strings have no escape: one allocation of the exact size, no regrowth.
                let plain = self.s.get(self.at + run) == Some(&b'"');
                out = String::with_capacity(if plain { run } else { run + 16 });
                first = false;
            }
            out.push_str(text);
            self.at += run;
            match self.s[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => self.escape(&mut out)?,
                _ => return Err(self.error("control character in a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        self.at += 1;
        let c = self.peek().ok_or_else(|| self.error("unterminated string"))?;
        self.at += 1;
        if c != b'u' {
            out.push(simple_escape(c).ok_or_else(|| self.error("invalid escape"))?);
            return Ok(());
        }
        let unit = u32::from(self.hex4()?);
        let ch = match unit {
            0xd800..=0xdbff => {
                if self.s[self.at..].starts_with(b"\\u") {
                    self.at += 2;
                    let low = self.hex4()?;
                    surrogate_pair(unit, u32::from(low))
                } else {
                    None
                }
            }
            _ => char::from_u32(unit),
        };
        let Some(ch) = ch else { return Err(self.error("unpaired UTF-16 surrogate")) };
        out.push(ch);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16> {
        let digits = self.s.get(self.at..self.at + 4).ok_or_else(|| self.error("short \\u escape"))?;
        let mut unit = 0u16;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or_else(|| self.error("invalid \\u escape"))?;
            unit = unit * 16 + v as u16;
        }
        self.at += 4;
        Ok(unit)
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.at;
        // no-panic: `from` is self.at (<= len) or just past bytes peek()/get() saw (<= len).
        let digits = |p: &Self, from: usize| p.s[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_digits = digits(self, self.at);
        if int_digits == 0 || (self.s[self.at] == b'0' && int_digits > 1) {
            return Err(self.error("invalid number"));
        }
        self.at += int_digits;
        let mut float = false;
        if self.peek() == Some(b'.') {
            let n = digits(self, self.at + 1);
            if n == 0 {
                return Err(self.error("invalid number"));
            }
            self.at += 1 + n;
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let mut e = self.at + 1;
            if matches!(self.s.get(e), Some(b'+' | b'-')) {
                e += 1;
            }
            let n = digits(self, e);
            if n == 0 {
                return Err(self.error("invalid number"));
            }
            self.at = e + n;
            float = true;
        }
        // Every byte of a number token is ASCII.
        let text = std::str::from_utf8(&self.s[start..self.at]).unwrap_or("0");
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        Ok(Value::Float(text.parse().unwrap_or(0.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::json_encode;

    fn round_trip(text: &str, mode: Mode) -> String {
        json_encode(&json_decode(text, mode).unwrap()).unwrap()
    }

    #[test]
    fn decodes_as_php_does() {
        let cases = [
            (r#"{}"#, "[]", "{}"),
            (r#"{"1":"a","0":"b"}"#, r#"{"1":"a","0":"b"}"#, r#"{"1":"a","0":"b"}"#),
            (r#"{"0":"a","1":"b"}"#, r#"["a","b"]"#, r#"{"0":"a","1":"b"}"#),
            (r#"{"a":1,"b":2,"a":3}"#, r#"{"a":3,"b":2}"#, r#"{"a":3,"b":2}"#),
            ("[-0, -0.0, 1E2, 10.50, 9223372036854775808]", "[0,-0,100,10.5,9.223372036854776e+18]", ""),
            (r#""\ud83d\ude00\/""#, r#""\ud83d\ude00\/""#, ""),
        ];
        for (text, assoc, objects) in cases {
            assert_eq!(round_trip(text, Mode::Assoc), assoc, "{text}");
            if !objects.is_empty() {
                assert_eq!(round_trip(text, Mode::Objects), objects, "{text}");
            }
        }
    }

    #[test]
    fn refuses_what_php_refuses() {
        for text in ["", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
            "\"a\u{1}\"", "\"\\x\"", "TRUE", "[1] x", "{\"a\" 1}", "nul", "\"abc"]
        {
            assert_eq!(json_decode(text, Mode::Assoc).unwrap_err().code(), "invalid_json", "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(DECODE_DEPTH + 1), "]".repeat(DECODE_DEPTH + 1));
        assert_eq!(json_decode(&deep, Mode::Assoc).unwrap_err().code(), "too_deep");
        let ok = format!("{}{}", "[".repeat(DECODE_DEPTH), "]".repeat(DECODE_DEPTH));
        assert!(json_decode(&ok, Mode::Assoc).is_ok());
    }
}
