//! Typed inputs (orders, customers, options) from JSON text, the same on every target: serde's
//! errors become coded errors naming the field's path (`customer.email`, `factura[2].precio`),
//! broken JSON an `invalid_json` at its byte offset. The one place serde's messages are read.

use crate::error::{LoyaltyError, Result};
use serde::de::DeserializeOwned;

/// Reads `T` from `text`. `field` names the whole input (`"order"`) for errors about it as a
/// whole; empty for none.
pub fn from_json<T: DeserializeOwned>(text: &str, field: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        serde_error(e.into_inner(), text, field, &path)
    })?;
    de.end().map_err(|e| serde_error(e, text, field, "."))?;
    Ok(parsed)
}

fn serde_error(e: serde_json::Error, text: &str, field: &str, path: &str) -> LoyaltyError {
    if e.is_syntax() || e.is_eof() {
        let reason = if e.is_eof() { "unexpected end of text" } else { "not JSON" };
        return LoyaltyError::InvalidJson { offset: byte_offset(text, e.line(), e.column()), reason };
    }
    let full = e.to_string();
    let message = full.rfind(" at line ").map_or(full.as_str(), |at| &full[..at]); // no-panic: rfind gives a char boundary
    let at_path = |name: &str| if path == "." { name.to_string() } else { format!("{path}.{name}") };
    let named = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next());
    if let Some(name) = named("missing field `") {
        return LoyaltyError::missing(at_path(name));
    }
    if let Some(name) = named("unknown field `") {
        // The path already ends with the unknown key.
        let reason = message.replace(&format!("unknown field `{name}`, "), "unknown field; ");
        return LoyaltyError::invalid(if path == "." { name } else { path }, reason);
    }
    LoyaltyError::invalid(if path == "." { field.to_string() } else { path.to_string() }, message)
}

/// serde_json's 1-based line and column as a byte offset into `text`.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        quantity: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        id: String,
        items: Vec<Line>,
    }

    fn error(text: &str) -> (&'static str, String) {
        let e = from_json::<Order>(text, "order").unwrap_err();
        (e.code(), e.field().unwrap_or_default().to_string())
    }

    #[test]
    fn errors_name_the_path() {
        assert_eq!(error(r#"{"items": []}"#), ("missing_field", "id".into()));
        assert_eq!(error(r#"{"id": "1", "items": [{"sku": "a"}]}"#), ("missing_field", "items[0].quantity".into()));
        assert_eq!(error(r#"{"id": "1", "items": [{"sku": "a", "quantity": -1}]}"#), ("invalid_field", "items[0].quantity".into()));
        assert_eq!(error(r#"{"id": "1", "items": [], "note": 1}"#), ("invalid_field", "note".into()));
        assert_eq!(error(r#"{"id": "1", "items": [{"sku": "a", "quantity": 1, "x": 0}]}"#), ("invalid_field", "items[0].x".into()));
        assert_eq!(error(r#""text""#), ("invalid_field", "order".into()));
        assert_eq!(error(r#"{"id": "1", "items": []} x"#).0, "invalid_json");
        let e = from_json::<Order>("{\"id\": \n  \"1\", ,", "order").unwrap_err();
        assert_eq!(e, LoyaltyError::InvalidJson { offset: 15, reason: "not JSON" }, "the second comma");
    }
}
