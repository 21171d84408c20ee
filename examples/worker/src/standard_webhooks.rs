//! Standard Webhooks (standardwebhooks.com) signatures, so a shop can sign its events with any
//! existing library: `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`,
//! keys written `whsec_<base64>`. Several space-separated signatures are accepted (the sender
//! rotating its key), also spread over several `webhook-signature` header lines (which HTTP joins
//! with `, `), and several keys (this Worker rotating its secret). Pure: the caller passes the
//! current time.
//!
//! A request that carries no event (`GET /v1/events/{id}`, the operator's calls) is signed over
//! [`request_content`], its method and path, in place of the body: a signature made for one
//! event's status cannot be replayed to read another's.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// How far a `webhook-timestamp` may be from now, either way (the standard's 5 minutes).
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

/// Why a request was not authenticated. The message never says which key nearly matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty.
    MissingHeaders,
    /// `webhook-timestamp` is not a number of seconds.
    InvalidTimestamp,
    /// The timestamp is more than the tolerance in the past.
    TooOld,
    /// The timestamp is more than the tolerance in the future.
    TooNew,
    /// No `v1` signature matches any key.
    NoMatchingSignature,
}

impl AuthError {
    pub fn message(self) -> &'static str {
        match self {
            AuthError::MissingHeaders => "webhook-id, webhook-timestamp and webhook-signature are required",
            AuthError::InvalidTimestamp => "webhook-timestamp must be a unix time in seconds",
            AuthError::TooOld => "webhook-timestamp is more than 5 minutes old",
            AuthError::TooNew => "webhook-timestamp is more than 5 minutes in the future",
            AuthError::NoMatchingSignature => "no webhook-signature matches",
        }
    }
}

/// The signing keys this Worker accepts. `Debug` never prints them.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<Vec<u8>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier({} key(s), [redacted])", self.keys.len())
    }
}

/// Decodes one `whsec_<base64>` secret (the prefix is optional, as in the reference libraries).
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, String> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    match STANDARD.decode(b64) {
        Ok(key) if !key.is_empty() => Ok(key),
        Ok(_) => Err("a webhook secret is empty".into()),
        Err(_) => Err("a webhook secret is not whsec_ followed by base64".into()),
    }
}

impl Verifier {
    /// Keys from a list of secrets separated by spaces, commas or newlines (the new one first
    /// during a rotation; the order does not matter).
    pub fn from_secrets(list: &str) -> Result<Self, String> {
        let keys = list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(decode_secret)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("no webhook secret is configured".into());
        }
        Ok(Verifier { keys })
    }

    /// Checks the three headers against `body`; `now` is the current unix time in seconds.
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signatures: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), AuthError> {
        let (Some(id), Some(timestamp), Some(signatures)) = (present(id), present(timestamp), present(signatures)) else {
            return Err(AuthError::MissingHeaders);
        };
        let ts: i64 = timestamp.parse().map_err(|_| AuthError::InvalidTimestamp)?;
        if now.saturating_sub(ts) > TOLERANCE_SECONDS {
            return Err(AuthError::TooOld);
        }
        if ts.saturating_sub(now) > TOLERANCE_SECONDS {
            return Err(AuthError::TooNew);
        }
        // Several header lines arrive joined by ", "; base64 holds no comma.
        let candidates: Vec<Vec<u8>> = signatures
            .split(' ')
            .map(|s| s.trim_end_matches(','))
            .filter_map(|s| s.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .collect();
        for key in &self.keys {
            let mac = signed_mac(key, id, ts, body);
            // `verify_slice` compares in constant time.
            if candidates.iter().any(|c| mac.clone().verify_slice(c).is_ok()) {
                return Ok(());
            }
        }
        Err(AuthError::NoMatchingSignature)
    }
}

/// What a request without an event body is signed over, in place of the body: `GET /v1/events/evt_…`.
pub fn request_content(method: &str, path: &str) -> String {
    format!("{method} {path}")
}

/// A header's value, trimmed, when it is there and not empty.
fn present(header: Option<&str>) -> Option<&str> {
    header.map(str::trim).filter(|v| !v.is_empty())
}

