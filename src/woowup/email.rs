//! `send_transactional_email`: `{"to": [...], "subject": "…", "body": "…"}` as a JSON body.

use super::validate::{self, MAX_EMAIL_BODY};
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Array, Value};
use serde::Deserialize;
use std::collections::HashSet;

/// The most recipients of one email.
pub const MAX_RECIPIENTS: usize = 1000;

/// A transactional email.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionalEmail {
    /// The recipients: 1 to 1000 distinct email addresses (compared without case).
    pub to: Vec<String>,
    /// One line of text.
    pub subject: String,
    /// The body (HTML or text), at most 1 MiB.
    pub body: String,
}

impl Client {
    /// `POST /send_transactional_email` with the email as a JSON body.
    pub fn send_transactional_email(&self, email: &TransactionalEmail) -> Result<Request> {
        if email.to.is_empty() {
            return Err(LoyaltyError::missing("to"));
        }
        if email.to.len() > MAX_RECIPIENTS {
            return Err(LoyaltyError::invalid("to", format!("more than {MAX_RECIPIENTS} recipients")));
        }
        let mut seen = HashSet::with_capacity(email.to.len());
        for (i, address) in email.to.iter().enumerate() {
            let field = format!("to[{i}]");
            validate::email(&field, address)?;
            if !seen.insert(address.to_lowercase()) {
                return Err(LoyaltyError::Duplicate { field, value: address.clone() });
            }
        }
        validate::required("subject", &email.subject)?;
        if email.subject.contains(['\r', '\n']) {
            return Err(LoyaltyError::invalid("subject", "must be one line"));
        }
        if email.body.trim().is_empty() {
            return Err(LoyaltyError::missing("body"));
        }
        validate::at_most("body", &email.body, MAX_EMAIL_BODY)?;
        let body = Array::from_pairs([
            ("to", Value::Array(Array::list(email.to.iter().map(Value::str)))),
            ("subject", Value::str(&email.subject)),
            ("body", Value::str(&email.body)),
        ]);
        self.post_json("send_transactional_email", &Value::Array(body))
    }
}
