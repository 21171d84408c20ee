//! Reading WoowUp's answers.
//!
//! Most endpoints answer an envelope, `{"status": true, "data": …}` or
//! `{"status": false, "message": "…"}`: success is decided by `status`, not by the HTTP code.
//! `transactions` and `top_users_by_points` answer a bare JSON array. Numbers often arrive as
//! text (`"points": "4256"`) and ids as either; both are accepted.
//!
//! A refusal becomes `LoyaltyError::Remote { service: "woowup", status, message }` carrying
//! WoowUp's message; a body that cannot be read becomes `InvalidResponse` (or `Remote` with
//! `HTTP {status}` when the HTTP code already says the call failed, as a proxy's HTML page does).

use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use serde::Serialize;
use serde_json::{Map, Value};

const SERVICE: &str = "woowup";
/// WoowUp's messages are kept up to this many characters.
const MAX_MESSAGE_CHARS: usize = 1000;

/// A WoowUp user, from `user_by_email`, `user_by_uid`, `register_user_classic`,
/// `initialize_user` or `top_users_by_points`. Ids and numbers are kept as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct User {
    /// The user's WoowUp id (`top_users_by_points`, registration answers).
    pub id: Option<String>,
    /// The user's id in this program (`transactions` takes it).
    pub userapp_id: Option<String>,
    pub app_id: Option<String>,
    /// `1` Facebook, `2` classic, when known.
    pub service: Option<String>,
    /// The uid to give points to (`add_sale_points_by_uid`); may be `null` in WoowUp.
    pub service_uid: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: Option<String>,
    pub points: Option<Decimal>,
    pub status: Option<String>,
    pub createtime: Option<String>,
}

/// One point transaction of `transactions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transaction {
    pub id: String,
    pub points: Decimal,
    pub action_id: Option<String>,
    pub concept_id: Option<String>,
    pub description: Option<String>,
    pub created: Option<String>,
}

/// What a user lookup (`user_by_email`, `user_by_uid`) found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lookup {
    Found { user: Box<User> },
    /// `status: false`: no such user in the program (WoowUp's message kept).
    NotFound { message: Option<String> },
}

fn invalid(status: u16, reason: impl Into<String>) -> LoyaltyError {
    LoyaltyError::InvalidResponse { service: SERVICE, status, reason: reason.into() }
}

/// A vendor's message cut to 1000 characters (an ellipsis says it was cut); v2 and v3 alike.
pub(crate) fn short(message: &str) -> String {
    let mut chars = message.chars();
    let kept: String = chars.by_ref().take(MAX_MESSAGE_CHARS).collect();
    if chars.next().is_some() {
        format!("{kept}…")
    } else {
        kept
    }
}

/// The body as JSON, or an error: `Remote` when the HTTP code is not 2xx, else `InvalidResponse`.
fn parse(status: u16, body: &str) -> Result<Value> {
    match serde_json::from_str::<Value>(body.trim_start_matches('\u{feff}')) {
        Ok(json) => Ok(json),
        Err(_) if !(200..300).contains(&status) => {
            Err(LoyaltyError::Remote { service: SERVICE, status, message: format!("HTTP {status} without a WoowUp answer") })
        }
        Err(_) if body.trim().is_empty() => Err(invalid(status, "empty body")),
        Err(e) => Err(invalid(status, format!("not JSON ({})", e.classify_name()))),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Eof => "cut short",
            serde_json::error::Category::Syntax => "syntax error",
            _ => "unreadable",
        }
    }
}

/// `status` as WoowUp writes it: `true`/`false`, or `1`/`0` as a number or text.
fn status_flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A refusal's message: `message`, else `data` or `error` when they are text.
fn message_of(object: &Map<String, Value>) -> Option<String> {
    ["message", "data", "error"].iter().find_map(|k| object.get(*k).and_then(Value::as_str)).map(short)
}

/// An envelope, read.
enum Envelope {
    Ok { data: Value, message: Option<String> },
    Refused { message: Option<String> },
}

