//! Reading API v3 answers: the `{payload, message, code, time}` envelope, every code of the
//! reference as a typed [`Failure`], unknown codes kept as text, and the endpoints documented
//! without the envelope (`GET /coupons`, `GET /events`, `POST /events`, `GET /stats`, the
//! latter with a trailing comma in its example) read leniently: a 2xx JSON answer without
//! `code` is its own payload.
//!
//! Classification follows the reference: by HTTP status first (429, 410, 403, 405), then by
//! `code`.

use crate::engine::{Effect, Policy, Verdict};
use crate::error::{LoyaltyError, Result};
use crate::woowup::response::short;
use serde_json::Value;

const SERVICE: &str = "woowup";

/// An answer, read.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// `code: "ok"`, or a 2xx answer without an envelope (then the whole body is the payload).
    Ok { status: u16, payload: Value },
    /// Anything else.
    Failed(Failure),
}

/// A failed call: the HTTP status, what it means, and WoowUp's message (at most 1000
/// characters).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub status: u16,
    pub kind: FailureKind,
    pub message: String,
}

/// What a failure means.
#[derive(Clone, Debug, PartialEq)]
pub enum FailureKind {
    /// `bad_request` (400): validation; `payload.errors` kept.
    BadRequest { errors: Vec<String> },
    /// `client_error` (export endpoints): parameters required, export already scheduled.
    ClientError,
    /// 403: invalid or unknown API key.
    Forbidden,
    /// 405: the wrong verb.
    MethodNotAllowed,
    /// `not_found`, or a 404 without a code (`GET /multiusers/find` of nobody, `PUT /products`
    /// of an unknown sku).
    NotFound,
    /// `user_not_found`: no customer matches; on `PUT /purchases`, the invoice belongs to
    /// another customer.
    UserNotFound,
    /// `duplicated_purchase_number`: the invoice number is already stored.
    DuplicatedPurchaseNumber,
    /// `internal_error` whose message says the customer exists (`POST /users` of an existing
    /// customer: "usuario existente").
    CustomerExists,
    /// `internal_error` (500).
    InternalError,
    /// `server_error` (500).
    ServerError,
    /// 429 (`too_many_request`): `Retry-After` in seconds when the answer carried a positive one.
    TooManyRequests { retry_after_s: Option<u64> },
    /// 410 or `account_deleted`: the key is permanently dead; never retry.
    AccountDeleted,
    /// `invalid_email`.
    InvalidEmail,
    /// A code the reference does not list, kept as text.
    Other { code: String },
    /// A non-2xx answer without a WoowUp envelope (a proxy's page, a gateway error).
    Http,
}

impl FailureKind {
    /// The name of a failure's kind (`code` alone does not tell `customer_exists` from another
    /// `internal_error`).
    pub fn name(&self) -> &'static str {
        match self {
            FailureKind::BadRequest { .. } => "bad_request",
            FailureKind::ClientError => "client_error",
            FailureKind::Forbidden => "forbidden",
            FailureKind::MethodNotAllowed => "method_not_allowed",
            FailureKind::NotFound => "not_found",
            FailureKind::UserNotFound => "user_not_found",
            FailureKind::DuplicatedPurchaseNumber => "duplicated_purchase_number",
            FailureKind::CustomerExists => "customer_exists",
            FailureKind::InternalError => "internal_error",
            FailureKind::ServerError => "server_error",
            FailureKind::TooManyRequests { .. } => "too_many_requests",
            FailureKind::AccountDeleted => "account_deleted",
            FailureKind::InvalidEmail => "invalid_email",
            FailureKind::Other { .. } => "other",
            FailureKind::Http => "http",
        }
    }

    /// The code as WoowUp writes it (`http` for answers without one).
    pub fn code(&self) -> &str {
        match self {
            FailureKind::CustomerExists => "internal_error",
            FailureKind::TooManyRequests { .. } => "too_many_request",
            FailureKind::Other { code } => code,
            _ => self.name(),
        }
    }
}

