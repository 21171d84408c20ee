//! JSON text straight to PHP's `json_encode(json_decode($text, true))`, without building
//! values: the fast path of signing. It handles what ordinary payloads hold — strings (any
//! escapes), integers, `true`/`false`/`null`, arrays, objects without repeated keys, to a
//! modest depth — and answers `None` for anything else (a float, an integer beyond 64 bits,
//! `-0`, a repeated key, deep nesting, text that is not JSON), for which the caller takes the
//! full decode → encode path, the one that knows every PHP rule. It never answers differently
//! from that path (tested below against it, and through `lootly::sign` against php-cli).

use super::decode::{simple_escape, surrogate_pair, STRING_STOPS};
use super::encode::{decimal_digits, write_string};
use super::value::Key;
use std::borrow::Cow;
use std::ops::Range;

/// Nesting beyond this is left to the full path (which knows PHP's depth limits).
const MAX_DEPTH: usize = 64;
/// Objects with more members than this are left to the full path (repeated keys are checked
/// pairwise here).
const MAX_MEMBERS: usize = 64;

/// A top-level JSON object's members as PHP holds them: each key as PHP's array key, and the
/// `json_encode` text of its value (a range of `text`).
#[derive(Debug, Default)]
pub struct Members {
    pub text: String,
    pub members: Vec<(Key, Range<usize>)>,
}

impl Members {
    /// The encoded value of member `i`.
    pub fn value(&self, i: usize) -> &str {
        self.members.get(i).and_then(|(_, r)| self.text.get(r.clone())).unwrap_or_default()
    }
}

