//! Fuzzing with proptest: every entry point that takes outside text or bytes, fed arbitrary
//! and JSON-ish input, must return (never panic: a panic poisons a wasm instance), and a few
//! properties must hold. CI-friendly: a few seconds in release mode; `PROPTEST_CASES` raises
//! the number of cases for a longer run.

use loyalty_connector::lootly::{self, Credentials, ServerPhp};
use loyalty_connector::php::{self, Mode, Numeric, Value};
use proptest::prelude::*;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---- strategies --------------------------------------------------------------------------------

/// A JSON number in any of its forms, up to well beyond 64 bits and the double range.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
        Just("-0".to_string()),
        Just("-0.0".to_string()),
        Just("1e400".to_string()),
    ]
}

/// A JSON string literal: raw characters of any plane, short escapes, `\u` escapes (lone
/// surrogates included, which PHP refuses).
fn string() -> impl Strategy<Value = String> {
    "\"([^\"\\\\\\x00-\\x1f]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\ud83d\\\\ude00|[\u{2028}\u{2029}\u{feff}😀é])*\""
}

/// An object key: a string literal, or a numeric-looking one.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string(),
        2 => prop::sample::select(vec![
            "\"0\"", "\"1\"", "\"01\"", "\"-0\"", "\"1.5\"", "\" 5\"", "\"5 \"", "\"1e3\"", "\"9223372036854775808\"",
            "\"9223372036854775808 \"", "\"\"", "\"0x1A\"", "\"10\"", "\"9\"", "\"9a\"", "\"1e1\"", "\"1f\"", "\"key\"",
            "\"hmac\"", "\"_url\"", "\"-9223372036854775808\"", "\"99999999999999999999\"",
        ])
        .prop_map(str::to_string),
    ]
}

/// Whitespace PHP accepts between tokens.
fn ws() -> impl Strategy<Value = String> {
    "[ \t\n\r]{0,2}"
}

/// A valid JSON text (as far as the grammar goes: strings may hold lone surrogates).
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![Just("null".to_string()), Just("true".to_string()), Just("false".to_string()), number(), string()];
    leaf.prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec((ws(), inner.clone()), 0..6)
                .prop_map(|items| format!("[{}]", items.into_iter().map(|(w, v)| w + &v).collect::<Vec<_>>().join(","))),
            prop::collection::vec((key(), ws(), inner), 0..6).prop_map(|members| {
                let members: Vec<String> = members.into_iter().map(|(k, w, v)| format!("{k}{w}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// A JSON object text (what `sign` takes).
fn json_object() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), json_text()), 0..8).prop_map(|members| {
        format!("{{{}}}", members.into_iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(","))
    })
}

/// A JSON text with one character inserted or one removed somewhere: mostly invalid.
fn json_ish() -> impl Strategy<Value = String> {
    (json_text(), any::<prop::sample::Index>(), prop::sample::select(vec!['[', ']', '{', '}', ',', ':', '"', '\\', '-', '0', 'e', '.', ' ', 'x', '\u{0}', '😀']), any::<bool>())
        .prop_map(|(text, at, c, insert)| {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let at = boundaries[at.index(boundaries.len())];
            let mut text = text;
            if insert {
                text.insert(at, c);
            } else if at < text.len() {
                text.remove(at);
            }
            text
        })
}

/// Nesting around PHP's depth limit.
fn deep() -> impl Strategy<Value = String> {
    (500usize..520, 0usize..3, prop::sample::select(vec!["", "1", "{}", "[]", "\"x\""])).prop_map(|(depth, extra, inner)| {
        let opens: String = (0..depth).map(|i| if i % 3 == 0 { "{\"a\":" } else { "[" }).collect();
        let closes: String = (0..depth).rev().map(|i| if i % 3 == 0 { "}" } else { "]" }).collect();
        format!("{opens}{inner}{}{}", closes, "]".repeat(extra))
    })
}

/// An order-shaped object whose fields hold anything: reaches every validation rule.
fn order_ish() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "id", "total_price", "total_tax", "total_discounts", "subtotal_price", "taxes_included", "discount_codes", "customer",
    ]);
    let value = prop_oneof![
        json_text(),
        prop::sample::select(vec!["\"39.99\"", "\" 1\"", "\"1e3\"", "\"abc\"", "\"\"", "0", "1", "\"0\"", "\"true\"", "null", "[{\"code\":\"A\"}]",
            "[\"A\"]", "{\"id\":\"1\",\"email\":\"a@b.co\",\"birthday\":\"2000-02-29\"}", "{\"id\":\"\",\"email\":\"x\",\"birthday\":null}",
            "{\"id\":1,\"email\":\"a@b\",\"birthday\":\"2001-02-29T\",\"first_name\":\"é\"}"])
        .prop_map(str::to_string),
    ];
    prop::collection::vec((field, value), 0..10).prop_map(|members| {
        format!("{{{}}}", members.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(","))
    })
}

// ---- helpers -----------------------------------------------------------------------------------