impl Failure {
    /// Whether the same request may succeed later (429, 502, 503: the official clients' rule,
    /// the engine's WoowUp policy).
    pub fn is_retryable(&self) -> bool {
        let answer = crate::engine::Answer::response(self.status, "");
        matches!(Policy::WOOWUP.classify(Effect::Read, &answer, 0), Verdict::Retry { .. })
    }

    /// Whether no retry or later call with this key can succeed (a dead account, a bad key).
    pub fn is_permanent(&self) -> bool {
        matches!(self.kind, FailureKind::AccountDeleted | FailureKind::Forbidden)
    }

    /// As a `remote_error`, the message written as WoowUp's connectors report it: the code, then
    /// the message (`internal_error`) or the errors joined by `;`.
    pub fn into_error(self) -> LoyaltyError {
        let detail = match &self.kind {
            FailureKind::BadRequest { errors } if !errors.is_empty() => errors.join(";"),
            _ => self.message.clone(),
        };
        let message = if detail.is_empty() { self.kind.code().to_string() } else { format!("{}: {detail}", self.kind.code()) };
        LoyaltyError::Remote { service: SERVICE, status: self.status, message }
    }
}

impl Answer {
    /// The payload of a success, or the failure as a `remote_error`.
    pub fn into_payload(self) -> Result<Value> {
        match self {
            Answer::Ok { payload, .. } => Ok(payload),
            Answer::Failed(f) => Err(f.into_error()),
        }
    }
}