fn envelope_of(status: u16, json: Value) -> Result<Envelope> {
    let failed_http = !(200..300).contains(&status);
    let Value::Object(mut object) = json else {
        if failed_http {
            return Err(refused(status, Some(format!("HTTP {status} without a WoowUp answer"))));
        }
        return Err(invalid(status, "expected an object {status, data|message}"));
    };
    let Some(flag) = object.get("status") else {
        // A proxy's or a rate limiter's answer (`{"message": …}` with a 503 or a 429).
        if failed_http {
            return Err(refused(status, Some(message_of(&object).unwrap_or_else(|| format!("HTTP {status}")))));
        }
        return Err(invalid(status, "no status in the answer"));
    };
    let ok = status_flag(flag).ok_or_else(|| invalid(status, "status is neither true nor false"))?;
    let message = message_of(&object);
    if ok {
        Ok(Envelope::Ok { data: object.remove("data").unwrap_or(Value::Null), message })
    } else {
        Ok(Envelope::Refused { message })
    }
}

fn refused(status: u16, message: Option<String>) -> LoyaltyError {
    LoyaltyError::Remote { service: SERVICE, status, message: message.unwrap_or_else(|| "status false".to_string()) }
}

/// The `data` of a successful envelope, or the refusal as a `Remote` error.
fn data(status: u16, body: &str) -> Result<(Value, Option<String>)> {
    match envelope_of(status, parse(status, body)?)? {
        Envelope::Ok { data, message } => Ok((data, message)),
        Envelope::Refused { message } => Err(refused(status, message)),
    }
}

/// Any answer: the envelope's `data` (its `message` as text when there is no `data`), or a bare
/// array as it is. A refusal is a `Remote` error.
pub fn read_response(status: u16, body: &str) -> Result<Value> {
    match parse(status, body)? {
        list @ Value::Array(_) => Ok(list),
        json => match envelope_of(status, json)? {
            Envelope::Ok { data: Value::Null, message: Some(m) } => Ok(Value::String(m)),
            Envelope::Ok { data, .. } => Ok(data),
            Envelope::Refused { message } => Err(refused(status, message)),
        },
    }
}

/// WoowUp's refusals of a repeated write: what was to be done is already done. For a request
/// that may have landed (sent, answer lost), such a refusal is the earlier attempt's success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat<'a> {
    /// `add_sale_points_by_uid` of this invoice number: "Invoice number N already exists".
    Invoice(&'a str),
    /// `initialize_user`: "User already exists".
    User,
    /// `cancel_invoice`: "Invoice already cancelled".
    Cancellation,
}

impl Repeat<'_> {
    /// Whether `(status, body)` is WoowUp refusing this repeat.
    pub fn is_refusal(self, status: u16, body: &str) -> bool {
        let Err(LoyaltyError::Remote { message, .. }) = read_response(status, body) else { return false };
        let m = message.to_lowercase();
        match self {
            Repeat::Invoice(nro) => m.contains("already exists") && m.contains(&nro.to_lowercase()),
            Repeat::User => m.contains("already exists") && m.contains("user"),
            Repeat::Cancellation => m.contains("already cancelled"),
        }
    }
}

/// The answers of endpoints that only say whether they worked (`coupon_status`, `save_product`,
/// `save_category_tree`, `send_transactional_email`): WoowUp's text (`message`, or `data` when it
/// is text), if any.
pub fn read_status(status: u16, body: &str) -> Result<Option<String>> {
    let (data, message) = data(status, body)?;
    Ok(message.or_else(|| data.as_str().map(short)))
}

/// Text of a scalar: strings as they are, numbers and booleans as their JSON text.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn decimal(status: u16, object: &Map<String, Value>, key: &str) -> Result<Option<Decimal>> {
    let bad = || invalid(status, format!("{key} is not a number"));
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Decimal::parse(&n.to_string(), key).map(Some).map_err(|_| bad()),
        Some(Value::String(s)) => Decimal::parse(s.trim(), key).map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

fn user_of(status: u16, object: &Map<String, Value>) -> Result<User> {
    Ok(User {
        id: text(object, "id"),
        userapp_id: text(object, "userapp_id"),
        app_id: text(object, "app_id"),
        service: text(object, "service"),
        service_uid: text(object, "service_uid"),
        email: text(object, "email"),
        first_name: text(object, "first_name"),
        last_name: text(object, "last_name"),
        name: text(object, "name"),
        points: decimal(status, object, "points")?,
        status: text(object, "status"),
        createtime: text(object, "createtime"),
    })
}