/// The JSON text with every `-0` number token written `0`: the one place where PHP's
/// decode → encode is not a fixed point (`json_encode(-0.0)` is `-0`, `json_decode("-0")` is 0).
fn without_minus_zero(text: &str) -> String {
    let b = text.as_bytes();
    let (mut out, mut i, mut in_string) = (String::with_capacity(text.len()), 0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                out.push_str(&text[i..i + 2]);
                i += 2;
                continue;
            }
            in_string = c != b'"';
        } else if c == b'"' {
            in_string = true;
        } else if c == b'-' && b.get(i + 1) == Some(&b'0') && !b.get(i + 2).is_some_and(|d| d.is_ascii_digit() || *d == b'.' || *d == b'e') {
            i += 1; // drop the sign of "-0"
            continue;
        }
        out.push(c as char);
        i += 1;
    }
    out
}

fn reencode(text: &str, mode: Mode) -> Option<String> {
    php::json_encode(&php::json_decode(text, mode).ok()?).ok()
}

fn creds() -> Credentials {
    Credentials::new("pk/ключ", "sk-é")
}

// ---- no panics ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn json_decode_never_panics_on_any_string(s in any::<String>()) {
        let _ = php::json_decode(&s, Mode::Assoc);
        let _ = php::json_decode(&s, Mode::Objects);
    }

    #[test]
    fn json_decode_bytes_never_panics_on_any_bytes(b in prop::collection::vec(any::<u8>(), 0..256)) {
        for mode in [Mode::Assoc, Mode::Objects] {
            if let Ok(v) = php::json_decode_bytes(&b, mode) {
                prop_assert!(std::str::from_utf8(&b).is_ok(), "decoded bytes that are not UTF-8");
                let _ = php::json_encode(&v);
            }
        }
    }

    #[test]
    fn json_ish_text_never_panics_anywhere(t in json_ish()) {
        for mode in [Mode::Assoc, Mode::Objects] {
            if let Ok(v) = php::json_decode(&t, mode) {
                let _ = php::json_encode(&v);
                let _ = php::http_build_query(&v);
                let _ = lootly::validate_order(&v);
                if let Value::Array(mut a) = v {
                    php::ksort(&mut a);
                }
            }
        }
        let _ = lootly::sign(t.as_str(), &creds());
        let _ = lootly::verify(t.as_bytes(), "sk-é");
    }

    #[test]
    fn deep_nesting_never_panics(t in deep()) {
        let _ = php::json_decode(&t, Mode::Assoc).map(|v| php::json_encode(&v));
        let _ = php::json_decode(&t, Mode::Objects).map(|v| php::json_encode(&v));
        let _ = lootly::sign(t.as_str(), &creds());
        let _ = lootly::verify(t.as_bytes(), "s");
    }

    #[test]
    fn verify_never_panics_on_any_body_or_secret(b in prop::collection::vec(any::<u8>(), 0..256), secret in any::<String>()) {
        let _ = lootly::verify(&b, &secret);
    }

    #[test]
    fn sign_never_panics_on_any_text(s in any::<String>(), key in any::<String>(), secret in any::<String>()) {
        let _ = lootly::sign(s.as_str(), &Credentials::new(key, secret));
    }

    #[test]
    fn validate_order_never_panics(t in order_ish()) {
        let v = php::json_decode(&t, Mode::Assoc);
        prop_assert!(v.is_ok() || t.contains("\\u"), "order-shaped text refused: {t}");
        if let Ok(v) = v {
            let _ = lootly::validate_order(&v);
        }
    }

    #[test]
    fn numeric_never_panics(b in prop::collection::vec(any::<u8>(), 0..40),
                            s in "[ \t\n\r\x0b\x0c]{0,2}[+-]?[0-9]{0,25}(\\.[0-9]{0,5})?([eE][+-]?[0-9]{0,4})?[ \t\n\r\x0b\x0c]{0,2}x?") {
        let _ = php::numeric(&b);
        let _ = php::numeric(s.as_bytes());
        for read in [php::numeric_php7, php::numeric_prefix_php7] {
            let _ = read(&b);
            let _ = read(s.as_bytes());
        }
    }

    #[test]
    fn filter_validate_email_never_panics(b in prop::collection::vec(any::<u8>(), 0..340),
                                          s in "[a-z\"\\.@ ]{0,12}@(\\[(IPv6:)?[0-9a-f:.]{0,30}\\]|[a-z0-9.-]{0,20})") {
        let _ = php::filter_validate_email(&b);
        let _ = php::filter_validate_email(s.as_bytes());
    }

    #[test]
    fn verifying_what_lootly_sends_never_panics(b in prop::collection::vec(any::<u8>(), 0..256), q in any::<String>(),
                                                  qs in "([a-z. \\[\\]%0-9A-F+]{0,6}(=[a-z%0-9A-F+]{0,6})?&?){0,6}",
                                                  now in any::<i64>(), age in any::<u64>(), t in any::<i64>()) {
        let window = Some(lootly::Freshness { now, max_age_seconds: age });
        let _ = lootly::verify_incoming(lootly::Incoming::Body(&b), &["s", "t"], window, lootly::hmac_sha256);
        let _ = lootly::verify_redeem_reward(&b, &["s"], window, lootly::hmac_sha256);
        let _ = lootly::verify_incoming(lootly::Incoming::Query(&q), &["s"], window, lootly::hmac_sha256);
        let _ = lootly::verify_incoming(lootly::Incoming::Query(&qs), &[], None, lootly::hmac_sha256);
        let timed = format!(r#"{{"t":{t},"hmac":"x"}}"#);
        let _ = lootly::verify_incoming(lootly::Incoming::Body(timed.as_bytes()), &["s"], window, lootly::hmac_sha256);
        let _ = php::parse_query(&qs);
    }

    #[test]
    fn reading_the_newer_endpoints_answers_never_panics(s in any::<String>(), status in 100u16..600) {
        let _ = lootly::read_rewards_list(status, &s);
        let _ = lootly::read_customer_info(status, &s);
        let _ = lootly::read_redeemed_reward(status, &s);
        let _ = lootly::read_rewards_list(200, &format!(r#"{{"data":[{s}]}}"#));
    }

    #[test]
    fn sign_for_either_php_version_never_panics(t in json_object(), php7 in any::<bool>()) {
        let creds = creds().for_server_php(if php7 { ServerPhp::Php7 } else { ServerPhp::Either });
        if let Ok(signed) = lootly::sign(t.as_str(), &creds) {
            prop_assert_eq!(signed.hmac.len(), 44);
        }
    }

    #[test]
    fn md5_values_never_panic(a in any::<String>(), b in any::<String>()) {
        prop_assert_eq!(lootly::shop_id(&a, &b).len(), 32);
        prop_assert_eq!(lootly::customer_signature(&a, &b).len(), 32);
    }
}

// ---- properties --------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(600))]

    /// PHP's view is a fixed point of decode → encode, except for `-0`.
    #[test]
    fn encode_of_decode_is_a_fixed_point_of_the_php_view(t in json_text()) {
        for mode in [Mode::Assoc, Mode::Objects] {
            let Some(once) = reencode(&t, mode) else { continue };
            let twice = reencode(&once, mode);
            prop_assert!(twice.is_some(), "PHP's own text does not decode again: {}", once);
            let twice = twice.unwrap_or_default();
            if twice != once {
                prop_assert_eq!(&twice, &without_minus_zero(&once), "mode {:?}, text {}", mode, t);
            }
        }
    }

    /// The body `sign` returns always verifies, with the same secret only, and holds what was signed.
    #[test]
    fn signed_bodies_always_verify(t in json_object()) {
        let Ok(signed) = lootly::sign(t.as_str(), &creds()) else { return Ok(()) };
        prop_assert!(lootly::verify(signed.body.as_bytes(), "sk-é"), "body does not verify: {}", signed.body);
        prop_assert!(!lootly::verify(signed.body.as_bytes(), "sk-e"));
        prop_assert_eq!(signed.hmac.len(), 44);
        // What the server recomputes from the body is the canonical text.
        let mut received = match php::json_decode(&signed.body, Mode::Assoc) {
            Ok(Value::Array(a)) => a,
            other => return Err(TestCaseError::fail(format!("body is not an object: {other:?}"))),
        };
        received.remove(&php::Key::from("hmac"));
        php::ksort(&mut received);
        prop_assert_eq!(php::json_encode(&Value::Array(received)).ok(), Some(signed.canonical));
    }

    /// `ksort` is a permutation: same entries, none lost or duplicated.
    #[test]
    fn ksort_keeps_every_entry(t in json_object()) {
        let Ok(Value::Array(original)) = php::json_decode(&t, Mode::Assoc) else { return Ok(()) };
        let mut sorted = original.clone();
        php::ksort(&mut sorted);
        prop_assert_eq!(sorted.len(), original.len());
        for (k, v) in original.iter() {
            prop_assert_eq!(sorted.get(k), Some(v));
        }
    }

    /// Integers and doubles printed by Rust read back as themselves.
    #[test]
    fn numeric_reads_plain_numbers(i in any::<i64>(), f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        prop_assert_eq!(php::numeric(i.to_string().as_bytes()), Some(Numeric::Long(i)));
        prop_assert_eq!(php::numeric(format!(" {i}\n").as_bytes()), Some(Numeric::Long(i)));
        match php::numeric(format!("{f:e}").as_bytes()) {
            Some(Numeric::Double { value, .. }) => prop_assert_eq!(value.to_bits(), f.to_bits()),
            other => prop_assert!(false, "{f:e} read as {other:?}"),
        }
    }
}

#[test]
fn the_minus_zero_exception_is_only_minus_zero() {
    assert_eq!(without_minus_zero(r#"[-0,-0.5,"-0",{"-0":-0},-01,-0e1]"#), r#"[0,-0.5,"-0",{"-0":0},-01,-0e1]"#);
    assert_eq!(reencode("[-0.0]", Mode::Assoc).as_deref(), Some("[-0]"));
    assert_eq!(reencode("[-0]", Mode::Assoc).as_deref(), Some("[0]"));
}
