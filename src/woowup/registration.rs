//! The registration-validation webhook: when a user registers, WoowUp POSTs the registration
//! form's answers as JSON (`{"email": "…", "dni": "…", …}`) to the shop's URL, and the shop answers
//! `{"status": true}` to accept or `{"status": false, "message": "…"}` to refuse, with the message
//! shown to the user.

use super::validate;
use crate::error::{LoyaltyError, Result};
use crate::php::{json_decode, json_encode, Array, Mode, Object, Value};

/// The largest request body read: 1 MiB.
pub const MAX_REGISTRATION_BODY: usize = 1024 * 1024;

/// The form's answers, in the order WoowUp sent them.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistrationForm {
    answers: Vec<(String, Value)>,
}

impl RegistrationForm {
    /// Every answer, field name first, in the order received.
    pub fn answers(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.answers.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The answer to one field (the last one when a name repeats, as PHP keeps it).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.answers.iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }

    /// The answer to one field as text: text as it is, an integer as its digits, a float as
    /// PHP prints it, `true` as `1`; `None` when absent, `null`, `false` or a list.
    pub fn text(&self, field: &str) -> Option<String> {
        match self.get(field)? {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => {
                let mut s = String::new();
                crate::php::write_double(&mut s, *f, crate::php::Precision::Digits(14), 'E');
                Some(s)
            }
            Value::Bool(true) => Some("1".to_string()),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answers as a JSON object (PHP's `json_encode`, so non-ASCII text is `\u` escaped).
    pub fn to_json(&self) -> Result<String> {
        json_encode(&Value::Object(Object::from_pairs(self.answers.iter().map(|(k, v)| (k.clone(), v.clone())))))
    }
}

/// Reads WoowUp's request body: a JSON object of the form's answers.
pub fn read_registration_request(body: &str) -> Result<RegistrationForm> {
    validate::at_most("body", body, MAX_REGISTRATION_BODY)?;
    match json_decode(body.trim_start_matches('\u{feff}'), Mode::Objects)? {
        Value::Object(object) => {
            // Repeated names keep their first position and last value, as PHP does.
            Ok(RegistrationForm { answers: object.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() })
        }
        _ => Err(LoyaltyError::invalid("body", "expected a JSON object of the form's answers")),
    }
}

/// The shop's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationVerdict {
    /// Register the user.
    Accept,
    /// Refuse, showing `message` to the user.
    Reject { message: String },
}

/// The body to answer with (`Content-Type: application/json`): `{"status":true}` or
/// `{"status":false,"message":"…"}`, written by PHP's `json_encode`.
pub fn registration_answer(verdict: &RegistrationVerdict) -> Result<String> {
    let answer = match verdict {
        RegistrationVerdict::Accept => Array::from_pairs([("status", Value::Bool(true))]),
        RegistrationVerdict::Reject { message } => {
            validate::required("message", message)?;
            Array::from_pairs([("status", Value::Bool(false)), ("message", Value::str(message))])
        }
    };
    json_encode(&Value::Array(answer))
}

/// `{"status":true}`.
pub fn accept_registration() -> String {
    r#"{"status":true}"#.to_string()
}

/// `{"status":false,"message":"…"}`; the message must not be empty.
pub fn reject_registration(message: &str) -> Result<String> {
    registration_answer(&RegistrationVerdict::Reject { message: message.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_answers() {
        let form = read_registration_request(r#"{"email": "johndoe@gmail.com", "dni": "24586932", "age": 30, "news": true, "x": null}"#).unwrap();
        assert_eq!(form.text("dni").as_deref(), Some("24586932"));
        assert_eq!(form.text("age").as_deref(), Some("30"));
        assert_eq!(form.text("news").as_deref(), Some("1"));
        assert_eq!(form.text("x"), None);
        assert_eq!(form.answers().map(|(k, _)| k).collect::<Vec<_>>(), ["email", "dni", "age", "news", "x"]);
        assert_eq!(form.to_json().unwrap(), r#"{"email":"johndoe@gmail.com","dni":"24586932","age":30,"news":true,"x":null}"#);
        assert_eq!(read_registration_request("[1]").unwrap_err().code(), "invalid_field");
        assert_eq!(read_registration_request("{").unwrap_err().code(), "invalid_json");
        assert_eq!(registration_answer(&RegistrationVerdict::Accept).unwrap(), accept_registration());
        assert_eq!(reject_registration("Tu DNI no se encuentra registrado").unwrap(), r#"{"status":false,"message":"Tu DNI no se encuentra registrado"}"#);
        assert_eq!(reject_registration("Ñ/\"").unwrap(), r#"{"status":false,"message":"\u00d1\/\""}"#);
        assert_eq!(reject_registration(" ").unwrap_err().code(), "missing_field");
    }
}
