//! Lootly's signatures: the HMAC of signed webhooks (PHP's `ksort` + `json_encode` +
//! `hash_hmac('sha256')` + `base64_encode`), its verification, and the widget's MD5 values.

use super::{Credentials, Params};
use crate::error::{LoyaltyError, Result};
use crate::php::{
    json_decode, json_decode_bytes, json_encode, ksort, ksort_order, numeric, object_members, sorts_to_itself, write_string,
    Array, Key, Mode, Value,
};
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// The top-level keys the server removes before it verifies (`hmac`, `_url`): a payload
/// cannot carry them.
const STRIPPED_BY_SERVER: [&str; 2] = ["hmac", "_url"];

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
/// registered with Lootly (scheme and trailing slash included, never normalised).
pub fn shop_id(shop_domain: &str, api_secret: &str) -> String {
    md5_hex(shop_domain, api_secret)
}

/// `data-customer-signature`: lowercase hex `md5(customer_id . api_secret)`.
pub fn customer_signature(customer_id: &str, api_secret: &str) -> String {
    md5_hex(customer_id, api_secret)
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
/// signed is exactly what the server recomputes. It must be a JSON object without `hmac` or
/// `_url`; a `key` in it must equal the api key.
pub fn sign(params: impl Params, creds: &Credentials) -> Result<Signed> {
    if let Some(signed) = params.json_text().and_then(|text| sign_text_directly(text, creds)) {
        return Ok(signed);
    }
    let Value::Array(mut payload) = params.into_php()?.into_php_view() else {
        return Err(LoyaltyError::invalid("params", "must be a JSON object"));
    };
    for reserved in STRIPPED_BY_SERVER {
        if payload.get_str(reserved).is_some() {
            return Err(LoyaltyError::ReservedField { field: reserved.to_string() });
        }
    }
    match payload.get_str("key") {
        None => payload.set("key", Value::str(&creds.api_key)),
        Some(Value::Str(k)) if *k == creds.api_key => {}
        Some(_) => return Err(LoyaltyError::invalid("key", "differs from the api key of the credentials")),
    }
    ksort(&mut payload);
    // The server decodes the body, sorts its top level again and re-encodes it: sign that.
    // PHP's decode → ksort → encode is not always a fixed point (`-0.0` prints as `-0`, which
    // decodes as the integer 0; numeric-looking keys need not sort transitively), so send the
    // text once it has settled, which is at once for ordinary payloads. Whether or not it
    // settles, the HMAC covers what the server computes from the exact text sent.
    // Fast path: when a second `ksort` leaves the order as it is and no float is `-0.0`, the
    // server's decode → `ksort` → encode gives back the very text (see [`settled`]), so there
    // is nothing to re-read. That is every ordinary payload, and it saves 30–35% of the work.
    let is_settled = settled(&payload);
    let mut sent = json_encode(&Value::Array(payload))?;
    let canonical = if is_settled {
        sent.clone()
    } else {
        let mut canonical = server_view(&sent)?;
        for _ in 0..SETTLE_ROUNDS {
            if canonical == sent {
                break;
            }
            sent = canonical;
            canonical = server_view(&sent)?;
        }
        canonical
    };
    Ok(finish(sent, canonical, creds))
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
/// there), keys a second `ksort` would move.
fn sign_text_directly(text: &str, creds: &Credentials) -> Option<Signed> {
    let mut members = object_members(text)?;
    if members.members.iter().any(|(k, _)| matches!(k, Key::Str(s) if s == "key" || STRIPPED_BY_SERVER.contains(&s.as_str()))) {
        return None;
    }
    let start = members.text.len();
    write_string(&mut members.text, &creds.api_key);
    members.members.push((Key::from("key"), start..members.text.len()));
    let keys: Vec<&Key> = members.members.iter().map(|(k, _)| k).collect();
    let order = ksort_order(&keys);
    // Keys that are all non-numeric strings compare bytewise, a total order, so one sort is a
    // fixed point; otherwise (integer or numeric-looking keys need not compare transitively)
    // check that a second sort keeps the order.
    let bytewise = keys.iter().all(|k| matches!(k, Key::Str(s) if numeric(s.as_bytes()).is_none()));
    if !bytewise {
        let sorted: Vec<&Key> = order.iter().map(|&i| keys[i]).collect(); // no-panic: a permutation
        if ksort_order(&sorted).iter().enumerate().any(|(i, &j)| i != j) {
            return None; // not a fixed point of PHP's ksort: the full path settles it
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
fn settled(sorted: &Array) -> bool {
    fn no_minus_zero(value: &Value) -> bool {
        match value {
            Value::Float(f) => !(*f == 0.0 && f.is_sign_negative()),
            Value::Array(a) => a.iter().all(|(_, v)| no_minus_zero(v)),
            Value::Object(o) => o.iter().all(|(_, v)| no_minus_zero(v)),
            _ => true,
        }
    }
    sorts_to_itself(sorted) && sorted.iter().all(|(_, v)| no_minus_zero(v))
}

/// What the server signs for a body whose members (without `hmac`) are `text`:
/// `json_encode(ksort(json_decode($text, true)))`.
fn server_view(text: &str) -> Result<String> {
    let Value::Array(mut payload) = json_decode(text, Mode::Assoc)? else {
        return Err(LoyaltyError::invalid("params", "must be a JSON object"));
    };
    ksort(&mut payload);
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
fn constant_time_eq(known: &[u8], user: &[u8]) -> bool {
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
            assert!(settled(&payload), "{params}");
            assert_eq!(server_view(&text).unwrap(), text, "{params}");
        }
        let unsettled_cases = [
            r#"{"a":-0.0}"#,
            r#"{"a":{"b":[1,-0.0]}}"#,
            // Keys PHP's second ksort moves (tests/vectors/lootly_verify.json).
            r#"{"9a":0,"1f":1,"Z":2,"":3,"é":4,"5.":5,"inf":6,"007":7,"1.5":8,"1e3":9,"9223372036854775808":10,"b":11,"5 ":12,"_":13,"1e1":14,".5":15}"#,
        ];
        for params in unsettled_cases {
            let (payload, text) = first_encoding(params);
            assert!(!settled(&payload), "{params}");
            assert_ne!(server_view(&text).unwrap(), text, "{params}");
            let signed = sign(params, &Credentials::new("k", "s")).unwrap();
            assert!(verify(signed.body.as_bytes(), "s"), "{params}");
        }
    }

    #[test]
    fn reserved_and_conflicting_keys_are_refused() {
        let creds = Credentials::new("k", "s");
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
    }
}