fn data_user(status: u16, data: &Value) -> Result<User> {
    let user = data.get("user").and_then(Value::as_object).ok_or_else(|| invalid(status, "no data.user in the answer"))?;
    user_of(status, user)
}

/// Whether a lookup's `status: false` is a refusal rather than "no such user": the HTTP code says
/// the key was refused (401, 403), the caller is throttled (429) or the server failed (5xx).
fn refusal_code(status: u16) -> bool {
    matches!(status, 401 | 403 | 429) || status >= 500
}

/// `user_by_email` / `user_by_uid`: the user, or `NotFound` on `status: false` (as WoowUp's own
/// client reads it), except with HTTP 401, 403, 429 or 5xx, which are `Remote` errors.
pub fn read_user_lookup(status: u16, body: &str) -> Result<Lookup> {
    match envelope_of(status, parse(status, body)?)? {
        Envelope::Ok { data, .. } => Ok(Lookup::Found { user: Box::new(data_user(status, &data)?) }),
        Envelope::Refused { message } if refusal_code(status) => Err(refused(status, message)),
        Envelope::Refused { message } => Ok(Lookup::NotFound { message }),
    }
}

/// `user_by_email` / `user_by_uid` when the user must exist: `status: false` is an error.
pub fn read_user(status: u16, body: &str) -> Result<User> {
    let (data, _) = data(status, body)?;
    data_user(status, &data)
}

/// `register_user_classic` / `initialize_user`: `data.user`, completed with `data.user_app`
/// (`userapp_id` from its `id`, `app_id`) and `data.points`.
pub fn read_registered_user(status: u16, body: &str) -> Result<User> {
    let (data, _) = data(status, body)?;
    let mut user = data_user(status, &data)?;
    if let Some(app) = data.get("user_app").and_then(Value::as_object) {
        user.userapp_id = user.userapp_id.or_else(|| text(app, "id"));
        user.app_id = user.app_id.or_else(|| text(app, "app_id"));
    }
    if let Some(object) = data.as_object() {
        if user.points.is_none() {
            user.points = decimal(status, object, "points")?;
        }
    }
    Ok(user)
}

/// `is_user`: `true` when the user exists; `status: false` means no such user (except with
/// HTTP 401, 403, 429 or 5xx, which are `Remote` errors).
pub fn read_is_user(status: u16, body: &str) -> Result<bool> {
    match envelope_of(status, parse(status, body)?)? {
        Envelope::Ok { .. } => Ok(true),
        Envelope::Refused { message } if refusal_code(status) => Err(refused(status, message)),
        Envelope::Refused { .. } => Ok(false),
    }
}

/// The list of a bare-array endpoint; an envelope is read too (a refusal, or `data` holding the list).
fn list(status: u16, body: &str) -> Result<Vec<Value>> {
    match parse(status, body)? {
        Value::Array(items) => Ok(items),
        json => match envelope_of(status, json)? {
            Envelope::Ok { data: Value::Array(items), .. } => Ok(items),
            Envelope::Ok { data: Value::Null, .. } => Ok(Vec::new()),
            Envelope::Ok { .. } => Err(invalid(status, "expected a list")),
            Envelope::Refused { message } => Err(refused(status, message)),
        },
    }
}

/// `top_users_by_points`: users ordered by points.
pub fn read_top_users(status: u16, body: &str) -> Result<Vec<User>> {
    list(status, body)?
        .iter()
        .map(|item| item.as_object().ok_or_else(|| invalid(status, "expected a list of users")).and_then(|u| user_of(status, u)))
        .collect()
}

/// `transactions`: a user's point transactions.
pub fn read_transactions(status: u16, body: &str) -> Result<Vec<Transaction>> {
    let mut out = Vec::new();
    for item in list(status, body)? {
        let object = item.as_object().ok_or_else(|| invalid(status, "expected a list of transactions"))?;
        out.push(Transaction {
            id: text(object, "id").ok_or_else(|| invalid(status, "a transaction without id"))?,
            points: decimal(status, object, "points")?.ok_or_else(|| invalid(status, "a transaction without points"))?,
            action_id: text(object, "action_id"),
            concept_id: text(object, "concept_id"),
            description: text(object, "description"),
            created: text(object, "created"),
        });
    }
    Ok(out)
}