fn signed_mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // no-panic: HMAC accepts keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value a sender computes: `v1,<base64>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, String> {
    let key = decode_secret(secret)?;
    Ok(format!("v1,{}", STANDARD.encode(signed_mac(&key, id, timestamp, body).finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The published test vector of the standard's reference libraries ("sign function works").
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn verifier() -> Verifier {
        Verifier::from_secrets(SECRET).unwrap()
    }

    #[test]
    fn signs_the_published_vector() {
        assert_eq!(sign(SECRET, ID, TS, BODY).unwrap(), EXPECTED);
        // The prefix is optional.
        assert_eq!(sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID, TS, BODY).unwrap(), EXPECTED);
    }

    #[test]
    fn verifies_the_published_vector() {
        assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(EXPECTED), BODY, TS), Ok(()));
    }

    #[test]
    fn rejects_any_change_to_what_is_signed() {
        let v = verifier();
        let check = |id, ts, body: &[u8]| v.verify(Some(id), Some(ts), Some(EXPECTED), body, TS);
        assert_eq!(check("msg_other", "1614265330", BODY), Err(AuthError::NoMatchingSignature));
        assert_eq!(check(ID, "1614265331", BODY), Err(AuthError::NoMatchingSignature));
        assert_eq!(check(ID, "1614265330", br#"{"test": 2432232315}"#), Err(AuthError::NoMatchingSignature));
        let other = Verifier::from_secrets("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
        assert_eq!(other.verify(Some(ID), Some("1614265330"), Some(EXPECTED), BODY, TS), Err(AuthError::NoMatchingSignature));
    }

    #[test]
    fn accepts_one_good_signature_among_several() {
        let sigs = format!("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc v1,not-base64! {EXPECTED}");
        assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(&sigs), BODY, TS), Ok(()));
        // The right bytes under another version tag do not count.
        let v2 = EXPECTED.replacen("v1,", "v2,", 1);
        assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(&v2), BODY, TS), Err(AuthError::NoMatchingSignature));
    }

    #[test]
    fn accepts_a_good_signature_on_any_of_several_header_lines() {
        // What a runtime's Headers.get returns for two header lines: the values joined by ", ".
        let other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        for joined in [format!("{EXPECTED}, {other}"), format!("{other}, {EXPECTED}"), format!("{other} v1,x, {EXPECTED}")] {
            assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(&joined), BODY, TS), Ok(()), "{joined}");
        }
        assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(&format!("{other}, {other}")), BODY, TS), Err(AuthError::NoMatchingSignature));
    }

    #[test]
    fn a_signed_read_covers_its_method_and_path() {
        let content = request_content("GET", "/v1/events/evt_a");
        let sig = sign(SECRET, ID, TS, content.as_bytes()).unwrap();
        let check = |method, path: &str| verifier().verify(Some(ID), Some("1614265330"), Some(&sig), request_content(method, path).as_bytes(), TS);
        assert_eq!(check("GET", "/v1/events/evt_a"), Ok(()));
        assert_eq!(check("GET", "/v1/events/evt_b"), Err(AuthError::NoMatchingSignature));
        assert_eq!(check("POST", "/v1/events/evt_a"), Err(AuthError::NoMatchingSignature));
        // The empty body the old scheme signed no longer passes.
        let empty = sign(SECRET, ID, TS, b"").unwrap();
        assert_eq!(verifier().verify(Some(ID), Some("1614265330"), Some(&empty), content.as_bytes(), TS), Err(AuthError::NoMatchingSignature));
    }

    #[test]
    fn accepts_any_configured_key_during_a_rotation() {
        let v = Verifier::from_secrets(&format!("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, {SECRET}")).unwrap();
        assert_eq!(v.verify(Some(ID), Some("1614265330"), Some(EXPECTED), BODY, TS), Ok(()));
    }

    #[test]
    fn enforces_the_five_minute_tolerance() {
        let v = verifier();
        let at = |now| v.verify(Some(ID), Some("1614265330"), Some(EXPECTED), BODY, now);
        assert_eq!(at(TS + 300), Ok(()));
        assert_eq!(at(TS - 300), Ok(()));
        assert_eq!(at(TS + 301), Err(AuthError::TooOld));
        assert_eq!(at(TS - 301), Err(AuthError::TooNew));
    }

    #[test]
    fn reports_missing_and_malformed_headers() {
        let v = verifier();
        assert_eq!(v.verify(None, Some("1"), Some(EXPECTED), BODY, TS), Err(AuthError::MissingHeaders));
        assert_eq!(v.verify(Some(ID), Some(" "), Some(EXPECTED), BODY, TS), Err(AuthError::MissingHeaders));
        assert_eq!(v.verify(Some(ID), Some("1614265330"), None, BODY, TS), Err(AuthError::MissingHeaders));
        assert_eq!(v.verify(Some(ID), Some("hello"), Some(EXPECTED), BODY, TS), Err(AuthError::InvalidTimestamp));
        assert_eq!(v.verify(Some(ID), Some("1614265330"), Some("v1,"), BODY, TS), Err(AuthError::NoMatchingSignature));
        assert_eq!(v.verify(Some(ID), Some("1614265330"), Some(&EXPECTED[..8]), BODY, TS), Err(AuthError::NoMatchingSignature));
        // Extreme timestamps do not overflow.
        assert_eq!(v.verify(Some(ID), Some("-9223372036854775808"), Some(EXPECTED), BODY, i64::MAX), Err(AuthError::TooOld));
    }

    #[test]
    fn secrets_are_checked_and_never_printed() {
        assert!(Verifier::from_secrets("").is_err());
        assert!(Verifier::from_secrets("whsec_!!!").is_err());
        assert!(Verifier::from_secrets("whsec_").is_err());
        assert!(!format!("{:?}", verifier()).contains("MfKQ"));
    }
}
