//! Differential test against php-cli: thousands of generated payloads, each decoded, encoded,
//! queried, signed and verified by us and by PHP (`tests/php/oracle.php`, one process for the
//! whole batch). Every byte must agree. A failure is shrunk to a minimal payload.
//!
//! The same payloads go to a PHP 7.4 server too (`tests/php/server7.php` on real PHP 7.4, see
//! tests/php7/): every body we sign for an unknown PHP version verifies on both, every body
//! signed for PHP 7 verifies there, our PHP 7 `ksort` is PHP 7's, and every payload we refuse as
//! `php_version_dependent` is one whose PHP 8 body a PHP 7 server refuses.
//!
//! `DIFF_CASES` (default 12000) and `DIFF_SEED` (default fixed) change the run; the seed is
//! printed on failure so that it can be replayed.

use loyalty_connector::lootly::{self, Credentials, ServerPhp};
use loyalty_connector::php::{self, Mode, Value};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const API_KEY: &str = "pk_test/ключ+1";
const API_SECRET: &str = "sk_test/clé-🔑";
const DEFAULT_CASES: usize = 12_000;
const DEFAULT_SEED: u64 = 0x5eed_2026_0522;

// ----------------------------------------------------------------------------------------------
// A small deterministic PRNG (SplitMix64): no dependency, the same sequence on every machine.
// ----------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ----------------------------------------------------------------------------------------------
// Payloads: a tree, rendered to JSON text with random (but seeded) escapes and whitespace.
// ----------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Node {
    Lit(&'static str),
    /// A number exactly as written in the text.
    Num(String),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

const WORDS: &[&str] = &[
    "id", "total_price", "customer", "email", "a", "b", "Z", "_", "name", "discount_codes", "amount", "zip", "x-y",
    "hmac", "_url", "key", "t", "AA", "aa", "point_value",
];
const NUMERIC_KEYS: &[&str] = &[
    "0", "1", "2", "10", "9", "01", "-0", "-1", "1.5", " 5", "5 ", "1e3", "1E3", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "9223372036854775808 ", "", "0x1A",
    "9a", "1e1", "1f", "+1", ".5", "5.", "00", "007", "1e400", "inf", " ", "١", "1.0", "1 ", "12345678901234567890",
];

fn gen_char(rng: &mut Rng) -> char {
    let pick = rng.below(100);
    let code = match pick {
        0..=39 => 0x20 + rng.below(0x5f) as u32,
        40..=49 => *rng.pick(&[0x2f, 0x22, 0x5c, 0x2f, 0x3c, 0x26, 0x27]),
        50..=57 => rng.below(0x20) as u32,
        58 => 0x7f,
        59..=61 => *rng.pick(&[0x2028, 0x2029, 0xfeff, 0xfffd, 0xffff, 0x85, 0xa0]),
        62..=74 => 0x80 + rng.below(0x780) as u32,
        75..=87 => {
            // The rest of the BMP, skipping the surrogates.
            let c = 0x800 + rng.below(0x10000 - 0x800 - 0x800) as u32;
            if c >= 0xd800 { c + 0x800 } else { c }
        }
        _ => 0x10000 + rng.below(0x100000) as u32,
    };
    char::from_u32(code).unwrap_or('?')
}

fn gen_string(rng: &mut Rng, max: usize) -> String {
    let len = if rng.chance(15) { 0 } else { rng.below(max + 1) };
    (0..len).map(|_| gen_char(rng)).collect()
}

fn gen_key(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=3 => rng.pick(WORDS).to_string(),
        4..=6 => rng.pick(NUMERIC_KEYS).to_string(),
        7 => (rng.next() as i64 % 100_000).to_string(),
        _ => gen_string(rng, 6),
    }
}

/// Between `min` and `min + spread - 1` decimal digits, the first not 0.
fn digits(rng: &mut Rng, min: usize, spread: usize) -> String {
    let n = min + rng.below(spread);
    (0..n).map(|i| char::from(b'0' + if i == 0 { 1 + rng.below(9) as u8 } else { rng.below(10) as u8 })).collect()
}

