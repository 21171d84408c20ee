//! Lootly's signatures: the HMAC of signed webhooks (PHP's `ksort` + `json_encode` +
//! `hash_hmac('sha256')` + `base64_encode`), its verification, and the widget's MD5 values.

use super::{Credentials, Params, ServerPhp};
use crate::error::{LoyaltyError, Result};
use crate::php::{
    json_decode, json_decode_bytes, json_encode, ksort, ksort_as, ksort_order_as, numeric, object_members, write_string, Array,
    Key, Mode, PhpMajor, Value,
};
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// The top-level keys a payload cannot carry: `hmac` and `_url`, which the server removes before
/// it verifies, and the names of the webhook route's parameters, `integration` and `webhook`:
/// Laravel's `$request->integration` looks in the body before the route, so a body's
/// `integration` reroutes the webhook (a 500, another verifier, or no verification at all);
/// `webhook` is the route's other parameter, refused for the same reason.
const RESERVED: [&str; 4] = ["hmac", "_url", "integration", "webhook"];


/// A signed payload: what was signed, its HMAC, and the body to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The exact text the HMAC covers: PHP's `json_encode(ksort(params + key))`.
    pub canonical: String,
    /// Base64 of HMAC-SHA256(api_secret, canonical), 44 characters.
    pub hmac: String,
    /// The body to POST: the canonical text with `"hmac"` appended last, as the guide's PHP
    /// client sends it (in the rare case where PHP's decode → `ksort` → encode never settles,
    /// a text whose server view is `canonical`).
    pub body: String,
}

/// `data-shop-id`: lowercase hex `md5(shop_domain . api_secret)`, the domain exactly as it was
/// registered with Lootly (scheme and trailing slash included, never normalised), and the secret
/// as given: the widget's server (`ValidConnection`) does not trim it.
pub fn shop_id(shop_domain: &str, api_secret: &str) -> String {
    md5_hex(shop_domain, api_secret)
}