/// `Retry-After` as the official clients read it: a positive integer of seconds; anything else
/// (an HTTP-date, 0, text) is no value.
pub fn retry_after_seconds(headers: &[(String, String)]) -> Option<u64> {
    header(headers, "retry-after")?.trim().parse::<u64>().ok().filter(|s| *s > 0)
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// JSON text with the commas before a closing `}` or `]` removed (outside strings): the docs'
/// `GET /stats` example ends its object with one.
fn without_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut pending_comma: Option<String> = None; // the comma and the blanks after it
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if let Some(held) = pending_comma.as_mut() {
            if c.is_whitespace() {
                held.push(c);
                continue;
            }
            let held = pending_comma.take().unwrap_or_default();
            if c == '}' || c == ']' {
                out.push_str(held.get(1..).unwrap_or_default()); // drop the comma, keep the blanks
            } else {
                out.push_str(&held);
            }
        }
        match c {
            ',' => pending_comma = Some(String::from(",")),
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push_str(&pending_comma.unwrap_or_default());
    out
}

fn parse(body: &str) -> Option<Value> {
    let body = body.trim_start_matches('\u{feff}');
    serde_json::from_str(body).ok().or_else(|| serde_json::from_str(&without_trailing_commas(body)).ok())
}

/// Reads an answer from its status, headers (for `Retry-After`) and body. An error only when a
/// 2xx answer cannot be read at all (`invalid_response`).
pub fn read(status: u16, headers: &[(String, String)], body: &str) -> Result<Answer> {
    let success = (200..300).contains(&status);
    let json = parse(body);
    let fail = |kind: FailureKind, message: String| Ok(Answer::Failed(Failure { status, kind, message: short(&message) }));
    let Some(json) = json else {
        if success {
            let reason = if body.trim().is_empty() { "empty body" } else { "not JSON" };
            return Err(LoyaltyError::InvalidResponse { service: SERVICE, status, reason: reason.into() });
        }
        return fail(by_status(status, headers).unwrap_or(FailureKind::Http), format!("HTTP {status} without a WoowUp answer"));
    };
    let envelope = json.as_object().filter(|o| o.get("code").is_some_and(Value::is_string));
    let Some(envelope) = envelope else {
        // No envelope: a bare answer (lenient success), or a proxy's or gateway's refusal.
        if success {
            return Ok(Answer::Ok { status, payload: json });
        }
        let message = json.get("message").and_then(Value::as_str).map_or_else(|| format!("HTTP {status}"), str::to_string);
        let kind = by_status(status, headers).unwrap_or(if status == 404 { FailureKind::NotFound } else { FailureKind::Http });
        return fail(kind, message);
    };
    let code = envelope.get("code").and_then(Value::as_str).unwrap_or_default();
    let message = envelope.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
    let payload = envelope.get("payload").cloned().unwrap_or(Value::Null);
    if code == "ok" && success {
        return Ok(Answer::Ok { status, payload });
    }
    if let Some(kind) = by_status(status, headers) {
        return fail(kind, message);
    }
    let kind = match code {
        "bad_request" => FailureKind::BadRequest { errors: errors_of(&payload) },
        "client_error" => FailureKind::ClientError,
        "not_found" => FailureKind::NotFound,
        "user_not_found" => FailureKind::UserNotFound,
        "duplicated_purchase_number" => FailureKind::DuplicatedPurchaseNumber,
        "internal_error" if message.to_lowercase().contains("existente") => FailureKind::CustomerExists,
        "internal_error" => FailureKind::InternalError,
        "server_error" => FailureKind::ServerError,
        "too_many_request" => FailureKind::TooManyRequests { retry_after_s: retry_after_seconds(headers) },
        "account_deleted" => FailureKind::AccountDeleted,
        "invalid_email" => FailureKind::InvalidEmail,
        // `ok` with a failing HTTP status: the status decides.
        "ok" if status == 404 => FailureKind::NotFound,
        "ok" => FailureKind::Http,
        other => FailureKind::Other { code: short(other) },
    };
    fail(kind, message)
}

/// The statuses that decide by themselves.
fn by_status(status: u16, headers: &[(String, String)]) -> Option<FailureKind> {
    match status {
        429 => Some(FailureKind::TooManyRequests { retry_after_s: retry_after_seconds(headers) }),
        410 => Some(FailureKind::AccountDeleted),
        403 => Some(FailureKind::Forbidden),
        405 => Some(FailureKind::MethodNotAllowed),
        _ => None,
    }
}

fn errors_of(payload: &Value) -> Vec<String> {
    let errors = payload.get("errors").and_then(Value::as_array);
    errors.map(|e| e.iter().take(100).map(|v| short(&v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect()).unwrap_or_default()
}

/// `payload.exist` of `GET /multiusers/exist` and `GET /products/{sku}/exist` (`true`, `1`,
/// `"true"` or `"1"`).
pub fn read_exist(status: u16, body: &str) -> Result<bool> {
    let payload = read(status, &[], body)?.into_payload()?;
    match payload.get("exist") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) => Ok(n.as_i64() == Some(1)),
        Some(Value::String(s)) => Ok(s == "true" || s == "1"),
        _ => Err(LoyaltyError::InvalidResponse { service: SERVICE, status, reason: "no payload.exist".into() }),
    }
}

/// The items of a list answer: `payload` as an array, a bare array, or `[]`/`{}` for none.
pub fn read_items(status: u16, body: &str) -> Result<Vec<Value>> {
    match read(status, &[], body)?.into_payload()? {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        Value::Object(o) if o.is_empty() => Ok(Vec::new()),
        _ => Err(LoyaltyError::InvalidResponse { service: SERVICE, status, reason: "expected a list".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, headers: &[(&str, &str)], body: &str) -> Failure {
        let headers: Vec<(String, String)> = headers.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        match read(status, &headers, body).unwrap() {
            Answer::Failed(f) => f,
            ok => panic!("{ok:?}"),
        }
    }

    #[test]
    fn every_code_of_the_reference() {
        let ok = read(200, &[], r#"{"payload":{"exist":true},"message":"ok","code":"ok","time":"25ms"}"#).unwrap();
        assert_eq!(ok, Answer::Ok { status: 200, payload: serde_json::json!({"exist": true}) });
        let f = failure(400, &[], r#"{"payload":{"errors":["email invalid","sku required"]},"message":"bad request","code":"bad_request","time":"1ms"}"#);
        assert_eq!(f.kind, FailureKind::BadRequest { errors: vec!["email invalid".into(), "sku required".into()] });
        assert!(f.into_error().to_string().contains("bad_request: email invalid;sku required"));
        let cases: [(u16, &str, FailureKind); 10] = [
            (400, "duplicated_purchase_number", FailureKind::DuplicatedPurchaseNumber),
            (404, "user_not_found", FailureKind::UserNotFound),
            (500, "internal_error", FailureKind::InternalError),
            (500, "server_error", FailureKind::ServerError),
            (400, "client_error", FailureKind::ClientError),
            (404, "not_found", FailureKind::NotFound),
            (400, "invalid_email", FailureKind::InvalidEmail),
            (400, "account_deleted", FailureKind::AccountDeleted),
            (418, "teapot_code", FailureKind::Other { code: "teapot_code".into() }),
            (200, "duplicated_purchase_number", FailureKind::DuplicatedPurchaseNumber),
        ];
        for (status, code, kind) in cases {
            let f = failure(status, &[], &format!(r#"{{"payload":[],"message":"m","code":"{code}","time":"1ms"}}"#));
            assert_eq!((f.status, &f.kind, f.message.as_str()), (status, &kind, "m"), "{code}");
        }
        let f = failure(500, &[], r#"{"payload":[],"message":"Usuario existente","code":"internal_error"}"#);
        assert_eq!(f.kind, FailureKind::CustomerExists);
        let f = failure(429, &[("Retry-After", "7")], r#"{"payload":[],"message":"too many request","code":"too_many_request"}"#);
        assert_eq!(f.kind, FailureKind::TooManyRequests { retry_after_s: Some(7) });
        assert!(f.is_retryable() && !f.is_permanent());
        let f = failure(429, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], "Too Many Requests");
        assert_eq!(f.kind, FailureKind::TooManyRequests { retry_after_s: None });
        let f = failure(410, &[], r#"{"payload":[],"message":"gone","code":"account_deleted"}"#);
        assert!(f.is_permanent() && !f.is_retryable());
        assert_eq!(failure(403, &[], "").kind, FailureKind::Forbidden);
        assert_eq!(failure(502, &[], "<html>Bad gateway</html>").kind, FailureKind::Http);
        assert_eq!(failure(404, &[], r#"{"message":"Not Found"}"#).kind, FailureKind::NotFound);
    }

    #[test]
    fn answers_without_the_envelope_are_read_leniently() {
        assert_eq!(read_items(200, r#"[{"id": 1, "name": "view-product", "createtime": "2026-01-01 00:00:00"}]"#).unwrap().len(), 1);
        assert_eq!(read_items(200, r#"{"payload":[],"message":"","code":"ok","time":"3ms"}"#).unwrap(), Vec::<Value>::new());
        let stats = read(200, &[], "{\n  \"total_customers\": 10,\n  \"per_branches\": [1, 2,],\n}").unwrap();
        assert_eq!(stats.into_payload().unwrap()["per_branches"], serde_json::json!([1, 2]));
        let with_comma_in_text = read(200, &[], r#"{"a": ",}", "b": 1,}"#).unwrap().into_payload().unwrap();
        assert_eq!(with_comma_in_text["a"], ",}");
        assert_eq!(read(200, &[], "").unwrap_err().code(), "invalid_response");
        assert_eq!(read(201, &[], "{\"payload\":").unwrap_err().code(), "invalid_response");
        assert!(read_exist(200, r#"{"payload":{"exist":false},"message":"","code":"ok","time":"1ms"}"#) == Ok(false));
        assert_eq!(read_exist(403, r#"{"payload":[],"message":"forbidden","code":"forbidden"}"#).unwrap_err().status(), Some(403));
    }
}