/// A number in one of the many ways JSON can write it.
fn gen_number(rng: &mut Rng) -> String {
    let sign = if rng.chance(30) { "-" } else { "" };
    match rng.below(16) {
        0 => format!("{sign}{}", rng.below(1000)),
        1 => format!("{}", rng.next() as i64),
        2 => format!("{sign}{}", *rng.pick(&["9223372036854775807", "9223372036854775808", "9223372036854775809",
            "18446744073709551615", "18446744073709551616", "9007199254740993", "0", "10000000000000000", "100000000000000000"])),
        3 => format!("{sign}{}", digits(rng, 19, 12)),
        4 => format!("{sign}{}.{}", rng.below(1000), digits(rng, 1, 4)),
        5 => format!("{sign}{}.0", rng.below(100)),
        6 => format!("{sign}{}{}{}{}", digits(rng, 1, 3), *rng.pick(&["e", "E"]), *rng.pick(&["", "+", "-"]), rng.below(30)),
        7 => format!("{sign}{}.{}e{}{}", digits(rng, 1, 3), digits(rng, 1, 3), *rng.pick(&["", "-", "+"]), rng.below(330)),
        8 => (*rng.pick(&["-0.0", "-0", "0.0", "0e0", "-0E-5", "0.1", "0.2", "0.30000000000000004", "1e16", "1e17", "1e-4",
            "1e-5", "0.0001", "5e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "15.90", "10.0", "1E+5"])).to_string(),
        9 | 10 => {
            // Any finite double, written shortest, in exponent form, or with extra digits.
            let f = loop {
                let f = f64::from_bits(rng.next());
                if f.is_finite() {
                    break f;
                }
            };
            match rng.below(3) {
                0 => format!("{f:e}"),
                1 => format!("{f:.17e}"),
                _ => format!("{f:?}"),
            }
        }
        11 => {
            // Doubles of ordinary size, as a shop would send them.
            let f = (rng.next() % 10_000_000) as f64 / [1.0, 10.0, 100.0, 1000.0][rng.below(4)];
            format!("{sign}{f:?}")
        }
        12 => format!("{sign}0.{}{}", "0".repeat(rng.below(8)), digits(rng, 1, 5)),
        13 => format!("{sign}{}{}", digits(rng, 1, 4), "0".repeat(rng.below(25))),
        14 if rng.chance(10) => (*rng.pick(&["1e400", "-1e400", "1e999"])).to_string(),
        _ => format!("{sign}{}", rng.below(100_000)),
    }
}

fn gen_value(rng: &mut Rng, depth: usize) -> Node {
    let roll = rng.below(100);
    if depth >= 5 || roll < 55 {
        return match rng.below(12) {
            0 => Node::Lit(["null", "true", "false"][rng.below(3)]),
            1..=5 => Node::Num(gen_number(rng)),
            _ => Node::Str(gen_string(rng, 16)),
        };
    }
    if roll < 58 && depth < 3 {
        // A narrow deep chain.
        let mut node = gen_value(rng, 5);
        for _ in 0..rng.below(40) {
            node = if rng.chance(50) { Node::Arr(vec![node]) } else { Node::Obj(vec![(gen_key(rng), node)]) };
        }
        return node;
    }
    let n = if rng.chance(20) { 0 } else { rng.below(6) };
    if roll < 78 {
        Node::Arr((0..n).map(|_| gen_value(rng, depth + 1)).collect())
    } else {
        Node::Obj(gen_members(rng, n, depth + 1))
    }
}

fn gen_members(rng: &mut Rng, n: usize, depth: usize) -> Vec<(String, Node)> {
    let list_like = rng.chance(10);
    let mut members: Vec<(String, Node)> = Vec::with_capacity(n);
    for i in 0..n {
        let key = if list_like {
            i.to_string()
        } else if !members.is_empty() && rng.chance(5) {
            members[rng.below(members.len())].0.clone() // a repeated key
        } else {
            gen_key(rng)
        };
        members.push((key, gen_value(rng, depth)));
    }
    members
}

/// A top-level payload: an object, without the members the signer refuses (mostly).
fn gen_payload(rng: &mut Rng) -> Node {
    let n = if rng.chance(3) { 0 } else { 1 + rng.below(10) };
    let mut members = gen_members(rng, n, 1);
    if !rng.chance(2) {
        members.retain(|(k, _)| !matches!(k.as_str(), "hmac" | "_url" | "key"));
    }
    if rng.chance(5) {
        members.insert(rng.below(members.len() + 1), ("key".into(), Node::Str(API_KEY.into())));
    }
    Node::Obj(members)
}

/// Renders a tree as JSON text; `style` picks escapes and whitespace.
struct Renderer {
    style: Rng,
    out: String,
}

impl Renderer {
    fn ws(&mut self) {
        if self.style.chance(8) {
            for _ in 0..1 + self.style.below(3) {
                let c = *self.style.pick(&[' ', '\t', '\n', '\r']);
                self.out.push(c);
            }
        }
    }

    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            let escape = self.style.chance(12);
            let hex = |out: &mut String, unit: u16, upper: bool| {
                let _ = if upper { write!(out, "\\u{unit:04X}") } else { write!(out, "\\u{unit:04x}") };
            };
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '/' if escape => self.out.push_str("\\/"),
                '\n' if !escape => self.out.push_str("\\n"),
                '\t' if !escape => self.out.push_str("\\t"),
                '\r' if !escape => self.out.push_str("\\r"),
                '\u{8}' if !escape => self.out.push_str("\\b"),
                '\u{c}' if !escape => self.out.push_str("\\f"),
                c if (c as u32) < 0x20 || escape => {
                    let upper = self.style.chance(30);
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        hex(&mut self.out, *unit, upper);
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn node(&mut self, node: &Node) {
        self.ws();
        match node {
            Node::Lit(s) => self.out.push_str(s),
            Node::Num(s) => self.out.push_str(s),
            Node::Str(s) => self.string(s),
            Node::Arr(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(item);
                }
                self.ws();
                self.out.push(']');
            }
            Node::Obj(members) => {
                self.out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.ws();
                    self.string(k);
                    self.ws();
                    self.out.push(':');
                    self.node(v);
                }
                self.ws();
                self.out.push('}');
            }
        }
        self.ws();
    }
}

/// One generated case: the tree, how it is written, and an optional corruption of the text.
#[derive(Clone, Debug)]
struct Case {
    tree: Node,
    style: u64,
    /// (position per mille, byte): one byte of the text replaced, to test what both refuse.
    corruption: Option<(usize, u8)>,
}

impl Case {
    fn text(&self) -> String {
        let mut r = Renderer { style: Rng(self.style), out: String::new() };
        r.node(&self.tree);
        let mut text = r.out;
        if let Some((per_mille, byte)) = self.corruption {
            let mut at = text.len() * per_mille / 1000;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            text.replace_range(at..end, &char::from(byte).to_string());
        }
        text
    }
}

fn gen_case(rng: &mut Rng) -> Case {
    let tree = gen_payload(rng);
    let style = rng.next();
    let corruption = rng.chance(4).then(|| (rng.below(1000), *rng.pick(b",:[]{}\"\\0-.e }x")));
    Case { tree, style, corruption }
}

// ----------------------------------------------------------------------------------------------
// Shrinking: smaller trees that still fail.
// ----------------------------------------------------------------------------------------------

fn smaller(node: &Node) -> Vec<Node> {
    let mut out = Vec::new();
    match node {
        Node::Lit(_) => {}
        Node::Num(s) => {
            if s != "0" {
                out.push(Node::Num("0".into()));
            }
            if s.len() > 1 {
                out.push(Node::Num(s[..s.len() - 1].to_string()));
            }
        }
        Node::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            if !chars.is_empty() {
                out.push(Node::Str(chars[..chars.len() / 2].iter().collect()));
                out.push(Node::Str(chars[chars.len() / 2..].iter().collect()));
                for i in 0..chars.len().min(8) {
                    let mut c = chars.clone();
                    c.remove(i);
                    out.push(Node::Str(c.into_iter().collect()));
                }
            }
        }
        Node::Arr(items) => {
            out.extend(items.iter().cloned());
            for i in 0..items.len() {
                let mut fewer = items.clone();
                fewer.remove(i);
                out.push(Node::Arr(fewer));
            }
            for i in 0..items.len() {
                for s in smaller(&items[i]) {
                    let mut v = items.clone();
                    v[i] = s;
                    out.push(Node::Arr(v));
                }
            }
        }
        Node::Obj(members) => {
            out.extend(members.iter().map(|(_, v)| v.clone()));
            for i in 0..members.len() {
                let mut fewer = members.clone();
                fewer.remove(i);
                out.push(Node::Obj(fewer));
            }
            for i in 0..members.len() {
                if let Node::Str(k) = smaller(&Node::Str(members[i].0.clone())).into_iter().next().unwrap_or(Node::Lit("")) {
                    let mut m = members.clone();
                    m[i].0 = k;
                    out.push(Node::Obj(m));
                }
                for s in smaller(&members[i].1) {
                    let mut m = members.clone();
                    m[i].1 = s;
                    out.push(Node::Obj(m));
                }
            }
        }
    }
    out
}

// ----------------------------------------------------------------------------------------------
// Running both sides and comparing.
// ----------------------------------------------------------------------------------------------

/// What PHP answered for one case (see tests/php/oracle.php).
#[derive(Debug)]
enum Field {
    Text(String),
    NoValue,
    EncodeFailed,
    Flag(bool),
}

type Signing = Result<lootly::Signed, loyalty_connector::LoyaltyError>;

struct Ours {
    text: String,
    /// Signed for a PHP 8 server: what the PHP 8 oracle checks byte for byte.
    signed: Signing,
    /// Signed for an unknown PHP version (the default) and for a PHP 7 server.
    either: Signing,
    php7: Signing,
}

fn ours(text: &str) -> Ours {
    let creds = |php| Credentials::new(API_KEY, API_SECRET).for_server_php(php);
    Ours {
        text: text.to_string(),
        signed: lootly::sign(text, &creds(ServerPhp::Php8)),
        either: lootly::sign(text, &creds(ServerPhp::Either)),
        php7: lootly::sign(text, &creds(ServerPhp::Php7)),
    }
}

fn scratch_file() -> PathBuf {
    std::env::temp_dir().join(format!("loyalty-differential-{}-{:?}.bin", std::process::id(), std::thread::current().id()))
}

/// Writes the cases' records ("<length>\n<bytes>\n", -1 for none) into a batch file.
fn write_batch(path: &PathBuf, cases: &[Ours], records: impl Fn(&Ours) -> Vec<Option<&str>>) {
    let mut batch = Vec::new();
    for case in cases {
        for bytes in records(case) {
            match bytes {
                Some(b) => {
                    batch.extend_from_slice(format!("{}\n", b.len()).as_bytes());
                    batch.extend_from_slice(b.as_bytes());
                    batch.push(b'\n');
                }
                None => batch.extend_from_slice(b"-1\n\n"),
            }
        }
    }
    std::fs::File::create(path).and_then(|mut f| f.write_all(&batch)).expect("write the batch file");
}

fn body(signing: &Signing) -> Option<&str> {
    signing.as_ref().ok().map(|s| s.body.as_str())
}

/// Parses `N` fields per case from an oracle's output.
fn parse_fields<const N: usize>(stdout: &[u8], cases: usize, who: &str) -> Vec<[Field; N]> {
    let mut parser = FieldParser { bytes: stdout, at: 0 };
    let answers: Vec<[Field; N]> = (0..cases).map(|_| std::array::from_fn(|_| parser.field())).collect();
    assert_eq!(parser.at, stdout.len(), "{who} printed more than expected");
    answers
}

/// Runs the oracle once over all cases; ten fields per case.
fn run_php(cases: &[Ours]) -> Vec<[Field; 10]> {
    let path = scratch_file();
    write_batch(&path, cases, |case| vec![Some(&case.text), body(&case.signed)]);
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("php")
        .current_dir(root)
        .args(["-d", "memory_limit=1G", "tests/php/oracle.php"])
        .arg(&path)
        .args([API_KEY, API_SECRET])
        .output()
        .unwrap_or_else(|e| panic!("cannot run php ({e}): the differential test needs php-cli (scripts/need php)"));
    let _ = std::fs::remove_file(&path);
    assert!(output.status.success(), "oracle.php failed: {}", String::from_utf8_lossy(&output.stderr));
    parse_fields(&output.stdout, cases.len(), "oracle.php")
}

/// Runs a PHP script on real PHP 7.4 (tests/php7/run.mjs; `scripts/need php7` installs it).
fn run_php7(script: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("node")
        .current_dir(root)
        .arg("tests/php7/run.mjs")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): the PHP 7.4 oracle needs node and `scripts/need php7`"));
    assert!(
        output.status.success(),
        "PHP 7.4 failed on {script} (scripts/need php7 installs it): {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The PHP 7.4 server over all cases; four fields per case (see tests/php/server7.php).
fn run_server7(cases: &[Ours]) -> Vec<[Field; 4]> {
    let path = scratch_file();
    write_batch(&path, cases, |case| vec![Some(&case.text), body(&case.either), body(&case.signed), body(&case.php7)]);
    let stdout = run_php7("tests/php/server7.php", &[path.as_os_str(), API_SECRET.as_ref()]);
    let _ = std::fs::remove_file(&path);
    parse_fields(&stdout, cases.len(), "server7.php")
}

/// Every difference between what we do for PHP 7 servers and what PHP 7.4 does, for one case.
fn differences7(case: &Ours, php7: &[Field; 4]) -> Vec<String> {
    let mut diffs = Vec::new();
    let view = match php::json_decode(&case.text, Mode::Assoc) {
        Ok(Value::Array(mut a)) => {
            php::ksort_as(&mut a, php::PhpMajor::Php7);
            php::json_encode(&Value::Array(a)).map_or_else(|_| "<json_encode fails>".to_string(), |t| t)
        }
        _ => "<no value>".into(),
    };
    let php_view = match &php7[0] {
        Field::Text(s) => s.clone(),
        Field::EncodeFailed => "<json_encode fails>".into(),
        _ => "<no value>".into(),
    };
    same(&mut diffs, "PHP 7: json_encode(ksort(json_decode($t, true)))", &php_view, &view);
    let accepted = |f: &Field| matches!(f, Field::Flag(true));
    if let Ok(s) = &case.either {
        if !accepted(&php7[1]) {
            diffs.push(format!("a PHP 7 server refuses our body signed for either version: {}", s.body));
        }
        if case.signed.as_ref().ok() != Some(s) {
            diffs.push(format!("signed for either version, not as for PHP 8: {}", s.body));
        }
    }
    if let Ok(s) = &case.php7 {
        if !accepted(&php7[3]) {
            diffs.push(format!("a PHP 7 server refuses our body signed for PHP 7: {}", s.body));
        }
    }
    match (&case.either, &case.signed) {
        (Err(e), Ok(s8)) if e.code() == "php_version_dependent" && accepted(&php7[2]) => {
            diffs.push(format!("refused as php_version_dependent, yet PHP 7 accepts the PHP 8 body: {}", s8.body));
        }
        (Err(e), Ok(_)) if e.code() != "php_version_dependent" => diffs.push(format!("signed for PHP 8 but refused for either: {e}")),
        (Ok(_), Err(e)) => diffs.push(format!("refused for PHP 8 ({e}) but signed for either")),
        _ => {}
    }
    diffs
}

struct FieldParser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl FieldParser<'_> {
    fn field(&mut self) -> Field {
        let tag = self.bytes.get(self.at).copied().expect("oracle output ended early");
        self.at += 1;
        let field = match tag {
            b'N' => Field::NoValue,
            b'F' => Field::EncodeFailed,
            b'T' => Field::Flag(true),
            b'X' => Field::Flag(false),
            b'S' => {
                let colon = self.at + self.bytes[self.at..].iter().position(|&b| b == b':').expect("S<len>:");
                let len: usize = std::str::from_utf8(&self.bytes[self.at..colon]).unwrap().parse().unwrap();
                let text = &self.bytes[colon + 1..colon + 1 + len];
                self.at = colon + 1 + len;
                Field::Text(String::from_utf8(text.to_vec()).expect("PHP printed UTF-8"))
            }
            other => panic!("unexpected oracle tag {:?} at byte {}", other as char, self.at - 1),
        };
        assert_eq!(self.bytes.get(self.at), Some(&b'\n'), "oracle field not followed by a newline");
        self.at += 1;
        field
    }
}

/// Records a difference when PHP's text and ours are not the same bytes.
fn same(diffs: &mut Vec<String>, what: &str, php: &str, ours: &str) {
    if php != ours {
        diffs.push(format!("{what}\n      php:  {php}\n      ours: {ours}"));
    }
}

/// Every difference between our answers and PHP's for one case.
fn differences(case: &Ours, php: &[Field; 10]) -> Vec<String> {
    let mut diffs = Vec::new();
    let show = |f: &Field| match f {
        Field::Text(s) => s.clone(),
        Field::NoValue => "<no value>".into(),
        Field::EncodeFailed => "<json_encode fails>".into(),
        Field::Flag(b) => b.to_string(),
    };
    let view = |mode| match php::json_decode(&case.text, mode) {
        Err(_) => "<no value>".to_string(),
        Ok(v) => php::json_encode(&v).unwrap_or_else(|_| "<json_encode fails>".into()),
    };
    same(&mut diffs, "json_encode(json_decode($t, true))", &show(&php[0]), &view(Mode::Assoc));
    same(&mut diffs, "json_encode(json_decode($t))", &show(&php[1]), &view(Mode::Objects));
    let query = match php::json_decode(&case.text, Mode::Assoc) {
        Ok(v @ Value::Array(_)) => php::http_build_query(&v).unwrap_or_else(|e| format!("<{e}>")),
        _ => "<no value>".into(),
    };
    same(&mut diffs, "http_build_query(json_decode($t, true))", &show(&php[2]), &query);
    let query = match php::json_decode(&case.text, Mode::Objects) {
        Ok(v @ (Value::Array(_) | Value::Object(_))) => php::http_build_query(&v).unwrap_or_else(|e| format!("<{e}>")),
        _ => "<no value>".into(),
    };
    same(&mut diffs, "http_build_query(json_decode($t))", &show(&php[9]), &query);

    let signable = matches!(php[3], Field::Flag(true));
    let guide_accepted = matches!(php[7], Field::Flag(true));
    match (&case.signed, signable) {
        (Err(_), false) => {}
        (Ok(s), false) => same(&mut diffs, "sign of a payload the guide cannot sign", "<refused>", &s.body),
        (Err(e), true) => {
            // We refuse exactly what PHP cannot encode.
            if !matches!(php[4], Field::EncodeFailed) {
                same(&mut diffs, "sign", &show(&php[6]), &format!("<{e}>"));
            }
        }
        (Ok(s), true) => {
            if matches!(php[4], Field::EncodeFailed) {
                same(&mut diffs, "sign of a payload json_encode refuses", "<refused>", &s.body);
            } else if guide_accepted {
                same(&mut diffs, "canonical", &show(&php[4]), &s.canonical);
                same(&mut diffs, "hmac", &show(&php[5]), &s.hmac);
                same(&mut diffs, "body", &show(&php[6]), &s.body);
            }
            // Whether or not the guide's own body passes, ours must.
            if !matches!(php[8], Field::Flag(true)) {
                diffs.push(format!("PHP's server refuses our body: {}", s.body));
            }
            if !lootly::verify(s.body.as_bytes(), API_SECRET) {
                diffs.push(format!("our verify refuses our body: {}", s.body));
            }
        }
    }
    if let Field::Text(guide_body) = &php[6] {
        same(&mut diffs, "our verify of the guide's body", &guide_accepted.to_string(), &lootly::verify(guide_body.as_bytes(), API_SECRET).to_string());
    }
    diffs
}

fn case_count() -> usize {
    std::env::var("DIFF_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn seed() -> u64 {
    std::env::var("DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED)
}

/// Shrinks a failing case: keeps taking the first smaller tree that still fails.
fn shrink(mut case: Case) -> (Case, Vec<String>) {
    let mut diffs = {
        let o = ours(&case.text());
        differences(&o, &run_php(std::slice::from_ref(&o))[0])
    };
    for _round in 0..60 {
        let candidates: Vec<Case> = smaller(&case.tree).into_iter().map(|tree| Case { tree, ..case.clone() }).collect();
        if candidates.is_empty() {
            break;
        }
        let ours_all: Vec<Ours> = candidates.iter().map(|c| ours(&c.text())).collect();
        let answers = run_php(&ours_all);
        let found = ours_all.iter().zip(&answers).position(|(o, a)| !differences(o, a).is_empty());
        match found {
            Some(i) => {
                diffs = differences(&ours_all[i], &answers[i]);
                case = candidates[i].clone();
            }
            None => break,
        }
    }
    (case, diffs)
}

#[test]
fn thousands_of_payloads_agree_with_php_byte_for_byte() {
    let (count, seed) = (case_count(), seed());
    let started = Instant::now();
    let mut rng = Rng(seed);
    let cases: Vec<Case> = (0..count).map(|_| gen_case(&mut rng)).collect();
    let ours_all: Vec<Ours> = cases.iter().map(|c| ours(&c.text())).collect();
    let answers = run_php(&ours_all);
    let php7_started = Instant::now();
    let answers7 = run_server7(&ours_all);
    let php7_elapsed = php7_started.elapsed();
    let failing7: Vec<usize> = (0..count).filter(|&i| !differences7(&ours_all[i], &answers7[i]).is_empty()).collect();
    let either = ours_all.iter().filter(|o| o.either.is_ok()).count();
    let dependent = ours_all.iter().filter(|o| o.either.as_ref().is_err_and(|e| e.code() == "php_version_dependent")).count();
    eprintln!(
        "differential, PHP 7.4: {either} signed for either PHP version, {dependent} refused as php_version_dependent; \
         {} differ, {php7_elapsed:.1?}",
        failing7.len()
    );
    if let Some(&first) = failing7.iter().min_by_key(|&&i| ours_all[i].text.len()) {
        panic!(
            "{} of {count} payloads differ from PHP 7.4 (DIFF_SEED={seed}); the shortest:\n  {}\n  (as a Rust string: {:?})\n{}",
            failing7.len(),
            ours_all[first].text,
            ours_all[first].text,
            differences7(&ours_all[first], &answers7[first]).iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n")
        );
    }

    let failing: Vec<usize> = (0..count).filter(|&i| !differences(&ours_all[i], &answers[i]).is_empty()).collect();
    let signed = ours_all.iter().filter(|o| o.signed.is_ok()).count();
    let decoded = answers.iter().filter(|a| matches!(a[0], Field::Text(_))).count();
    let unencodable = answers.iter().filter(|a| matches!(a[4], Field::EncodeFailed)).count();
    let guide_refused = answers.iter().filter(|a| matches!(a[6], Field::Text(_)) && matches!(a[7], Field::Flag(false))).count();
    eprintln!(
        "differential: {count} payloads (seed {seed}), {decoded} valid JSON for PHP, {signed} signed by us, \
         {unencodable} that json_encode refuses, {guide_refused} where the server refuses the guide's own body; \
         {} differ, {:.1?}",
        failing.len(),
        started.elapsed()
    );
    // The generator must keep producing what the test is about.
    assert!(decoded > count * 8 / 10 && signed > count * 7 / 10, "the generator drifted: {decoded} decoded, {signed} signed");
    if failing.is_empty() {
        return;
    }
    let smallest = *failing.iter().min_by_key(|&&i| ours_all[i].text.len()).unwrap();
    let first_diffs = differences(&ours_all[smallest], &answers[smallest]);
    let (minimal, diffs) = if cases[smallest].corruption.is_none() { shrink(cases[smallest].clone()) } else { (cases[smallest].clone(), first_diffs) };
    panic!(
        "{} of {count} payloads differ from PHP (DIFF_SEED={seed}); minimal offending payload:\n  {}\n  (as a Rust string: {:?})\n{}",
        failing.len(),
        minimal.text(),
        minimal.text(),
        diffs.iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n")
    );
}

// ----------------------------------------------------------------------------------------------
// The order rules: PHP's is_numeric and filter_var(FILTER_VALIDATE_EMAIL), on PHP 8.2 and 7.4.
// ----------------------------------------------------------------------------------------------

const ATOM_CHARS: &[u8] = b"abcxyzABCZ0189!#$%&'*+-/=?^_`{|}~";
const ODD_CHARS: &[&str] = &[" ", "\t", "\n", "\0", "(", ",", ":", ";", "<", "[", "]", "@", "\"", "\\", ".", "é", "ō", "\u{7f}", "\u{1}"];

fn gen_atom(rng: &mut Rng) -> String {
    let len = match rng.below(20) {
        0 => 60 + rng.below(8),
        1 => 0,
        _ => 1 + rng.below(8),
    };
    let mut atom: String = (0..len).map(|_| char::from(*rng.pick(ATOM_CHARS))).collect();
    if rng.chance(12) {
        // A quoted string, escapes and odd characters included.
        atom = format!("\"{}\"", (0..rng.below(6)).map(|_| if rng.chance(60) { char::from(*rng.pick(ATOM_CHARS)).to_string() } else { rng.pick(ODD_CHARS).to_string() }).collect::<String>());
    }
    atom
}

fn gen_label(rng: &mut Rng) -> String {
    let len = if rng.chance(8) { 62 + rng.below(4) } else { 1 + rng.below(6) };
    let mut label: String = (0..len).map(|i| if i > 0 && rng.chance(12) { '-' } else { char::from(*rng.pick(b"abkzAZbx0259")) }).collect();
    if rng.chance(60) {
        label.replace_range(0..1, "x"); // a letter first, as a top-level label needs
    }
    label
}

fn gen_ip_literal(rng: &mut Rng) -> String {
    let octet = |rng: &mut Rng| if rng.chance(10) { format!("0{}", rng.below(10)) } else { rng.below(300).to_string() };
    let v4 = |rng: &mut Rng| (0..4).map(|_| octet(rng)).collect::<Vec<_>>().join(".");
    let group = |rng: &mut Rng| format!("{:x}", rng.next() % [16, 256, 65536, 1 << 20][rng.below(4)]);
    let groups = |rng: &mut Rng, n: usize| (0..n).map(|_| group(rng)).collect::<Vec<_>>().join(":");
    let prefix = *rng.pick(&["IPv6:", "ipv6:", "IPV6:", "IPv6", ""]);
    let body = match rng.below(6) {
        0 => v4(rng),
        1 => { let n = 6 + rng.below(4); groups(rng, n) }
        2 => { let (l, r) = (rng.below(5), rng.below(5)); format!("{}::{}", groups(rng, l), groups(rng, r)) }
        3 => { let n = 4 + rng.below(4); format!("{}:{}", groups(rng, n), v4(rng)) }
        4 => { let (l, r) = (rng.below(4), rng.below(4)); let right = groups(rng, r); format!("{}::{}{}{}", groups(rng, l), right, if r > 0 { ":" } else { "" }, v4(rng)) }
        _ => { let n = rng.below(3); format!("{}:::{}", groups(rng, n), v4(rng)) }
    };
    format!("[{prefix}{body}]")
}

fn gen_email(rng: &mut Rng) -> String {
    let atoms = 1 + rng.below(4);
    let local = (0..atoms).map(|_| gen_atom(rng)).collect::<Vec<_>>().join(".");
    let local = if rng.chance(3) { local.repeat(4 + rng.below(4)) } else { local };
    let domain = if rng.chance(15) {
        gen_ip_literal(rng)
    } else {
        let labels = 1 + rng.below(3) + usize::from(rng.chance(80));
        let mut d = (0..labels).map(|_| gen_label(rng)).collect::<Vec<_>>().join(".");
        if rng.chance(10) {
            d.push('.');
        }
        d
    };
    let at = *rng.pick(&["@", "@", "@", "@", "@", "@", "@", "", "@@"]);
    let mut email = format!("{local}{at}{domain}");
    if rng.chance(8) {
        // One character replaced or inserted.
        let chars: Vec<char> = email.chars().collect();
        let i = rng.below(chars.len() + 1);
        let odd = rng.pick(ODD_CHARS).to_string();
        email = chars[..i].iter().collect::<String>() + &odd + &chars[(i + usize::from(rng.chance(50))).min(chars.len())..].iter().collect::<String>();
    }
    email
}

fn gen_numeric_text(rng: &mut Rng) -> String {
    let ws = |rng: &mut Rng| if rng.chance(25) { (0..1 + rng.below(2)).map(|_| *rng.pick(&[" ", "\t", "\n", "\r", "\u{b}", "\u{c}"])).collect::<String>() } else { String::new() };
    let number = if rng.chance(10) { rng.pick(NUMERIC_KEYS).to_string() } else { gen_number(rng) };
    let junk = if rng.chance(5) { rng.pick(&["a", "e", "e+", ".", "x", "\0"]).to_string() } else { String::new() };
    format!("{}{number}{junk}{}", ws(rng), ws(rng))
}

/// The rules oracle on one PHP: two flags per text (tests/php/rules.php).
fn run_rules(texts: &[String], php7: bool) -> Vec<(bool, bool)> {
    let path = scratch_file();
    let mut batch = Vec::new();
    for t in texts {
        batch.extend_from_slice(format!("{}\n{t}\n", t.len()).as_bytes());
    }
    std::fs::write(&path, &batch).expect("write the batch file");
    let stdout = if php7 {
        run_php7("tests/php/rules.php", &[path.as_os_str()])
    } else {
        let output = Command::new("php").current_dir(env!("CARGO_MANIFEST_DIR")).arg("tests/php/rules.php").arg(&path).output().expect("php-cli");
        assert!(output.status.success(), "rules.php: {}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    };
    let _ = std::fs::remove_file(&path);
    let lines: Vec<(bool, bool)> = stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| (l[0] == b'T', l[1] == b'T')).collect();
    assert_eq!(lines.len(), texts.len(), "rules.php answered {} of {} texts", lines.len(), texts.len());
    lines
}

#[test]
fn numbers_and_emails_are_judged_as_php_7_and_8_judge_them() {
    let (count, seed) = (case_count() / 2, seed());
    let mut rng = Rng(seed ^ 0xe4a1);
    let texts: Vec<String> = (0..count).map(|i| if i % 2 == 0 { gen_email(&mut rng) } else { gen_numeric_text(&mut rng) }).collect();
    let mut failures = Vec::new();
    let mut valid = [0usize; 2];
    for (php7, answers) in [(false, run_rules(&texts, false)), (true, run_rules(&texts, true))] {
        let version = if php7 { "PHP 7.4" } else { "PHP 8.2" };
        for (text, (numeric, email)) in texts.iter().zip(answers) {
            let ours_numeric = if php7 { php::numeric_php7(text.as_bytes()).is_some() } else { php::numeric(text.as_bytes()).is_some() };
            let ours_email = php::filter_validate_email(text.as_bytes());
            valid[usize::from(php7)] += usize::from(email);
            if ours_numeric != numeric {
                failures.push(format!("{version} is_numeric({text:?}) = {numeric}, ours {ours_numeric}"));
            }
            if ours_email != email {
                failures.push(format!("{version} filter_var({text:?}, FILTER_VALIDATE_EMAIL) = {email}, ours {ours_email}"));
            }
        }
    }
    eprintln!("rules: {count} texts (seed {seed}), {} valid emails for PHP 8.2, {} for PHP 7.4; {} differ", valid[0], valid[1], failures.len());
    assert!(valid[0] > count / 12, "the generator drifted: only {} valid emails", valid[0]);
    failures.sort_by_key(String::len);
    assert!(failures.is_empty(), "{} differences, the shortest:\n{}", failures.len(), failures.iter().take(15).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn the_sign_vectors_verify_on_php_7_too_or_are_refused() {
    // tests/vectors/lootly_sign.json's payloads (PHP 8.2 vectors), signed with this test's key.
    let path = format!("{}/tests/vectors/lootly_sign.json", env!("CARGO_MANIFEST_DIR"));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("the vectors")).expect("JSON");
    let cases: Vec<Ours> = doc["vectors"].as_array().expect("vectors").iter().map(|v| ours(v["params"].as_str().expect("params"))).collect();
    assert!(cases.len() > 30 && cases.iter().filter(|c| c.either.is_ok()).count() > 20);
    let answers = run_server7(&cases);
    let diffs: Vec<String> = cases.iter().zip(&answers).flat_map(|(c, a)| differences7(c, a).into_iter().map(|d| format!("{}: {d}", c.text))).collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn the_comparison_can_fail() {
    // A guard against a test that cannot fail: a body we did not produce must be reported.
    let mut o = ours(r#"{"a":1}"#);
    let php = run_php(std::slice::from_ref(&o)).remove(0);
    assert!(differences(&o, &php).is_empty());
    if let Ok(s) = &mut o.signed {
        s.body = s.body.replace("\"a\":1", "\"a\":2");
    }
    assert!(!differences(&o, &php).is_empty());
    // And for PHP 7: a body PHP 7.4 refuses, passed off as signed for either version.
    let mut o = ours(r#"{"id":1,"10":2}"#);
    let php7 = run_server7(std::slice::from_ref(&o)).remove(0);
    assert!(differences7(&o, &php7).is_empty());
    assert!(o.either.is_err());
    o.either = o.signed.clone();
    let php7 = run_server7(std::slice::from_ref(&o)).remove(0);
    assert!(!differences7(&o, &php7).is_empty());
}