/// `data-customer-signature`: lowercase hex `md5(customer_id . trim(api_secret))`, exactly as
/// the widget's server (`CustomerAuth`) checks it: that check trims the secret (PHP's `trim`:
/// spaces, `\t`, `\n`, `\r`, `\0`, `\x0B`), where the shop id's check does not. Lootly's
/// secrets have no surrounding whitespace, so both agree; for a secret that has some, each
/// value is the one its own check computes.
pub fn customer_signature(customer_id: &str, api_secret: &str) -> String {
    md5_hex(customer_id, api_secret.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B']))
}

fn md5_hex(a: &str, b: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Md5::new().chain_update(a).chain_update(b).finalize();
    // One allocation, no formatting machinery: this is the whole cost besides the md5 itself.
    let mut hex = String::with_capacity(32);
    for byte in digest {
        hex.push(HEX[usize::from(byte >> 4)] as char);
        hex.push(HEX[usize::from(byte & 15)] as char);
    }
    hex
}

/// Base64 of HMAC-SHA256 over `text`, as `base64_encode(hash_hmac('sha256', $text, $secret, true))`.
pub fn hmac_base64(text: &str, secret: &str) -> String {
    base64(hmac_sha256(secret.as_bytes(), text.as_bytes()))
}

/// The core's HMAC-SHA256 (RustCrypto), the default of [`Credentials`].
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // no-panic: HMAC accepts keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Standard base64 with padding, as PHP's `base64_encode`.
pub(super) fn base64(digest: [u8; 32]) -> String {
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// Signs a webhook payload as Lootly's guide does: adds `key`, sorts the top-level keys with
/// `ksort`, encodes with `json_encode`, and appends the HMAC as `hmac`.
///
/// The payload is taken as the server will see it (`json_decode($body, true)`), so what is
/// signed is exactly what the server recomputes. It must be a JSON object without `hmac`,
/// `_url`, `integration` or `webhook`; a `key` in it must equal the api key. Unless the
/// credentials name the server's PHP version, a payload whose keys PHP 7 and PHP 8 sort
/// differently is refused (`php_version_dependent`).
pub fn sign(params: impl Params, creds: &Credentials) -> Result<Signed> {
    if let Some(signed) = params.json_text().and_then(|text| sign_text_directly(text, creds)) {
        return Ok(signed);
    }
    let Value::Array(mut payload) = params.into_php()?.into_php_view() else {
        return Err(LoyaltyError::invalid("params", "must be a JSON object"));
    };
    for reserved in RESERVED {
        if payload.get_str(reserved).is_some() {
            return Err(LoyaltyError::ReservedField { field: reserved.to_string() });
        }
    }
    match payload.get_str("key") {
        None => payload.set("key", Value::str(&creds.api_key)),
        Some(Value::Str(k)) if *k == creds.api_key => {}
        Some(_) => return Err(LoyaltyError::invalid("key", "differs from the api key of the credentials")),
    }
    let php = sorting_php(creds);
    ksort_as(&mut payload, php);
    // The server decodes the body, sorts its top level again and re-encodes it: sign that.
    // PHP's decode → ksort → encode is not always a fixed point (`-0.0` prints as `-0`, which
    // decodes as the integer 0; numeric-looking keys need not sort transitively), so send the
    // text once it has settled, which is at once for ordinary payloads. Whether or not it
    // settles, the HMAC covers what the server computes from the exact text sent.
    // Fast path: when a second `ksort` leaves the order as it is and no float is `-0.0`, the
    // server's decode → `ksort` → encode gives back the very text (see [`settled`]), so there
    // is nothing to re-read. That is every ordinary payload, and it saves 30–35% of the work.
    let is_settled = settled(&payload, php);
    // When the version is unknown, PHP 7 must compute the same text as PHP 8. For a settled
    // payload it does when its sort keeps PHP 8's order (the values re-encode alike on both).
    let either = creds.server_php() == ServerPhp::Either;
    let settled_on_php7 = either && is_settled && sorts_to_itself(&payload, PhpMajor::Php7);
    let mut sent = json_encode(&Value::Array(payload))?;
    let canonical = if is_settled {
        sent.clone()
    } else {
        let mut canonical = server_view(&sent, php)?;
        for _ in 0..SETTLE_ROUNDS {
            if canonical == sent {
                break;
            }
            sent = canonical;
            canonical = server_view(&sent, php)?;
        }
        canonical
    };
    if either && !settled_on_php7 && (is_settled || server_view(&sent, PhpMajor::Php7)? != canonical) {
        return Err(LoyaltyError::PhpVersionDependent { field: "params".into() });
    }
    Ok(finish(sent, canonical, creds))
}

/// The `ksort` the signature is made with: PHP 7's for a PHP 7 server, PHP 8's otherwise (for an
/// unknown version, what PHP 8 computes is signed and PHP 7 must compute the same).
fn sorting_php(creds: &Credentials) -> PhpMajor {
    match creds.server_php() {
        ServerPhp::Php7 => PhpMajor::Php7,
        ServerPhp::Php8 | ServerPhp::Either => PhpMajor::Php8,
    }
}

/// Whether `ksort` on that PHP version leaves the array's order as it is.
fn sorts_to_itself(array: &Array, php: PhpMajor) -> bool {
    let keys: Vec<&Key> = array.iter().map(|(k, _)| k).collect();
    ksort_order_as(&keys, php).iter().enumerate().all(|(i, &j)| i == j)
}

/// The HMAC of `canonical`, and the body: `sent` with `"hmac"` appended last.
fn finish(sent: String, canonical: String, creds: &Credentials) -> Signed {
    let hmac = creds.hmac_base64(&canonical);
    // `sent` is a non-empty object (it holds `key`): append the member before its final `}`.
    let mut body = String::with_capacity(sent.len() + 56);
    body.push_str(&sent[..sent.len() - 1]); // no-panic: sent ends with '}'
    body.push_str(",\"hmac\":");
    write_string(&mut body, &hmac);
    body.push('}');
    Signed { canonical, hmac, body }
}

/// [`sign`] for ordinary JSON text without building PHP values: the members' values are
/// re-encoded straight from the text ([`object_members`]), the top-level keys sorted, and the
/// result is the same as the full path's. `None` (take the full path) for anything unusual: a
/// payload `object_members` leaves alone, a `key`, `hmac` or `_url` member (checked or refused
/// there), keys a second `ksort` would move, keys PHP 7 and PHP 8 would order differently.
fn sign_text_directly(text: &str, creds: &Credentials) -> Option<Signed> {
    let mut members = object_members(text)?;
    if members.members.iter().any(|(k, _)| matches!(k, Key::Str(s) if s == "key" || RESERVED.contains(&s.as_str()))) {
        return None;
    }
    let php = sorting_php(creds);
    let start = members.text.len();
    write_string(&mut members.text, &creds.api_key);
    members.members.push((Key::from("key"), start..members.text.len()));
    let keys: Vec<&Key> = members.members.iter().map(|(k, _)| k).collect();
    let order = ksort_order_as(&keys, php);
    // Keys that are all non-numeric strings compare bytewise on PHP 7 and 8 alike (PHP 7's
    // numeric strings are a subset of PHP 8's), a total order, so one sort is a fixed point;
    // otherwise (integer or numeric-looking keys need not compare transitively) check that a
    // second sort keeps the order, and that PHP 7 keeps it too when the version is unknown.
    let bytewise = keys.iter().all(|k| matches!(k, Key::Str(s) if numeric(s.as_bytes()).is_none()));
    if !bytewise {
        let sorted: Vec<&Key> = order.iter().map(|&i| keys[i]).collect(); // no-panic: a permutation
        let keeps = |php| ksort_order_as(&sorted, php).iter().enumerate().all(|(i, &j)| i == j);
        if !keeps(php) || (creds.server_php() == ServerPhp::Either && !keeps(PhpMajor::Php7)) {
            return None; // not a fixed point of PHP's ksort: the full path settles it (or refuses)
        }
    }
    let mut sent = String::with_capacity(members.text.len() + 8 * order.len() + 32);
    sent.push('{');
    for (n, &i) in order.iter().enumerate() {
        if n > 0 {
            sent.push(',');
        }
        write_string(&mut sent, &keys[i].to_text());
        sent.push(':');
        sent.push_str(members.value(i));
    }
    sent.push('}');
    let canonical = sent.clone();
    Some(finish(sent, canonical, creds))
}

/// How many times [`sign`] re-reads its own text to reach a fixed point of PHP's view.
const SETTLE_ROUNDS: usize = 4;

/// Whether the encoding of this `ksort`ed top level is already what the server computes from it,
/// `json_encode(ksort(json_decode($text, true)))`, so that [`sign`] needs no re-reading:
/// - decoding the text gives back the same keys in the same order (keys are PHP's already: the
///   payload is a PHP view), and a second `ksort` leaves that order as it is;
/// - every value re-encodes to the same text: strings, integers, `true`/`false`/`null` and
///   containers do; a float is printed as its shortest round-trip text, which decodes to the
///   same float, or, when it has no `.` or exponent, to the integer with the same digits
///   (never beyond 64 bits: from 1e17 on PHP prints an exponent). All but `-0.0`, which prints
///   as `-0`, an integer that prints as `0`.
fn settled(sorted: &Array, php: PhpMajor) -> bool {
    fn no_minus_zero(value: &Value) -> bool {
        match value {
            Value::Float(f) => !(*f == 0.0 && f.is_sign_negative()),
            Value::Array(a) => a.iter().all(|(_, v)| no_minus_zero(v)),
            Value::Object(o) => o.iter().all(|(_, v)| no_minus_zero(v)),
            _ => true,
        }
    }
    sorts_to_itself(sorted, php) && sorted.iter().all(|(_, v)| no_minus_zero(v))
}

/// What the server (on that PHP version) signs for a body whose members (without `hmac`) are
/// `text`: `json_encode(ksort(json_decode($text, true)))`.
fn server_view(text: &str, php: PhpMajor) -> Result<String> {
    let Value::Array(mut payload) = json_decode(text, Mode::Assoc)? else {
        return Err(LoyaltyError::invalid("params", "must be a JSON object"));
    };
    ksort_as(&mut payload, php);
    json_encode(&Value::Array(payload))
}

/// Checks a received body the way Lootly's server does: `json_decode($body, true)`, remove
/// `hmac` and `_url`, `ksort`, `json_encode`, HMAC, `hash_equals`. Constant time in the HMAC.
///
/// Like the server, a payload that `json_encode` refuses (an infinity: PHP decodes `1e400` as
/// `INF`) is checked against the HMAC of the empty text, because PHP's `json_encode` then
/// returns `false` and `hash_hmac` reads `false` as `""`.
pub fn verify(body: &[u8], api_secret: &str) -> bool {
    let Ok(Value::Array(mut payload)) = json_decode_bytes(body, Mode::Assoc) else { return false };
    let Some(Value::Str(received)) = payload.remove(&Key::from("hmac")) else { return false };
    payload.remove(&Key::from("_url"));
    ksort(&mut payload);
    let canonical = json_encode(&Value::Array(payload)).unwrap_or_default();
    constant_time_eq(hmac_base64(&canonical, api_secret).as_bytes(), received.as_bytes())
}

/// `hash_equals`: false at once on a length mismatch, otherwise time independent of content.
pub(super) fn constant_time_eq(known: &[u8], user: &[u8]) -> bool {
    known.len() == user.len() && known.iter().zip(user).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_example_signs_to_the_guides_hmac() {
        let params = r#"{"id":"100001","total_price":"39.99","total_tax":"0.00","total_discounts":"10.00",
            "subtotal_price":"29.99","taxes_included":"0","discount_codes":[{"code":"COUPON_CODE"}],
            "customer":{"id":"001","email":"support@lootly.io","first_name":"James","last_name":"Bond",
            "birthday":"1970-01-01","default_address":{"zip":"11111","country":"USA"}},"key":"xxx"}"#;
        let signed = sign(params, &Credentials::new("xxx", "xxx")).unwrap();
        assert_eq!(signed.hmac, "vPP+Wn1EwMCJoDSDcFaVc54CTIwIisCe3OJjK7mTAHo=");
        assert!(verify(signed.body.as_bytes(), "xxx"));
        assert!(!verify(signed.body.as_bytes(), "xxy"));
    }

    #[test]
    fn credentials_sign_with_the_hmac_they_are_given() {
        fn fixed(_key: &[u8], _data: &[u8]) -> [u8; 32] {
            [7; 32]
        }
        let core = Credentials::new("k", "s");
        let platform = core.clone().with_hmac(fixed);
        assert_eq!(core, platform, "which implementation computes the HMAC does not matter");
        assert_eq!(format!("{platform:?}"), r#"Credentials { api_key: "k", api_secret: Secret([redacted]), .. }"#);
        let signed = sign(r#"{"a":1}"#, &platform).unwrap();
        assert_eq!(signed.hmac, base64([7; 32]));
        assert!(signed.body.ends_with(&format!(r#""hmac":"{}"}}"#, signed.hmac.replace('/', "\\/"))));
        let full_path = sign(r#"{"a":-0.0}"#, &platform).unwrap();
        assert_eq!(full_path.hmac, base64([7; 32]));
        assert_eq!(sign(r#"{"a":1}"#, &core.with_hmac(hmac_sha256)).unwrap().hmac, hmac_base64(r#"{"a":1,"key":"k"}"#, "s"));
    }

    #[test]
    fn minus_zero_is_sent_as_the_server_reads_it() {
        // PHP 8.2: json_encode(-0.0) is "-0", json_decode("-0") is int(0). The guide's own client
        // sends "-0" and signs "-0", and the server, which signs "0", refuses it.
        let signed = sign(r#"{"a":-0.0,"b":[1.5,-0.0]}"#, &Credentials::new("k", "s")).unwrap();
        assert_eq!(signed.canonical, r#"{"a":0,"b":[1.5,0],"key":"k"}"#);
        assert!(signed.body.starts_with(&signed.canonical[..signed.canonical.len() - 1]));
        assert!(verify(signed.body.as_bytes(), "s"));
    }

    /// The sorted, PHP-viewed top level `sign` works on, and its first encoding.
    fn first_encoding(params: &str) -> (Array, String) {
        let Value::Array(mut payload) = params.into_php().unwrap().into_php_view() else { panic!("{params}") };
        payload.set("key", Value::str("k"));
        ksort(&mut payload);
        let text = json_encode(&Value::Array(payload.clone())).unwrap();
        (payload, text)
    }

    #[test]
    fn the_fast_path_is_taken_only_where_the_first_encoding_is_what_the_server_computes() {
        let settled_cases = [
            r#"{"id":"100001","total_price":"39.99","customer":{"z":1,"a":[1.5,-2.0,1e25,0.0]},"n":null}"#,
            r#"{"10":"a","9":"b","a":"c","1e1":"d","":"e","-1":"f","é":1,"😀":[{}],"o":{"1":"x","0":"y"}}"#,
            r#"{"f":[100.0,-5.0,1e16,1e17,9.2233720368547758e18,0.1,5e-324,1.7976931348623157e308]}"#,
            r#"{"s":"\/\u2028\ud83d\ude00\u0000\"","big":9223372036854775808,"t":true}"#,
            "[]",
        ];
        for params in settled_cases {
            let (payload, text) = first_encoding(params);
            assert!(settled(&payload, PhpMajor::Php8), "{params}");
            assert_eq!(server_view(&text, PhpMajor::Php8).unwrap(), text, "{params}");
        }
        let unsettled_cases = [
            r#"{"a":-0.0}"#,
            r#"{"a":{"b":[1,-0.0]}}"#,
            // Keys PHP's second ksort moves (tests/vectors/lootly_verify.json).
            r#"{"9a":0,"1f":1,"Z":2,"":3,"é":4,"5.":5,"inf":6,"007":7,"1.5":8,"1e3":9,"9223372036854775808":10,"b":11,"5 ":12,"_":13,"1e1":14,".5":15}"#,
        ];
        for params in unsettled_cases {
            let (payload, text) = first_encoding(params);
            assert!(!settled(&payload, PhpMajor::Php8), "{params}");
            assert_ne!(server_view(&text, PhpMajor::Php8).unwrap(), text, "{params}");
            let signed = sign(params, &Credentials::new("k", "s").for_server_php(ServerPhp::Php8)).unwrap();
            assert!(verify(signed.body.as_bytes(), "s"), "{params}");
        }
    }

    #[test]
    fn keys_php_7_and_php_8_sort_differently_need_the_servers_version() {
        // PHP 8.2 sorts "10" before "id" (as text), PHP 7.4 after it ("id" reads as 0).
        let params = r#"{"id":"1","10":"x"}"#;
        let e = sign(params, &Credentials::new("k", "s")).unwrap_err();
        assert_eq!((e.code(), e.field()), ("php_version_dependent", Some("params")));
        assert!(e.to_string().contains("serverPhp"));
        let php8 = sign(params, &Credentials::new("k", "s").for_server_php(ServerPhp::Php8)).unwrap();
        assert_eq!(php8.canonical, r#"{"10":"x","id":"1","key":"k"}"#);
        let php7 = sign(params, &Credentials::new("k", "s").for_server_php(ServerPhp::Php7)).unwrap();
        assert_eq!(php7.canonical, r#"{"id":"1","key":"k","10":"x"}"#);
        // `key` is always there: on PHP 7 a positive integer key sorts after it, on PHP 8 before.
        assert_eq!(sign(r#"{"9":"y"}"#, &Credentials::new("k", "s")).unwrap_err().code(), "php_version_dependent");
        // Keys both sort alike are signed without naming a version, on either path.
        for alike in [r#"{"-5":"x","a":"y"}"#, r#"{"a":-0.0,"b":1}"#, r#"{" 7":1,"b":2}"#] {
            let either = sign(alike, &Credentials::new("k", "s")).unwrap();
            assert_eq!(either, sign(alike, &Credentials::new("k", "s").for_server_php(ServerPhp::Php7)).unwrap(), "{alike}");
        }
    }

    #[test]
    fn reserved_and_conflicting_keys_are_refused() {
        let creds = Credentials::new("k", "s");
        for route_parameter in ["integration", "webhook"] {
            let e = sign(format!(r#"{{"id":1,"{route_parameter}":"zapier"}}"#).as_str(), &creds).unwrap_err();
            assert_eq!((e.code(), e.field()), ("reserved_field", Some(route_parameter)));
        }
        assert_eq!(sign(r#"{"hmac":"x"}"#, &creds).unwrap_err().code(), "reserved_field");
        assert_eq!(sign(r#"{"_url":"x"}"#, &creds).unwrap_err().field(), Some("_url"));
        assert_eq!(sign(r#"{"key":"other"}"#, &creds).unwrap_err().field(), Some("key"));
        assert_eq!(sign("\"text\"", &creds).unwrap_err().code(), "invalid_field");
    }

    #[test]
    fn a_payload_json_encode_refuses_is_checked_against_the_empty_text() {
        // PHP 8.2, the server's code: json_encode(["a" => INF, …]) is false, hash_hmac('sha256',
        // false, $secret) is the HMAC of "", so this body verifies.
        let empty = hmac_base64("", "s");
        assert!(verify(format!(r#"{{"a":1e400,"key":"k","hmac":"{empty}"}}"#).as_bytes(), "s"));
        assert!(verify(format!(r#"{{"a":[-1e400],"hmac":"{empty}"}}"#).as_bytes(), "s"));
        assert!(!verify(format!(r#"{{"a":1e400,"hmac":"{}"}}"#, hmac_base64(r#"{"a":1e400}"#, "s")).as_bytes(), "s"));
        assert!(!verify(format!(r#"{{"a":1,"hmac":"{empty}"}}"#).as_bytes(), "s"));
    }

    #[test]
    fn md5_values_use_the_domain_exactly_as_given() {
        assert_ne!(shop_id("https://shop.com", "s"), shop_id("https://shop.com/", "s"));
        assert_eq!(customer_signature("", ""), "d41d8cd98f00b204e9800998ecf8427e");
        // CustomerAuth trims the secret, ValidConnection does not (PHP's trim set only: \x0C stays).
        assert_eq!(customer_signature("42", " \t\x0Bs\0\r\n"), customer_signature("42", "s"));
        assert_ne!(customer_signature("42", "\x0Cs"), customer_signature("42", "s"));
        assert_ne!(shop_id("https://shop.com", "s\n"), shop_id("https://shop.com", "s"));
    }
}