/// The members of a top-level JSON object, in their order, values re-encoded as PHP's
/// `json_encode` writes what `json_decode($text, true)` made of them; `None` when the text is
/// not such an object or holds something only the full path handles (see the module docs).
pub fn object_members(text: &str) -> Option<Members> {
    let mut t = Transcoder { text, s: text.as_bytes(), at: 0, depth: 0 };
    t.skip_ws();
    t.expect(b'{')?; // no-panic: our own expect(), which returns None
    let mut out = Members { text: String::with_capacity(text.len() + text.len() / 4), members: Vec::with_capacity(16) };
    let mut keys: Vec<Cow<str>> = Vec::with_capacity(16);
    t.skip_ws();
    if t.peek() == Some(b'}') {
        t.at += 1;
    } else {
        loop {
            t.skip_ws();
            let key = t.string_value()?;
            if keys.len() >= MAX_MEMBERS || keys.contains(&key) {
                return None;
            }
            t.skip_ws();
            t.expect(b':')?; // no-panic: our own expect(), which returns None
            let start = out.text.len();
            t.value(&mut out.text)?;
            out.members.push((Key::from_php_string(key.clone().into_owned()), start..out.text.len()));
            keys.push(key);
            t.skip_ws();
            match t.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    t.skip_ws();
    (t.at == t.s.len()).then_some(out)
}

struct Transcoder<'a> {
    text: &'a str,
    s: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> Transcoder<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self, out: &mut String) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'{' => self.object(out),
            b'[' => self.array(out),
            b'"' => {
                let s = self.string_value()?;
                write_string(out, &s);
                Some(())
            }
            b't' => self.literal("true", out),
            b'f' => self.literal("false", out),
            b'n' => self.literal("null", out),
            b'-' | b'0'..=b'9' => self.integer(out),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str, out: &mut String) -> Option<()> {
        self.s.get(self.at..)?.starts_with(word.as_bytes()).then_some(())?;
        self.at += word.len();
        out.push_str(word);
        Some(())
    }

    /// An integer that PHP decodes as an integer and prints back as the same digits: JSON's
    /// grammar, no fraction or exponent, within 64 bits, not `-0`.
    fn integer(&mut self, out: &mut String) -> Option<()> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = self.s.get(self.at..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        let first = self.peek()?;
        if digits == 0 || (first == b'0' && (digits > 1 || self.at > start)) {
            return None; // not JSON ("01", "-"), or -0
        }
        self.at += digits;
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None; // a float: the full path prints it
        }
        let number = self.text.get(start..self.at)?;
        number.parse::<i64>().ok()?;
        out.push_str(number);
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.at += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn array(&mut self, out: &mut String) -> Option<()> {
        self.enter()?;
        out.push('[');
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                self.value(out)?;
                self.skip_ws();
                match self.next()? {
                    b',' => out.push(','),
                    b']' => break,
                    _ => return None,
                }
            }
        }
        out.push(']');
        self.depth -= 1;
        Some(())
    }

    /// An object as PHP's array: `{}` and objects keyed `"0"`, `"1"`, … in order are lists.
    fn object(&mut self, out: &mut String) -> Option<()> {
        self.enter()?;
        let start = out.len();
        out.push('{');
        let mut keys: Vec<Cow<str>> = Vec::new();
        let mut values: Vec<Range<usize>> = Vec::new();
        let mut list = true;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_ws();
                let key = self.string_value()?;
                if keys.len() >= MAX_MEMBERS || keys.contains(&key) {
                    return None;
                }
                list = list && is_index(&key, keys.len());
                if !keys.is_empty() {
                    out.push(',');
                }
                write_string(out, &key);
                out.push(':');
                self.skip_ws();
                self.expect(b':')?; // no-panic: our own expect(), which returns None
                let value_start = out.len();
                self.value(out)?;
                values.push(value_start..out.len());
                keys.push(key);
                self.skip_ws();
                match self.next()? {
                    b',' => continue,
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        if list {
            let mut items = String::with_capacity(out.len() - start);
            items.push('[');
            for (i, range) in values.iter().enumerate() {
                if i > 0 {
                    items.push(',');
                }
                items.push_str(out.get(range.clone())?);
            }
            items.push(']');
            out.truncate(start);
            out.push_str(&items);
        } else {
            out.push('}');
        }
        self.depth -= 1;
        Some(())
    }

    /// A JSON string's value: borrowed from the text when it has no escapes.
    fn string_value(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?; // no-panic: our own expect(), which returns None
        let start = self.at;
        let run = self.s.get(start..)?.iter().position(|&b| STRING_STOPS[usize::from(b)])?;
        self.at += run;
        if self.next()? == b'"' {
            return Some(Cow::Borrowed(self.text.get(start..start + run)?));
        }
        self.at -= 1;
        if self.s.get(self.at) != Some(&b'\\') {
            return None; // a control character: not JSON
        }
        let mut s = String::with_capacity(run + 16);
        s.push_str(self.text.get(start..start + run)?);
        loop {
            match self.next()? {
                b'"' => return Some(Cow::Owned(s)),
                b'\\' => s.push(self.escape()?),
                b if b < 0x20 => return None,
                _ => {
                    // Copy the run up to the next delimiter (whole characters: it ends at ASCII).
                    let from = self.at - 1;
                    let more = self.s.get(self.at..)?.iter().position(|&b| STRING_STOPS[usize::from(b)])?;
                    self.at += more;
                    s.push_str(self.text.get(from..self.at)?);
                }
            }
        }
    }

    fn escape(&mut self) -> Option<char> {
        let c = self.next()?;
        if c != b'u' {
            return simple_escape(c);
        }
        let unit = self.hex4()?;
        if (0xd800..0xdc00).contains(&unit) {
            if self.next()? != b'\\' || self.next()? != b'u' {
                return None;
            }
            surrogate_pair(unit, self.hex4()?)
        } else {
            char::from_u32(unit) // a lone low surrogate is None: the full path refuses it
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.at..self.at + 4)?;
        let mut unit = 0;
        for &d in digits {
            unit = unit * 16 + (d as char).to_digit(16)?;
        }
        self.at += 4;
        Some(unit)
    }
}

