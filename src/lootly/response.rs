//! What Lootly's webhook answers mean. A 200 only says the signature was accepted and the job
//! queued, not that the order was valid; a 201 means the webhook type does not exist.

use crate::error::LoyaltyError;
use serde::Serialize;

/// The meaning of a webhook answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// 200: signature accepted, job queued. Not "valid" and not "rewarded": the job checks the
    /// order later and drops it silently, and counts only the order status the merchant rewards
    /// (`orders-paid` by default for a custom-API merchant).
    Accepted,
    /// 201: signature accepted but no such webhook type.
    UnknownEndpoint,
    /// 401: unknown api key or wrong signature.
    Unauthorized,
    /// 500: the slug is not an integration the merchant may use.
    IntegrationNotAllowed,
    /// 429: too many requests; retry later.
    RateLimited,
    /// Anything else (5xx other than 500 included): retry later.
    Unexpected,
}

impl Meaning {
    pub fn as_str(self) -> &'static str {
        match self {
            Meaning::Accepted => "accepted",
            Meaning::UnknownEndpoint => "unknown_endpoint",
            Meaning::Unauthorized => "unauthorized",
            Meaning::IntegrationNotAllowed => "integration_not_allowed",
            Meaning::RateLimited => "rate_limited",
            Meaning::Unexpected => "unexpected",
        }
    }

    /// Whether sending the same request again later may succeed.
    pub fn retryable(self) -> bool {
        matches!(self, Meaning::RateLimited | Meaning::Unexpected)
    }
}

/// A webhook answer, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Response {
    pub ok: bool,
    pub meaning: Meaning,
    /// The server's message, when it sent one (`{"message": …}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Response {
    /// `Ok` when accepted, otherwise a `remote_error` naming the meaning and the message.
    pub fn into_result(self, status: u16) -> Result<(), LoyaltyError> {
        if self.ok {
            return Ok(());
        }
        let detail = self.message.unwrap_or_else(|| self.meaning.as_str().replace('_', " "));
        Err(LoyaltyError::Remote { service: "lootly", status, message: format!("{}: {detail}", self.meaning.as_str()) })
    }
}

/// Reads a webhook answer from its status and body.
pub fn read_response(status: u16, body: &str) -> Response {
    let meaning = match status {
        200 => Meaning::Accepted,
        201 => Meaning::UnknownEndpoint,
        401 => Meaning::Unauthorized,
        500 => Meaning::IntegrationNotAllowed,
        429 => Meaning::RateLimited,
        _ => Meaning::Unexpected,
    };
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|j| j.get("message").and_then(|m| m.as_str()).map(str::to_string));
    Response { ok: meaning == Meaning::Accepted, meaning, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_their_meanings() {
        assert_eq!(read_response(200, ""), Response { ok: true, meaning: Meaning::Accepted, message: None });
        assert!(!read_response(201, "").ok);
        let r = read_response(401, r#"{"message":"Unauthenticated."}"#);
        assert_eq!((r.meaning, r.message.as_deref()), (Meaning::Unauthorized, Some("Unauthenticated.")));
        assert_eq!(read_response(500, "<html>").meaning, Meaning::IntegrationNotAllowed);
        assert!(read_response(429, "").meaning.retryable());
        assert_eq!(read_response(201, "").into_result(201).unwrap_err().code(), "remote_error");
    }
}
