//! One error type for the whole crate. Every variant has a stable [`LoyaltyError::code`] that
//! callers (and the JavaScript binding) can branch on, and names the offending field where one
//! applies. No variant ever carries a secret.

use std::fmt;

/// Everything that can go wrong, from bad input to a vendor's refusal.
#[derive(Clone, PartialEq)]
pub enum LoyaltyError {
    /// Text that is not JSON as PHP's `json_decode` accepts it.
    InvalidJson { offset: usize, reason: &'static str },
    /// Containers nested deeper than PHP's default depth (512 to encode, 511 to decode).
    TooDeep { limit: usize },
    /// NaN or an infinity, which PHP's `json_encode` refuses.
    NonFiniteNumber { field: String },
    /// A required field is absent (or null where null is not allowed).
    MissingField { field: String },
    /// A field is present but its value is not acceptable.
    InvalidField { field: String, reason: String },
    /// A field that the library sets itself (`hmac`, `key`, `_url`, …).
    ReservedField { field: String },
    /// A value that must be unique appears twice.
    Duplicate { field: String, value: String },
    /// An input larger than the limit the library accepts.
    TooLarge { field: String, limit: usize },
    /// A Lootly payload whose top-level keys PHP 7 and PHP 8 sort differently (`"10"` next to
    /// `"id"`), for a server whose PHP version was not named: no one signature verifies on both.
    PhpVersionDependent { field: String },
    /// A vendor's server answered with a failure.
    Remote { service: &'static str, status: u16, message: String },
    /// A vendor's server answered something that cannot be read.
    InvalidResponse { service: &'static str, status: u16, reason: String },
    /// No answer from a vendor's server (connection failed, timed out), after the retries the
    /// policy allows.
    Network { service: &'static str, reason: String },
    /// A request that changes something was sent and its answer lost or unreadable: it may or
    /// may not have been processed, and is not sent again without a check.
    InDoubt { service: &'static str, reason: String },
}

pub type Result<T, E = LoyaltyError> = std::result::Result<T, E>;

impl LoyaltyError {
    /// A stable, machine-readable code, identical in Rust and JavaScript.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson { .. } => "invalid_json",
            Self::TooDeep { .. } => "too_deep",
            Self::NonFiniteNumber { .. } => "non_finite_number",
            Self::MissingField { .. } => "missing_field",
            Self::InvalidField { .. } => "invalid_field",
            Self::ReservedField { .. } => "reserved_field",
            Self::Duplicate { .. } => "duplicate",
            Self::TooLarge { .. } => "too_large",
            Self::PhpVersionDependent { .. } => "php_version_dependent",
            Self::Remote { .. } => "remote_error",
            Self::InvalidResponse { .. } => "invalid_response",
            Self::Network { .. } => "network_error",
            Self::InDoubt { .. } => "in_doubt",
        }
    }

    /// Every code [`code`](Self::code) returns, in declaration order (the JavaScript types
    /// list the same; a test compares them).
    pub const CODES: [&'static str; 13] = [
        "invalid_json",
        "too_deep",
        "non_finite_number",
        "missing_field",
        "invalid_field",
        "reserved_field",
        "duplicate",
        "too_large",
        "php_version_dependent",
        "remote_error",
        "invalid_response",
        "network_error",
        "in_doubt",
    ];

    /// The HTTP status of the vendor's answer, for `remote_error` and `invalid_response`.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Remote { status, .. } | Self::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Which vendor answered (`"lootly"` or `"woowup"`), for `remote_error`, `invalid_response`,
    /// `network_error` and `in_doubt`.
    pub fn service(&self) -> Option<&'static str> {
        match self {
            Self::Remote { service, .. }
            | Self::InvalidResponse { service, .. }
            | Self::Network { service, .. }
            | Self::InDoubt { service, .. } => Some(service),
            _ => None,
        }
    }

    /// The offending field as a path (`customer.email`, `items[2].quantity`), where one applies.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::NonFiniteNumber { field }
            | Self::MissingField { field }
            | Self::InvalidField { field, .. }
            | Self::ReservedField { field }
            | Self::Duplicate { field, .. }
            | Self::TooLarge { field, .. }
            | Self::PhpVersionDependent { field } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn missing(field: impl Into<String>) -> Self {
        Self::MissingField { field: field.into() }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidField { field: field.into(), reason: reason.into() }
    }

    /// The same error with its field moved under `prefix` (`email` → `customer.email`).
    pub fn within(mut self, prefix: &str) -> Self {
        let nest = |f: &mut String| {
            *f = if f.is_empty() {
                prefix.to_string()
            } else if f.starts_with('[') {
                format!("{prefix}{f}")
            } else {
                format!("{prefix}.{f}")
            }
        };
        match &mut self {
            Self::NonFiniteNumber { field }
            | Self::MissingField { field }
            | Self::InvalidField { field, .. }
            | Self::ReservedField { field }
            | Self::Duplicate { field, .. }
            | Self::TooLarge { field, .. }
            | Self::PhpVersionDependent { field } => nest(field),
            _ => {}
        }
        self
    }
}

impl fmt::Display for LoyaltyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidJson { offset, reason } => write!(f, "invalid JSON at byte {offset}: {reason}"),
            Self::TooDeep { limit } => write!(f, "containers nested deeper than {limit} levels"),
            Self::NonFiniteNumber { field } => write!(f, "{field}: NaN and infinities cannot be encoded"),
            Self::MissingField { field } => write!(f, "{field} is required"),
            Self::InvalidField { field, reason } => write!(f, "{field}: {reason}"),
            Self::ReservedField { field } => write!(f, "{field} is set by the library and must not be given"),
            Self::Duplicate { field, value } => write!(f, "{field}: {value:?} appears more than once"),
            Self::TooLarge { field, limit } => write!(f, "{field} is larger than {limit} bytes"),
            Self::PhpVersionDependent { field } => write!(
                f,
                "{field}: the top-level keys sort differently on PHP 7 and PHP 8 servers (integer-like keys such as \"10\" \
                 next to names), so no one signature verifies on both: rename or nest those keys, or name the \
                 server's PHP version (serverPhp: 7 or 8)"
            ),
            Self::Remote { service, status, message } => write!(f, "{service} answered {status}: {message}"),
            Self::InvalidResponse { service, status, reason } => {
                write!(f, "unreadable {service} response (HTTP {status}): {reason}")
            }
            Self::Network { service, reason } => write!(f, "{service}: {reason}"),
            Self::InDoubt { service, reason } => write!(f, "{service}: {reason}"),
        }
    }
}

