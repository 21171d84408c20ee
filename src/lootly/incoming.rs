//! What Lootly sends the shop, verified: the "redeem reward" webhook to the URL the merchant
//! configured, and the signed calls to the shop's `api_endpoint` (given in `app-installed`).
//!
//! - Redeem reward: Lootly's recipe for receivers is `json_decode` **as objects**, remove
//!   `hmac`, `json_encode` **without** `ksort`, HMAC-SHA256, base64, compare. Objects keep `{}`
//!   as `{}` and the members in the order they came.
//! - `api_endpoint` calls: a GET carries its parameters, `key`, `t` and `hmac` in the query
//!   string, a POST sends them as JSON; both are signed over `json_encode(ksort(params + key))`
//!   (`t` included), the same scheme as the webhooks the shop sends. The query string is read as
//!   PHP's `$_GET` holds it (every value a string).
//!
//! Several secrets can be given during a rotation; every one is tried, with no early exit, and
//! every comparison is constant-time. An optional freshness window checks `t` against a clock
//! the caller passes in (the core reads none).

use super::signature::{base64, constant_time_eq};
use super::HmacSha256;
use crate::php::{json_decode_bytes, json_encode, ksort_as, parse_query, Array, Key, Mode, PhpMajor, Value};

/// A request Lootly sent, as it reaches the shop.
#[derive(Clone, Copy, Debug)]
pub enum Incoming<'a> {
    /// A GET's query string (without `?`).
    Query(&'a str),
    /// A POST's body: an `api_endpoint` call or a "redeem reward" webhook.
    Body(&'a [u8]),
}

/// The accepted age of `t`: `|now - t| <= max_age_seconds`, `now` in unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freshness {
    pub now: i64,
    pub max_age_seconds: u64,
}

/// A verified request: its signature (a replay guard's key) and its `t`, when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub hmac: String,
    pub t: Option<i64>,
}

/// Why a request was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// Not JSON or a query string as PHP reads it, or not an object.
    Unreadable,
    /// No `hmac`, or one that is not text.
    Unsigned,
    /// The signature matches none of the secrets.
    BadSignature,
    /// A freshness window was asked for and `t` is missing or not an integer.
    NoTime,
    /// `t` is outside the freshness window.
    Stale,
}

impl Rejected {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejected::Unreadable => "unreadable",
            Rejected::Unsigned => "unsigned",
            Rejected::BadSignature => "bad_signature",
            Rejected::NoTime => "no_time",
            Rejected::Stale => "stale",
        }
    }
}

/// Verifies a request Lootly sent the shop against each of `secrets`: a query string as an
/// `api_endpoint` GET, a body as an `api_endpoint` POST or a "redeem reward" webhook (whichever
/// recipe its signature was made with), then `t` against the freshness window when one is given.
pub fn verify_incoming(incoming: Incoming<'_>, secrets: &[&str], freshness: Option<Freshness>, hmac: HmacSha256) -> Result<Verified, Rejected> {
    let (received, t, candidates) = match incoming {
        Incoming::Query(query) => {
            let mut params = parse_query(query).ok_or(Rejected::Unreadable)?;
            let received = take_hmac(&mut params)?;
            let t = time_of(params.get_str("t"));
            (received, t, sorted_texts(params))
        }
        Incoming::Body(body) => {
            let Ok(Value::Array(mut params)) = json_decode_bytes(body, Mode::Assoc) else { return Err(Rejected::Unreadable) };
            let received = take_hmac(&mut params)?;
            let t = time_of(params.get_str("t"));
            let mut candidates = sorted_texts(params);
            candidates.extend(redeem_reward_text(body));
            (received, t, candidates)
        }
    };
    check(&received, &candidates, secrets, hmac)?;
    fresh(t, freshness)?;
    Ok(Verified { hmac: received, t })
}

/// Verifies a "redeem reward" webhook body by Lootly's recipe only (objects, no `ksort`).
pub fn verify_redeem_reward(body: &[u8], secrets: &[&str], freshness: Option<Freshness>, hmac: HmacSha256) -> Result<Verified, Rejected> {
    let Ok(Value::Object(object)) = json_decode_bytes(body, Mode::Objects) else { return Err(Rejected::Unreadable) };
    let received = match object.get("hmac") {
        Some(Value::Str(s)) => s.clone(),
        _ => return Err(Rejected::Unsigned),
    };
    let t = time_of(object.get("t"));
    check(&received, &redeem_reward_text(body).into_iter().collect::<Vec<_>>(), secrets, hmac)?;
    fresh(t, freshness)?;
    Ok(Verified { hmac: received, t })
}

fn take_hmac(params: &mut Array) -> Result<String, Rejected> {
    match params.remove(&Key::from("hmac")) {
        Some(Value::Str(s)) => Ok(s),
        _ => Err(Rejected::Unsigned),
    }
}