/// `add_points_by_uid`, `add_sale_points_by_uid`, `cancel_invoice`: `data.transaction_id`
/// (`None` when a successful answer does not carry one).
pub fn read_transaction_id(status: u16, body: &str) -> Result<Option<String>> {
    let (data, _) = data(status, body)?;
    Ok(data.as_object().and_then(|d| text(d, "transaction_id")))
}

/// `contest_sale_points`: `data.contest_sale_points`, `None` when absent or `null`. A negative
/// value is an `InvalidResponse`.
pub fn read_sale_points(status: u16, body: &str) -> Result<Option<Decimal>> {
    let (data, _) = data(status, body)?;
    let Some(object) = data.as_object() else {
        return if data.is_null() { Ok(None) } else { Err(invalid(status, "data is not an object")) };
    };
    let points = decimal(status, object, "contest_sale_points")?;
    if points.is_some_and(Decimal::is_negative) {
        return Err(invalid(status, "contest_sale_points is negative"));
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats() {
        let invoice = r#"{"status":false,"message":"Invoice number A-1 already exists"}"#;
        assert!(Repeat::Invoice("A-1").is_refusal(200, invoice));
        assert!(Repeat::Invoice("a-1").is_refusal(400, invoice));
        assert!(!Repeat::Invoice("B-7").is_refusal(200, invoice));
        assert!(!Repeat::Invoice("A-1").is_refusal(200, r#"{"status":true,"message":"Invoice number A-1 already exists"}"#));
        assert!(!Repeat::Invoice("A-1").is_refusal(200, "Invoice number A-1 already exists"));
        assert!(Repeat::User.is_refusal(200, r#"{"status":false,"message":"User already exists"}"#));
        assert!(!Repeat::User.is_refusal(200, invoice));
        assert!(Repeat::Cancellation.is_refusal(200, r#"{"status":false,"message":"Invoice already cancelled"}"#));
    }

    #[test]
    fn envelopes() {
        assert_eq!(read_status(200, r#"{"status": true, "message": "product updated"}"#), Ok(Some("product updated".into())));
        assert_eq!(read_status(200, r#"{"status":true,"data":"Cambio de estado efectuado con exito"}"#).unwrap().unwrap().len(), 36);
        assert_eq!(read_status(200, r#"{"status": true}"#), Ok(None));
        let e = read_status(200, r#"{"status": false, "message": "Invalid apikey"}"#).unwrap_err();
        assert_eq!(e, LoyaltyError::Remote { service: "woowup", status: 200, message: "Invalid apikey".into() });
        // success decided by status, not by the HTTP code
        assert!(read_status(500, r#"{"status": "1"}"#).is_ok());
        assert_eq!(read_status(200, r#"{"status": 0}"#).unwrap_err().code(), "remote_error");
        assert_eq!(read_status(200, r#"{"data": 1}"#).unwrap_err().code(), "invalid_response");
        assert_eq!(read_status(200, r#"{"status": "maybe"}"#).unwrap_err().code(), "invalid_response");
        assert_eq!(read_status(200, "<html>").unwrap_err().code(), "invalid_response");
        assert_eq!(read_status(200, "").unwrap_err().code(), "invalid_response");
        assert_eq!(read_status(502, "<html>").unwrap_err().to_string(), "woowup answered 502: HTTP 502 without a WoowUp answer");
        let long = format!(r#"{{"status": false, "message": "{}"}}"#, "é".repeat(5000));
        assert_eq!(read_status(200, &long).unwrap_err().to_string().chars().count(), "woowup answered 200: ".len() + 1001);
    }

    #[test]
    fn users_with_numbers_as_text_and_null_uids() {
        let body = r#"{"status":true,"data":{"user":{"points":"4256","first_name":"John","service_uid":null,"userapp_id":"17","app_id":13}}}"#;
        let Lookup::Found { user } = read_user_lookup(200, body).unwrap() else { panic!() };
        assert_eq!(user.points, Some(Decimal::from_i64(4256)));
        assert_eq!((user.service_uid, user.userapp_id.as_deref(), user.app_id.as_deref()), (None, Some("17"), Some("13")));
        let not_found = read_user_lookup(200, r#"{"status":false,"message":"User not found"}"#).unwrap();
        assert_eq!(not_found, Lookup::NotFound { message: Some("User not found".into()) });
        assert_eq!(read_user_lookup(404, r#"{"status":false}"#).unwrap(), Lookup::NotFound { message: None });
        assert_eq!(read_user_lookup(403, r#"{"status":false,"message":"Forbidden"}"#).unwrap_err().code(), "remote_error");
        assert_eq!(read_user_lookup(200, r#"{"status":true,"data":{}}"#).unwrap_err().code(), "invalid_response");
        assert_eq!(read_user_lookup(200, r#"{"status":true,"data":{"user":{"points":"many"}}}"#).unwrap_err().code(), "invalid_response");
    }

    #[test]
    fn bare_arrays() {
        let t = read_transactions(200, r#"[{"id":"2191","points":"20000","action_id":null,"concept_id":"3","description":"342","created":"2014-02-26 14:41:22"},{"id":2206,"points":-100}]"#).unwrap();
        assert_eq!((t[0].id.as_str(), t[0].points.to_string(), t[0].action_id.clone()), ("2191", "20000".into(), None));
        assert_eq!((t[1].id.as_str(), t[1].points.to_string()), ("2206", "-100".into()));
        assert_eq!(read_transactions(200, "[]").unwrap(), vec![]);
        assert_eq!(read_transactions(200, r#"[{"points":"1"}]"#).unwrap_err().code(), "invalid_response");
        assert_eq!(read_transactions(200, r#"{"status":false,"message":"no user"}"#).unwrap_err().code(), "remote_error");
        let top = read_top_users(200, r#"[{"id":"1234","service_uid":"john@doe.com","points":999}]"#).unwrap();
        assert_eq!((top[0].id.as_deref(), top[0].points), (Some("1234"), Some(Decimal::from_i64(999))));
        assert_eq!(read_top_users(200, "[1]").unwrap_err().code(), "invalid_response");
    }

    #[test]
    fn sale_points_and_transaction_ids() {
        assert_eq!(read_sale_points(200, r#"{"status":true,"data":{"contest_sale_points":5}}"#), Ok(Some(Decimal::from_i64(5))));
        assert_eq!(read_sale_points(200, r#"{"status":true,"data":{"contest_sale_points":"0.5"}}"#).unwrap().unwrap().to_string(), "0.5");
        assert_eq!(read_sale_points(200, r#"{"status":true,"data":{}}"#), Ok(None));
        assert_eq!(read_sale_points(200, r#"{"status":true}"#), Ok(None));
        assert_eq!(read_sale_points(200, r#"{"status":true,"data":{"contest_sale_points":-1}}"#).unwrap_err().code(), "invalid_response");
        assert_eq!(read_transaction_id(200, r#"{"status":true,"data":{"transaction_id":"2424"}}"#), Ok(Some("2424".into())));
        assert_eq!(read_transaction_id(200, r#"{"status":true,"data":{"transaction_id":2424}}"#), Ok(Some("2424".into())));
        assert_eq!(read_transaction_id(200, r#"{"status":true}"#), Ok(None));
    }

    #[test]
    fn registration_answers() {
        let body = r#"{"status":true,"data":{"user":{"service":2,"service_uid":"31824477","id":"9"},"user_app":{"app_id":"13","id":"34"},"points":0}}"#;
        let user = read_registered_user(200, body).unwrap();
        assert_eq!((user.id.as_deref(), user.userapp_id.as_deref(), user.app_id.as_deref()), (Some("9"), Some("34"), Some("13")));
        assert_eq!((user.service.as_deref(), user.points), (Some("2"), Some(Decimal::ZERO)));
        assert!(read_is_user(200, r#"{"status":true,"message":"User already exists"}"#).unwrap());
        assert!(!read_is_user(200, r#"{"status":false}"#).unwrap());
        assert_eq!(read_response(200, r#"{"status":true,"message":"User already exists"}"#).unwrap(), "User already exists");
    }
}