impl fmt::Debug for LoyaltyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LoyaltyError({}: {self})", self.code())
    }
}

impl std::error::Error for LoyaltyError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each variant: adding a variant without listing its code fails to compile here
    /// (the match) or below (the list).
    fn every_variant() -> Vec<LoyaltyError> {
        let s = String::new;
        let all = vec![
            LoyaltyError::InvalidJson { offset: 0, reason: "" },
            LoyaltyError::TooDeep { limit: 1 },
            LoyaltyError::NonFiniteNumber { field: s() },
            LoyaltyError::MissingField { field: s() },
            LoyaltyError::InvalidField { field: s(), reason: s() },
            LoyaltyError::ReservedField { field: s() },
            LoyaltyError::Duplicate { field: s(), value: s() },
            LoyaltyError::TooLarge { field: s(), limit: 1 },
            LoyaltyError::PhpVersionDependent { field: s() },
            LoyaltyError::Remote { service: "woowup", status: 400, message: s() },
            LoyaltyError::InvalidResponse { service: "woowup", status: 200, reason: s() },
            LoyaltyError::Network { service: "woowup", reason: s() },
            LoyaltyError::InDoubt { service: "woowup", reason: s() },
        ];
        for e in &all {
            match e {
                LoyaltyError::InvalidJson { .. }
                | LoyaltyError::TooDeep { .. }
                | LoyaltyError::NonFiniteNumber { .. }
                | LoyaltyError::MissingField { .. }
                | LoyaltyError::InvalidField { .. }
                | LoyaltyError::ReservedField { .. }
                | LoyaltyError::Duplicate { .. }
                | LoyaltyError::TooLarge { .. }
                | LoyaltyError::PhpVersionDependent { .. }
                | LoyaltyError::Remote { .. }
                | LoyaltyError::InvalidResponse { .. }
                | LoyaltyError::Network { .. }
                | LoyaltyError::InDoubt { .. } => {}
            }
        }
        all
    }

    #[test]
    fn codes_lists_every_code_once() {
        let codes: Vec<&str> = every_variant().iter().map(LoyaltyError::code).collect();
        assert_eq!(codes, LoyaltyError::CODES);
    }

    #[test]
    fn only_a_vendors_answer_has_a_status_and_a_service() {
        let refused = LoyaltyError::Remote { service: "woowup", status: 401, message: "bad key".into() };
        assert_eq!((refused.status(), refused.service(), refused.field()), (Some(401), Some("woowup"), None));
        let unreadable = LoyaltyError::InvalidResponse { service: "lootly", status: 200, reason: "html".into() };
        assert_eq!((unreadable.status(), unreadable.service()), (Some(200), Some("lootly")));
        let lost = LoyaltyError::Network { service: "woowup", reason: "no answer".into() };
        assert_eq!((lost.code(), lost.status(), lost.service()), ("network_error", None, Some("woowup")));
        let missing = LoyaltyError::missing("email");
        assert_eq!((missing.status(), missing.service(), missing.field()), (None, None, Some("email")));
    }
}