/// Whether `key` is the array key `i` (`"0"`, `"1"`, … exactly as PHP writes integers).
fn is_index(key: &str, i: usize) -> bool {
    key.as_bytes() == decimal_digits(i as u64, &mut [0u8; 20])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::{json_decode, json_encode, Mode, Value};

    /// What the full path makes of the text's members: `(key, json_encode(value))`.
    fn full_path(text: &str) -> Option<Vec<(Key, String)>> {
        let Ok(Value::Array(a)) = json_decode(text, Mode::Assoc) else { return None };
        a.iter().map(|(k, v)| json_encode(v).ok().map(|e| (k.clone(), e))).collect()
    }

    fn fast_path(text: &str) -> Option<Vec<(Key, String)>> {
        let m = object_members(text)?;
        Some(m.members.iter().enumerate().map(|(i, (k, _))| (k.clone(), m.value(i).to_string())).collect())
    }

    /// The fast path answers as the full path does, or not at all; `handled` says which.
    fn check(text: &str, handled: bool) {
        let fast = fast_path(text);
        assert_eq!(fast.is_some(), handled, "{text}");
        if let Some(fast) = fast {
            assert_eq!(Some(fast), full_path(text), "{text}");
        }
    }

    #[test]
    fn ordinary_payloads_take_the_fast_path() {
        for text in [
            r#"{}"#,
            r#" { "id" : "100001" , "n" : [ 1 , -2 , 0 ] , "t" : true , "f" : false , "z" : null } "#,
            r#"{"customer":{"z":1,"a":2,"m":{"y":1,"b":2}},"10":"a","9":"b","":"e","-1":"f","1e1":"d"}"#,
            r#"{"o":{},"a":[],"n":{"x":{}},"l":{"0":"a","1":"b"},"p":{"1":"a","0":"b"},"q":{"0":"a","2":"b"},"r":{"00":1}}"#,
            r#"{"s":"\u0061\u00e9\ud83d\ude00\/\\\"\n\t\b\f\r\u0000\u2028 José 東京 😀 a/b <>&'","k\u00e9y":"\u007f"}"#,
            r#"{"max":9223372036854775807,"min":-9223372036854775808,"deep":[[[[{"a":[{"b":[]}]}]]]]}"#,
            r#"{"nested dup in another object":{"a":1},"other":{"a":2}}"#,
        ] {
            check(text, true);
        }
    }

    #[test]
    fn everything_else_is_left_to_the_full_path() {
        for text in [
            r#"{"a":1.5}"#, r#"{"a":1e2}"#, r#"{"a":-0}"#, r#"{"a":-0.0}"#, r#"{"a":9223372036854775808}"#,
            r#"{"a":1,"a":2}"#, r#"{"o":{"b":1,"b":2}}"#, r#"[]"#, r#"[1]"#, r#""text""#, r#"{"a":01}"#,
            r#"{"a":"\ud800"}"#, r#"{"a":"\udc00"}"#, r#"{"a":"\ud800\u0041"}"#, "{\"a\":\"\u{1}\"}", r#"{"a":"\x"}"#,
            r#"{"a":1,}"#, r#"{"a":[1,]}"#, r#"{"a":1} x"#, r#"{"a" 1}"#, r#"{"a":tru}"#, r#"{"a":-}"#, r#"{"a":1"#, "",
        ] {
            check(text, false);
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        check(&deep, false);
        let many: Vec<String> = (0..=MAX_MEMBERS).map(|i| format!("\"k{i}\":{i}")).collect();
        check(&format!("{{{}}}", many.join(",")), false);
    }

    /// Random JSON-like texts (valid or not, with repeated keys, list-like objects, escapes,
    /// numbers of every kind): the fast path agrees with the full path on every one it takes.
    #[test]
    fn random_texts_agree_with_the_full_path() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        const KEYS: [&str; 10] = ["0", "1", "2", "a", "b", "01", "-0", "1e1", "\\u00e9", "key"];
        const SCALARS: [&str; 16] = ["0", "-1", "12", "-0", "1.5", "1e3", "9223372036854775808", "true", "false", "null",
            "\"x\"", "\"\\/\\\"é\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"a/b\"", "01"];
        fn gen(next: &mut impl FnMut(u64) -> u64, depth: u32, out: &mut String) {
            match if depth > 3 { 0 } else { next(4) } {
                0 | 1 => out.push_str(SCALARS[next(16) as usize]),
                2 => {
                    out.push('[');
                    for i in 0..next(4) {
                        if i > 0 {
                            out.push(',');
                        }
                        gen(next, depth + 1, out);
                    }
                    out.push(']');
                }
                _ => {
                    out.push('{');
                    for i in 0..next(5) {
                        if i > 0 {
                            out.push(',');
                        }
                        let key = if next(2) == 0 { i.to_string() } else { KEYS[next(10) as usize].to_string() };
                        out.push_str(&format!("\"{key}\":"));
                        gen(next, depth + 1, out);
                    }
                    out.push('}');
                }
            }
        }
        let (mut taken, mut total) = (0, 0);
        for _ in 0..20_000 {
            let mut text = String::new();
            gen(&mut next, 0, &mut text);
            let text = if next(2) == 0 { format!("{{\"p\":{text},\"q\":1}}") } else { text };
            total += 1;
            if let Some(fast) = fast_path(&text) {
                taken += 1;
                assert_eq!(Some(fast), full_path(&text), "{text}");
            }
        }
        assert!(taken > total / 10, "the fast path took only {taken} of {total}");
    }
}
