//! The body of every 4xx answer: `{"code", "field", "message"}`, `field` being a path into the
//! event (`customer.email`, `items[2].quantity`) or `""` when the problem is not one field's.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A stable code: `invalid_json`, `missing_field`, `unknown_field`, `invalid_field`,
    /// `rejected_by_destination`, `unauthorized`, `too_large`, `conflict`, `not_found`, …
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { code, field: field.into(), message: message.into() }
    }

    /// A problem with one field's value.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem::new("invalid_field", field, message)
    }

    pub fn to_json(&self) -> String {
        // no-panic: a struct of strings always serialises.
        serde_json::to_string(self).expect("a Problem serialises")
    }
}
