//! Reading typed inputs from JSON (what the JavaScript binding passes): serde helpers for fields
//! that may arrive as text or as an integer, and serde's errors turned into coded errors.

use crate::error::Result;
use crate::secret::Secret;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::fmt;

/// Reads a typed input from JSON text. Unknown fields, missing fields and wrong types are
/// `invalid_field`/`missing_field` errors naming the field's path (`factura[0].precio`), as in
/// JavaScript; broken JSON is `invalid_json`.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    crate::input::from_json(text, "")
}

struct TextOrInteger;

impl Visitor<'_> for TextOrInteger {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text or an integer")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
}

/// A text field that also accepts an integer (`"nrofactura": 1234` is `"1234"`).
pub(crate) fn text_or_integer<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    d.deserialize_any(TextOrInteger)
}

/// An optional [`text_or_integer`]; `null` is absent.
pub(crate) fn opt_text_or_integer<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text, an integer or null")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> std::result::Result<Option<String>, D2::Error> {
            text_or_integer(d).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// A secret (API key, password) read from text.
pub(crate) fn secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Secret, D::Error> {
    struct S;
    impl Visitor<'_> for S {
        type Value = Secret;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Secret, E> {
            Ok(Secret::new(v))
        }
    }
    d.deserialize_str(S)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        #[serde(deserialize_with = "text_or_integer")]
        a: String,
        #[serde(default, deserialize_with = "opt_text_or_integer")]
        b: Option<String>,
    }

    #[test]
    fn errors_are_coded_and_name_the_field() {
        let t: T = from_json(r#"{"a": 12, "b": null}"#).unwrap();
        assert_eq!((t.a.as_str(), t.b), ("12", None));
        let t: T = from_json(r#"{"a": "x", "b": 5}"#).unwrap();
        assert_eq!(t.b.as_deref(), Some("5"));
        let e = from_json::<T>(r#"{"b": "x"}"#).unwrap_err();
        assert_eq!((e.code(), e.field()), ("missing_field", Some("a")));
        let e = from_json::<T>(r#"{"a": "x", "c": 1}"#).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_field", Some("c")));
        assert_eq!(from_json::<T>(r#"{"a": 1.5}"#).unwrap_err().code(), "invalid_field");
        assert_eq!(from_json::<T>("{\n\"a\": x}").unwrap_err(), crate::LoyaltyError::InvalidJson { offset: 7, reason: "not JSON" });
        assert_eq!(from_json::<T>(r#"{"a": "#).unwrap_err().code(), "invalid_json");
    }
}