/// `json_encode(ksort($params))` as PHP 8 sorts, and as PHP 7 sorts when that differs: which
/// PHP signed is not known, and either text is the sender's own.
fn sorted_texts(params: Array) -> Vec<String> {
    let mut texts = Vec::with_capacity(2);
    for php in [PhpMajor::Php8, PhpMajor::Php7] {
        let mut sorted = params.clone();
        ksort_as(&mut sorted, php);
        let text = json_encode(&Value::Array(sorted)).unwrap_or_default();
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts
}

/// Lootly's recipe for the redeem-reward webhook: `json_encode` of the object without `hmac`.
fn redeem_reward_text(body: &[u8]) -> Option<String> {
    let Ok(Value::Object(mut object)) = json_decode_bytes(body, Mode::Objects) else { return None };
    object.remove("hmac");
    Some(json_encode(&Value::Object(object)).unwrap_or_default())
}

/// Constant-time: every candidate text under every secret is compared, none skipped.
fn check(received: &str, candidates: &[String], secrets: &[&str], hmac: HmacSha256) -> Result<(), Rejected> {
    let mut any = false;
    for secret in secrets {
        for text in candidates {
            let expected = base64(hmac(secret.as_bytes(), text.as_bytes()));
            any |= constant_time_eq(expected.as_bytes(), received.as_bytes());
        }
    }
    if any {
        Ok(())
    } else {
        Err(Rejected::BadSignature)
    }
}

/// `t` as an integer: a JSON integer, or text of decimal digits (a query string's value).
fn time_of(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Int(t) => Some(*t),
        Value::Str(s) if !s.is_empty() && s.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) => s.parse().ok(),
        _ => None,
    }
}

fn fresh(t: Option<i64>, freshness: Option<Freshness>) -> Result<(), Rejected> {
    let Some(window) = freshness else { return Ok(()) };
    let t = t.ok_or(Rejected::NoTime)?;
    if window.now.abs_diff(t) <= window.max_age_seconds {
        Ok(())
    } else {
        Err(Rejected::Stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lootly::{hmac_base64, hmac_sha256, sign, Credentials};
    use crate::php::urlencode;

    const SECRETS: &[&str] = &["old-secret", "new-secret"];

    #[test]
    fn api_endpoint_calls_verify_in_the_body_and_in_the_query() {
        let signed = sign(r#"{"customer_id":"42","t":1767225600}"#, &Credentials::new("pk", "new-secret")).unwrap();
        let ok = verify_incoming(Incoming::Body(signed.body.as_bytes()), SECRETS, None, hmac_sha256).unwrap();
        assert_eq!(ok, Verified { hmac: signed.hmac.clone(), t: Some(1767225600) });
        assert_eq!(verify_incoming(Incoming::Body(signed.body.as_bytes()), &["other"], None, hmac_sha256), Err(Rejected::BadSignature));
        // A GET: every value is a string in $_GET, so `t` is signed as "1767225600".
        let canonical = r#"{"customer_id":"42","key":"pk","t":"1767225600"}"#;
        let query = format!("t=1767225600&customer_id=42&key=pk&hmac={}", urlencode(&hmac_base64(canonical, "old-secret")));
        let ok = verify_incoming(Incoming::Query(&query), SECRETS, None, hmac_sha256).unwrap();
        assert_eq!(ok.t, Some(1767225600));
        let tampered = query.replace("customer_id=42", "customer_id=43");
        assert_eq!(verify_incoming(Incoming::Query(&tampered), SECRETS, None, hmac_sha256), Err(Rejected::BadSignature));
        assert_eq!(verify_incoming(Incoming::Query("a=1"), SECRETS, None, hmac_sha256), Err(Rejected::Unsigned));
        assert_eq!(verify_incoming(Incoming::Query("a[b]=1&hmac=x"), SECRETS, None, hmac_sha256), Err(Rejected::Unreadable));
    }

    #[test]
    fn the_redeem_reward_webhook_is_verified_by_lootlys_recipe() {
        // Objects, no ksort: `{}` stays `{}`, the order stays as sent.
        let text = r#"{"reward":{},"customer_email":"a@b.co","coupon_code":"X-1","t":1767225600}"#;
        let hmac = hmac_base64(text, "new-secret");
        let body = format!(r#"{{"reward":{{}},"customer_email":"a@b.co","hmac":"{hmac}","coupon_code":"X-1","t":1767225600}}"#);
        let ok = verify_redeem_reward(body.as_bytes(), SECRETS, None, hmac_sha256).unwrap();
        assert_eq!(ok.hmac, hmac);
        assert!(verify_incoming(Incoming::Body(body.as_bytes()), SECRETS, None, hmac_sha256).is_ok());
        let sorted = hmac_base64(r#"{"coupon_code":"X-1","customer_email":"a@b.co","reward":[],"t":1767225600}"#, "new-secret");
        let server_style = body.replace(&hmac, &sorted);
        assert_eq!(verify_redeem_reward(server_style.as_bytes(), SECRETS, None, hmac_sha256), Err(Rejected::BadSignature));
    }

    #[test]
    fn the_freshness_window_uses_the_clock_it_is_given() {
        let signed = sign(r#"{"t":1000}"#, &Credentials::new("pk", "old-secret")).unwrap();
        let at = |now| verify_incoming(Incoming::Body(signed.body.as_bytes()), SECRETS, Some(Freshness { now, max_age_seconds: 300 }), hmac_sha256);
        assert!(at(1300).is_ok() && at(700).is_ok());
        assert_eq!(at(1301), Err(Rejected::Stale));
        let untimed = sign(r#"{"a":1}"#, &Credentials::new("pk", "old-secret")).unwrap();
        let window = Some(Freshness { now: 0, max_age_seconds: 300 });
        assert_eq!(verify_incoming(Incoming::Body(untimed.body.as_bytes()), SECRETS, window, hmac_sha256), Err(Rejected::NoTime));
        assert!(verify_incoming(Incoming::Body(untimed.body.as_bytes()), SECRETS, None, hmac_sha256).is_ok());
    }
}
